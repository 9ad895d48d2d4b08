"""The package's shape: no import circles, lower stages never import higher ones, click only in the CLI.

The import graph is read from the source with ``ast`` — every ``import`` and ``from … import``, also
those inside functions and under ``TYPE_CHECKING``, since a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

# Bottom to top. A module may import modules of its own layer and of the layers below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("letters", "letters.errors", "letters.files", "letters.faults"),
    ("letters.carriers",),
    ("letters.intake",),
    ("letters.decide",),
    ("letters.compose",),
    ("letters.pdf",),
    ("letters.docx",),
    ("letters.evidence",),
    ("letters.post",),
    ("letters.batch",),
    ("letters.desk",),
    ("letters.cli", "letters.__main__"),
)

# Third-party packages that belong to one layer only.
ONLY_IN: Mapping[str, str] = {"click": "letters.cli"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    """Every module of ``modules`` that the file imports, and every other top-level package it imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    roots = {m.split(".")[0] for m in modules}
    resolved = set()
    for target in found:
        # `import letters.pdf.writer` also names its parents; keep the module itself.
        while target not in modules and "." in target and target.split(".")[0] in roots:
            target = target.rpartition(".")[0]
        resolved.add(target)
    resolved.discard(name)
    return resolved


def import_graph(root: Path) -> dict[str, set[str]]:
    files = {module_name(path, root): path for path in root.rglob("*.py")}
    modules = set(files)
    return {name: imports_of(path, name, modules) for name, path in files.items()}


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing itself): Tarjan."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str, layers: tuple[tuple[str, ...], ...]) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer) — the most specific prefix wins
    for number, prefixes in enumerate(layers):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), number)
    return None if best is None else best[1]


def layer_violations(graph: Mapping[str, Iterable[str]], layers: tuple[tuple[str, ...], ...]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        own = layer_of(module, layers)
        for target in sorted(targets):
            theirs = layer_of(target, layers)
            if own is not None and theirs is not None and theirs > own:
                found.append(f"{module} imports {target} (a higher stage)")
    return found


def misplaced_imports(graph: Mapping[str, Iterable[str]], only_in: Mapping[str, str]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            owner = only_in.get(target.split(".")[0])
            if owner and not (module == owner or module.startswith(owner + ".")):
                found.append(f"{module} imports {target} (only {owner} may)")
    return found


def test_every_module_has_a_layer() -> None:
    graph = import_graph(SRC)
    assert [m for m in sorted(graph) if layer_of(m, LAYERS) is None] == []


def test_no_import_circles() -> None:
    assert cycles(import_graph(SRC)) == []


def test_lower_stages_never_import_higher_ones() -> None:
    assert layer_violations(import_graph(SRC), LAYERS) == []


def test_only_the_cli_knows_click() -> None:
    assert misplaced_imports(import_graph(SRC), ONLY_IN) == []


def test_every_package_says_what_it_turns_into_what() -> None:
    for init in sorted((SRC / "letters").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init} has no docstring"


def test_no_module_over_500_lines_without_a_reason() -> None:
    long = []
    for path in sorted((SRC / "letters").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500 and "Longer than 500 lines because" not in text[:3000]:
            long.append(f"{path.relative_to(SRC)}: {text.count(chr(10))} lines")
    assert long == []


# The checks themselves, on a planted package: they must fail where they should.


def _plant(root: Path, files: Mapping[str, str]) -> Path:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    return _plant(
        tmp_path,
        {
            "letters/__init__.py": '"""x"""\n',
            "letters/intake/__init__.py": '"""x"""\n',
            "letters/intake/accounts.py": "from letters.intake import validate\n",
            "letters/intake/validate.py": "def f() -> None:\n    from letters.intake.accounts import A\n",
            "letters/decide/__init__.py": '"""x"""\n',
            "letters/decide/plan.py": "from letters.intake.accounts import A\n",
            "letters/intake/sources.py": "from ..decide import plan\nimport click\n",
        },
    )


def test_a_planted_circle_is_found(planted: Path) -> None:
    assert cycles(import_graph(planted)) == [["letters.intake.accounts", "letters.intake.validate"]]


def test_a_planted_upward_import_is_found(planted: Path) -> None:
    assert layer_violations(import_graph(planted), LAYERS) == [
        "letters.intake.sources imports letters.decide.plan (a higher stage)"
    ]
    assert misplaced_imports(import_graph(planted), ONLY_IN) == [
        "letters.intake.sources imports click (only letters.cli may)"
    ]
