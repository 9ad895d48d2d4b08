"""What a batch's bag holds (manifest, merged data, versions) and its verification; the bag is built
while the batch renders by evidence/bag_stream."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, BinaryIO

from letters import __version__
from letters.compose.canonical import canonical_json, letter_data
from letters.decide.business_days import library_versions
from letters.errors import LettersError
from letters.evidence.clock import now_utc as now_utc

MANIFEST_SCHEMA = "letters.manifest/1"


class ArchiveError(LettersError):
    """An archive could not be written, or does not verify."""


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


@cache
def font_versions() -> list[dict[str, str]]:
    """The font files letters print with and their version strings (name ID 5).

    Read with HarfBuzz, which maps the file and reads the one record (~0.3 ms a face); fontTools
    would first cost a one-off letter its ~0.1 s import.
    """
    import uharfbuzz as hb

    from letters.pdf.fonts import FONT_STACKS, find_face

    seen: dict[tuple[str, int], dict[str, str]] = {}
    for stack in FONT_STACKS.values():
        for family in stack:
            for bold in (False, True):
                face = find_face(family, bold=bold)
                key = (face.path, face.index)
                if key in seen:
                    continue
                font = hb.Face(hb.Blob.from_file_path(face.path), face.index)
                name = font.get_name(hb.OTNameIdPredefined.VERSION_STRING) or ""
                seen[key] = {"family": family, "file": face.path, "index": str(face.index), "version": name}
    return list(seen.values())


def tool_versions() -> dict[str, Any]:
    return {
        "letters": __version__,
        "weasyprint": _package_version("weasyprint"),
        "python-docx": _package_version("python-docx"),
        "pypdf": _package_version("pypdf"),
        "pikepdf": _package_version("pikepdf"),  # merges the print files
        "uharfbuzz": _package_version("uharfbuzz"),  # cuts the batch's font subsets
        "jinja2": _package_version("jinja2"),
        "babel": _package_version("babel"),
        "fonts": font_versions(),
        # Business days and the US validation period are counted with these calendars; their
        # data changes from version to version (CN's holidays are announced yearly).
        "calendars": library_versions(),
    }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ArchivedFile:
    source: Path
    target: str  # path inside the bag's data/ folder


def write_manifest(manifest: dict[str, Any], handle: BinaryIO) -> None:
    """The manifest as JSON, streamed: json.dumps with an indent builds the text from one small
    string per value first (~6 MB for the 1.7 MB manifest of 1,000 letters, ~10x that at 10,000)."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
    json.dump(manifest, text, sort_keys=True, indent=1, ensure_ascii=False)
    text.write("\n")
    text.flush()
    text.detach()  # the file stays open: the caller syncs and closes it


def letter_document(letter: Any, templates_root: Path) -> bytes:
    return canonical_json(letter_data(letter, templates_root))


# -- verification --------------------------------------------------------------------------------


def verify_archive(
    path: Path, ledger: Any | None = None, trust_roots: Sequence[Any] = (), notes: list[str] | None = None
) -> list[str]:
    """Full fixity: BagIt manifests (never the fast mode), the tag manifest and the chain anchor with
    its timestamp, our manifest, and the ledger if given; `notes` collects e.g. the timestamp's time."""
    import bagit

    from letters.evidence.anchor import check_bag_tags

    problems: list[str] = []
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return [f"{path}: not a readable BagIt bag ({exc})"]
    try:
        bag.validate(fast=False, completeness_only=False)
    except bagit.BagValidationError as exc:
        details = list(getattr(exc, "details", None) or [])
        if not details:
            # bagit stops at the Payload-Oxum (file count and size) summary before it names files;
            # run its completeness and checksum passes ourselves to say which file is wrong.
            for step in (bag._validate_completeness, lambda: bag._validate_entries(1)):
                try:
                    step()
                except bagit.BagValidationError as inner:
                    details.extend(getattr(inner, "details", None) or [])
        if details:
            problems.extend(_describe(path, d) for d in details)
        else:
            problems.append(f"{path}: {exc}")
    # bagit.py skips tag files when tagmanifest-sha256.txt is gone; the anchor and ledger notice.
    # A tag file bagit already named is named once (both say it in the same words).
    seal = check_bag_tags(path, ledger, trust_roots)
    problems.extend(p for p in seal.problems if p not in problems)
    if notes is not None:
        notes.extend(seal.notes)
    manifest_path = path / "data" / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{manifest_path}: unreadable manifest ({exc})")
        return problems
    if manifest.get("schema") != MANIFEST_SCHEMA:
        problems.append(f"{manifest_path}: unknown schema {manifest.get('schema')!r}")
    for entry in manifest.get("letters", []):
        for item in entry.get("files", []):
            problems.extend(_check_file(path / "data", item))
        data_file = path / "data" / "letter-data" / f"{entry['letter_id']}.json"
        if data_file.exists() and hashlib.sha256(data_file.read_bytes()).hexdigest() != entry["data_sha256"]:
            problems.append(f"{data_file}: merged data does not match the manifest's data_sha256")
    for item in manifest.get("batch_files", []):
        problems.extend(_check_file(path / "data", item))
    if ledger is not None:
        problems.extend(_check_ledger(manifest, manifest_path, ledger))
    return problems


def _describe(bag: Path, detail: Any) -> str:
    name = type(detail).__name__
    target = getattr(detail, "path", "?")
    if name == "ChecksumMismatch":
        if not str(target).startswith("data/"):
            from letters.evidence.anchor import tag_file_changed

            return tag_file_changed(bag, str(target))
        return f"{bag / target}: changed (SHA-256 differs from the bag manifest)"
    if name == "FileMissing":
        return f"{bag / target}: missing"
    if name == "UnexpectedFile":
        return f"{bag / target}: not in the bag manifest (added after archiving)"
    return f"{bag}: {detail}"


def _check_file(data_dir: Path, item: dict[str, Any]) -> list[str]:
    target = data_dir / item["path"]
    if not target.is_file():
        return [f"{target}: listed in manifest.json but missing"]
    problems = []
    if target.stat().st_size != item["size"]:
        problems.append(f"{target}: size {target.stat().st_size}, manifest.json says {item['size']}")
    if sha256_file(target) != item["sha256"]:
        problems.append(f"{target}: SHA-256 differs from manifest.json")
    return problems


def _check_ledger(manifest: dict[str, Any], manifest_path: Path, ledger: Any) -> list[str]:
    problems: list[str] = []
    batch_id = manifest["batch"]["batch_id"]
    record = ledger.batch(batch_id)
    if record is None:
        return [f"ledger: batch {batch_id} is not recorded"]
    if record.manifest_sha256 != sha256_file(manifest_path):
        problems.append(f"ledger: batch {batch_id}: manifest.json differs from the one recorded")
    ids = [entry["letter_id"] for entry in manifest.get("letters", [])]
    recorded = ledger.recorded_letters(ids)
    for entry in manifest.get("letters", []):
        row = recorded.get(entry["letter_id"])
        if row is None:
            problems.append(f"ledger: letter {entry['letter_id']} is not recorded")
            continue
        pdf = next((f for f in entry["files"] if f["path"].endswith(".pdf")), None)
        if pdf is not None and row.pdf_sha256 != pdf["sha256"]:
            problems.append(f"ledger: letter {entry['letter_id']}: PDF SHA-256 differs from the manifest")
        if row.data_sha256 != entry["data_sha256"]:
            problems.append(f"ledger: letter {entry['letter_id']}: data SHA-256 differs from the manifest")
    for problem in ledger.verify_chain():
        problems.append(f"ledger: {problem}")
    return problems


def raise_if_problems(problems: list[str]) -> None:
    if problems:
        raise ArchiveError("\n".join(problems))
