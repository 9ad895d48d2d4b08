"""check_tag_files (shared by `letters verify` and `letters bundle`): each tag file against the tag
manifest's SHA-256, named when changed or missing; a manifest line pointing outside the bag is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

from letters.evidence.anchor import check_tag_files


def bag(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
    (folder / "bag-info.txt").write_text("Source-Organization: Sakura Finance\n")
    lines = [
        f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}"
        for name in ("bag-info.txt", "bagit.txt")
    ]
    (folder / "tagmanifest-sha256.txt").write_text("\n".join(lines) + "\n")
    return folder


def test_unchanged_tag_files_pass(tmp_path: Path) -> None:
    assert check_tag_files(bag(tmp_path / "b")) == []


def test_changed_and_missing_tag_files_are_named(tmp_path: Path) -> None:
    folder = bag(tmp_path / "b")
    (folder / "bag-info.txt").write_text("Source-Organization: Mallory\n")
    (folder / "bagit.txt").unlink()
    assert check_tag_files(folder) == [
        f"{folder / 'bag-info.txt'}: changed (SHA-256 differs from tagmanifest-sha256.txt)",
        f"{folder / 'bagit.txt'}: missing (listed in tagmanifest-sha256.txt)",
    ]


def test_a_line_naming_a_file_outside_the_bag_is_refused(tmp_path: Path) -> None:
    folder = bag(tmp_path / "b")
    (tmp_path / "outside.txt").write_text("x")
    with (folder / "tagmanifest-sha256.txt").open("a") as handle:
        handle.write(f"{'0' * 64}  ../outside.txt\nnot a line\n")
    assert check_tag_files(folder) == [
        f"{folder / 'tagmanifest-sha256.txt'}, line 3: '../outside.txt' is not a file inside the bag",
        f"{folder / 'tagmanifest-sha256.txt'}, line 4: not a 'sha256  path' line",
    ]


def test_no_tag_manifest_is_left_to_the_seal_check(tmp_path: Path) -> None:
    folder = bag(tmp_path / "b")
    (folder / "tagmanifest-sha256.txt").unlink()
    assert check_tag_files(folder) == []
