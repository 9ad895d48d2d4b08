"""The Jinja environment letters are written with: autoescaped, strict about undefined fields, sandboxed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from letters.errors import TemplateError


class LetterUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message names the missing field the way a user would look for it."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        if self._undefined_hint is None and name is not None:
            return f"the template needs the field {name!r}, which this letter's data does not have"
        return str(super()._undefined_message)


@cache
def template_environment(root: Path) -> jinja2.Environment:
    """One environment per templates folder and process, so compiled templates are reused."""
    # The sandbox stops a template (or a template author) from reaching Python internals; account
    # data never reaches the template source at all: it is passed only as context values.
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(root)),
        autoescape=True,
        undefined=LetterUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    return env


@dataclass(frozen=True)
class TemplateIdentity:
    """Which template files a letter was made from, with their SHA-256 (recorded in the archive)."""

    name: str
    files: tuple[tuple[str, str], ...]  # (path relative to the templates root, sha256)


def template_name(lang: str, kind: str) -> str:
    return f"{lang}/{kind}.html"


def load_template(root: Path, lang: str, kind: str) -> jinja2.Template:
    """The template for a language and letter kind; a clear error when it does not exist."""
    name = template_name(lang, kind)
    try:
        return template_environment(root).get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"no template {exc.name!r} under {root}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None


@cache  # parsing every template again per letter cost ~30 ms a letter; files don't change mid-run
def template_identity(root: Path, lang: str, kind: str) -> TemplateIdentity:
    """The template and every file it includes or extends, hashed, in a stable order."""
    env = template_environment(root)
    name = template_name(lang, kind)
    seen: list[str] = []
    try:
        _collect_dependencies(env, name, seen)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"no template {exc.name!r} under {root}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    return TemplateIdentity(name, tuple((dep, _sha256(root / dep)) for dep in sorted(seen)))


def _collect_dependencies(env: jinja2.Environment, name: str, seen: list[str]) -> None:
    if name in seen:
        return
    seen.append(name)
    assert env.loader is not None  # noqa: S101 - template_environment always sets a loader
    source, _, _ = env.loader.get_source(env, name)
    from jinja2 import meta

    for dependency in meta.find_referenced_templates(env.parse(source)):
        if dependency is not None:
            _collect_dependencies(env, dependency, seen)


@cache
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
