"""Evidence bundle: parts and page count, bookmarks, index links, page and Bates stamps, digests, refusals."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from letters.batch.options import project_root
from letters.errors import LettersError
from letters.evidence.bundle.build import BundleResult, build_bundle
from letters.evidence.bundle.sources import listing_pages
from letters.evidence.ledger import Ledger
from tests.conftest import JA_ROW, csv_text

pytestmark = pytest.mark.slow

ROOT = project_root()
ACCOUNT = "JA-0001"
PREFIX = "SAKURA"


def run_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "letters", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )


@dataclass(frozen=True)
class Evidence:
    """Two batches for ACCOUNT (a demand, then a lawyer's letter), archived, with delivery events."""

    folder: Path
    db: str
    archive: Path
    extras: tuple[Path, ...]


def make_pdf(path: Path, html: str) -> Path:
    import weasyprint

    path.write_bytes(weasyprint.HTML(string=html).write_pdf())
    return path


def make_extras(folder: Path) -> tuple[Path, ...]:
    """A US Letter "scanned receipt" and a two-page A4 call log whose second page is stored rotated."""
    receipt = make_pdf(
        folder / "receipt.pdf",
        "<style>@page { size: letter }</style><h1>Receipt</h1><p>EXTRA-RECEIPT-MARKER</p>",
    )
    log = make_pdf(
        folder / "calls.pdf",
        "<style>@page { size: A4 } p { break-after: page }</style>"
        "<p>EXTRA-CALLS-MARKER one</p><p>EXTRA-CALLS-MARKER two</p>",
    )
    rotated = PdfWriter(clone_from=log)
    rotated.pages[1].rotate(90)
    with log.open("wb") as handle:
        rotated.write(handle)
    return receipt, log


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    folder = tmp_path_factory.mktemp("bundle")
    db = f"sqlite:///{folder / 'ledger.sqlite'}"
    archive = folder / "archive"
    both = folder / "accounts.csv"
    both.write_text(csv_text([JA_ROW, JA_ROW | {"account_id": "JA-0002", "debtor_name": "佐藤 花子"}]))
    one = folder / "one.csv"
    one.write_text(csv_text([JA_ROW]))
    for source, extra in (
        (both, ["--as-of", "2026-11-23"]),
        (one, ["--as-of", "2026-12-20", "--letter", "lawyer", "--override-hold", "court allowed it"]),
    ):
        if source == one:  # the lawyer's letter goes out despite a hold: the bundle must say so
            held = run_cli(["hold", ACCOUNT, "--reason", "dispute", "--operator", "alice", "--db", db])
            assert held.returncode == 0, held.stderr
        mail = ["--tracking-range", "RR:12345600:JP", "--archive-dir", str(archive)]
        result = run_cli(
            ["render", str(source), "-o", str(folder / "out"), *extra, "--db", db, "--silent", *mail]
        )
        assert result.returncode == 0, result.stderr
    ledger = Ledger(db)
    numbers = [r.tracking_number for r in ledger.history(ACCOUNT)]
    ledger.close()
    assert len(numbers) == 2 and all(numbers), numbers
    events = folder / "events.csv"
    events.write_text(
        "tracking_number,event,date,note\n"
        f"{numbers[0]},delivered,2026-11-25,signed by T. Yamada\n"
        f"{numbers[1]},refused,2026-12-22,refused at the door\n",
        encoding="utf-8",
    )
    imported = run_cli(["mail", "import", str(events), "--db", db])
    assert imported.returncode == 0, imported.stderr
    return Evidence(folder, db, archive, make_extras(folder))


def bundle(
    evidence: Evidence, output: Path, *, lang: str = "en", archive: Path | None = None
) -> BundleResult:
    ledger = Ledger(evidence.db)
    try:
        return build_bundle(
            ACCOUNT,
            extras=list(evidence.extras),
            output=output,
            archive_dirs=[archive or evidence.archive],
            ledger=ledger,
            lang=lang,
            bates_prefix=PREFIX,
            case_title=None,
            prepared_by="Legal team",
            templates_root=ROOT / "templates",
            letterheads_root=ROOT / "letterheads",
        )
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def built(evidence: Evidence) -> tuple[BundleResult, PdfReader]:
    result = bundle(evidence, evidence.folder / "bundle.pdf")
    return result, PdfReader(result.path)


def archived_letters(evidence: Evidence) -> list[Path]:
    """The account's letter PDFs in the archive, oldest first (found by walking the bags)."""
    ledger = Ledger(evidence.db)
    rows = ledger.history(ACCOUNT)
    ledger.close()
    return [evidence.archive / r.batch_id / "data" / "letters" / r.file for r in rows]


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_page_count_is_the_sum_of_the_parts(
    evidence: Evidence, built: tuple[BundleResult, PdfReader]
) -> None:
    result, reader = built
    assert len(reader.pages) == result.pages
    assert result.pages == result.cover_pages + result.index_pages + sum(
        d.page_count for d in result.documents
    )
    kinds = [d.kind for d in result.documents]
    ledger_pages = ["letter", "letter", "mailing-list", "mailing-list", "deliveries", "timeline"]
    assert kinds == [*ledger_pages, "supplied", "supplied", "digests"]
    letters = archived_letters(evidence)
    assert [d.page_count for d in result.documents[:2]] == [len(PdfReader(p).pages) for p in letters]
    assert [d.page_count for d in result.documents if d.kind == "supplied"] == [
        len(PdfReader(p).pages) for p in evidence.extras
    ]
    # The documents follow each other without gaps, from the page after the index.
    expected = result.cover_pages + result.index_pages + 1
    for document in result.documents:
        assert document.first_page == expected, document
        expected += document.page_count
    assert expected == result.pages + 1


def test_bookmarks_name_each_document_and_open_its_first_page(
    evidence: Evidence, built: tuple[BundleResult, PdfReader]
) -> None:
    result, reader = built
    outline: list[Any] = list(reader.outline)
    assert [item.title for item in outline] == ["Cover", "Index"] + [d.bookmark for d in result.documents]
    pages = [reader.get_destination_page_number(item) for item in outline]
    assert pages == [0, result.cover_pages] + [d.first_page - 1 for d in result.documents]
    text = texts(reader)
    ledger = Ledger(evidence.db)
    rows = ledger.history(ACCOUNT)
    ledger.close()
    letters, mailing = result.documents[:2], result.documents[2:4]
    for row, document in zip(rows, letters, strict=True):
        assert document.bookmark.startswith(f"{document.number}. ")
        assert row.letter_id in document.title
        assert row.letter_id in text[document.first_page - 1]  # the letter prints its id
    for row, document in zip(rows, mailing, strict=True):
        assert row.tracking_number in re.sub(r"\s+", "", text[document.first_page - 1])
    receipt, calls = result.documents[6:8]
    assert "EXTRA-RECEIPT-MARKER" in text[receipt.first_page - 1]
    assert "EXTRA-CALLS-MARKER one" in text[calls.first_page - 1]
    assert "EXTRA-CALLS-MARKER two" in text[calls.first_page]
    assert "SHA-256 digests of the documents" in text[-1]


def test_index_links_jump_to_each_documents_first_page(built: tuple[BundleResult, PdfReader]) -> None:
    result, reader = built
    targets: list[int] = []
    for page in reader.pages[result.cover_pages : result.cover_pages + result.index_pages]:
        for ref in page.get("/Annots", []):
            annotation = ref.get_object()
            assert annotation["/Subtype"] == "/Link"
            assert "/A" not in annotation, annotation  # no placeholder URI left behind
            target = reader.get_page_number(annotation["/Dest"][0].get_object())
            assert target is not None
            if target not in targets:
                targets.append(target)
    assert targets == [d.first_page - 1 for d in result.documents]


def text_and_positions(page: Any) -> tuple[str, list[tuple[str, float, float]]]:
    """A page's text, and where each piece of it starts (in the page's coordinates)."""
    pieces: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        pieces.append((text, tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    return page.extract_text(visitor_text=visit), pieces


def test_every_page_carries_its_page_number_and_bates_number(built: tuple[BundleResult, PdfReader]) -> None:
    _, reader = built
    total = len(reader.pages)
    assert reader.page_labels == [str(n) for n in range(1, total + 1)]
    for n, page in enumerate(reader.pages, start=1):
        width = float(page.mediabox.width)
        text, stamps = text_and_positions(page)
        assert f"Page {n} of {total}" in text, n
        bates = f"{PREFIX}-{n:06d}"
        assert bates in text, n
        # Bottom right, in the page's own coordinates, whatever its size and orientation.
        places = [(x, y) for t, x, y in stamps if bates in t]
        assert any(x > width * 0.6 and y < 30 for x, y in places), (n, places, width)
        # Apart from the cover and index (which list ranges), a page shows only its own Bates number.
        if n > 2:
            assert re.findall(rf"{PREFIX}-\d{{6}}", text) == [bates], n


def test_pages_keep_their_size_under_the_stamp(
    evidence: Evidence, built: tuple[BundleResult, PdfReader]
) -> None:
    result, reader = built
    receipt, calls = result.documents[6:8]
    letter_size = reader.pages[receipt.first_page - 1].mediabox
    assert (float(letter_size.width), float(letter_size.height)) == (612, 792)
    # The rotated page was turned upright in content, so its stamp sits at the bottom as it is read.
    turned = reader.pages[calls.first_page]
    assert turned.rotation == 0
    assert float(turned.mediabox.width) > float(turned.mediabox.height)


def test_digest_page_lists_every_documents_sha256(
    evidence: Evidence, built: tuple[BundleResult, PdfReader]
) -> None:
    result, reader = built
    digests = result.documents[-1]
    text = "".join(texts(reader)[digests.first_page - 1 :])
    files = archived_letters(evidence)
    files += sorted(evidence.archive.glob("*/data/batch/mailing_*.pdf"))
    files += list(evidence.extras)
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in text, path
    ledger = Ledger(evidence.db)
    recorded = [r.pdf_sha256 for r in ledger.history(ACCOUNT)]
    ledger.close()
    assert [d.sha256 for d in result.documents[:2]] == recorded
    assert digests.first_page + digests.page_count - 1 == result.pages  # the bundle ends with them


def test_delivery_events_and_timeline(built: tuple[BundleResult, PdfReader]) -> None:
    result, reader = built
    text = texts(reader)
    deliveries = next(d for d in result.documents if d.kind == "deliveries")
    table = text[deliveries.first_page - 1]
    assert "Delivered" in table and "signed by T. Yamada" in table
    assert "Refused" in table and "refused at the door" in table
    timeline = text[next(d for d in result.documents if d.kind == "timeline").first_page - 1]
    order = ["November 23, 2026", "November 25, 2026", "December 20, 2026", "December 22, 2026"]
    positions = [timeline.index(day) for day in order]
    assert positions == sorted(positions), positions
    flat = " ".join(timeline.split())
    assert "sent despite a hold, on" in flat and "court allowed it" in flat and "dispute hold since" in flat


def test_cover_and_index_follow_lang(evidence: Evidence, tmp_path: Path) -> None:
    words = {"ja": ("証拠書類綴", "目次", "債務者"), "zh": ("证据材料汇编", "目录", "债务人")}
    for lang, (cover_word, index_word, debtor_word) in words.items():
        result = bundle(evidence, tmp_path / f"bundle_{lang}.pdf", lang=lang)
        reader = PdfReader(result.path)
        assert cover_word in reader.pages[0].extract_text()
        assert debtor_word in reader.pages[0].extract_text()
        assert index_word in reader.pages[1].extract_text()
        assert str(reader.root_object["/Lang"]) == lang


def test_tampered_letter_is_refused_and_named(evidence: Evidence, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(evidence.archive, archive)
    target = archive / archived_letters(evidence)[1].relative_to(evidence.archive)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    output = tmp_path / "bundle.pdf"
    with pytest.raises(LettersError) as info:
        bundle(evidence, output, archive=archive)
    message = str(info.value)
    assert message.startswith(f"{target}: SHA-256 ")
    assert "differs from the ledger" in message and "refusing to bundle it" in message
    assert not output.exists()


def test_tampered_mailing_list_is_refused_and_named(evidence: Evidence, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(evidence.archive, archive)
    target = sorted(archive.glob("*/data/batch/mailing_*.pdf"))[0]
    target.write_bytes(target.read_bytes() + b"\n%tampered\n")
    with pytest.raises(LettersError) as info:
        bundle(evidence, tmp_path / "bundle.pdf", archive=archive)
    assert str(info.value).startswith(f"{target}: SHA-256 ")
    assert "the bag manifest" in str(info.value)


def test_missing_bag_is_named(evidence: Evidence, tmp_path: Path) -> None:
    with pytest.raises(LettersError) as info:
        bundle(evidence, tmp_path / "bundle.pdf", archive=tmp_path / "elsewhere")
    assert "is in the ledger but its bag is in none of: " in str(info.value)
    assert str(tmp_path / "elsewhere") in str(info.value)


def test_mailing_list_pages_are_found_by_number(tmp_path: Path) -> None:
    rows = "".join(f"<p>{n} RR 123 456 {n:03d} JP</p>" for n in range(3))
    pdf = make_pdf(tmp_path / "list.pdf", f"<p style='break-after: page'>first page</p>{rows}<p>nothing</p>")
    found = listing_pages(pdf.read_bytes(), ["RR123456001JP", "RR999999999JP"])
    assert found == {"RR123456001JP": (1,)}


def cli_group() -> click.Group:
    from letters.cli import LettersGroup
    from letters.cli.evidence import bundle as bundle_command

    group = LettersGroup(name="letters")
    group.add_command(bundle_command)
    return group


def test_cli_writes_the_bundle(evidence: Evidence, tmp_path: Path) -> None:
    output = tmp_path / "out" / "bundle.pdf"
    args = ["bundle", ACCOUNT, *map(str, evidence.extras), "-o", str(output)]
    args += ["--archive-dir", str(evidence.archive), "--db", evidence.db, "--bates-prefix", "CASE-7"]
    result = CliRunner().invoke(cli_group(), args)
    assert result.exit_code == 0, result.output
    reader = PdfReader(output)
    total = len(reader.pages)
    assert result.output.splitlines()[-1].startswith(f"bundle: {output} ({total} pages, CASE-7-000001 – ")
    assert f"CASE-7-{total:06d}" in reader.pages[-1].extract_text()
    assert "目次" in reader.pages[1].extract_text()  # no --lang: the language of the account's letters
    assert oct(output.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NO-SUCH-ACCOUNT"], "records no letters for account 'NO-SUCH-ACCOUNT'"),
        ([ACCOUNT, "--bates-prefix", "A B"], "Bates prefix 'A B': use 1–30 letters"),
    ],
)
def test_cli_errors_exit_1_with_the_reason(
    evidence: Evidence, tmp_path: Path, args: list[str], message: str
) -> None:
    output = tmp_path / "bundle.pdf"
    result = CliRunner().invoke(
        cli_group(),
        ["bundle", *args, "-o", str(output), "--archive-dir", str(evidence.archive), "--db", evidence.db],
    )
    assert result.exit_code == 1
    assert message in result.output
    assert not output.exists()


def test_cli_refuses_to_write_into_the_archive(evidence: Evidence) -> None:
    output = evidence.archive / "bundle.pdf"
    result = CliRunner().invoke(cli_group(), ["bundle", ACCOUNT, "-o", str(output), *sources(evidence)])
    assert result.exit_code == 1
    assert (
        f"{output}: the bundle may not be written inside the archive folder {evidence.archive}"
        in result.output
    )
    assert not output.exists()


def sources(evidence: Evidence) -> list[str]:
    return ["--archive-dir", str(evidence.archive), "--db", evidence.db]


def test_cli_refuses_an_extra_that_is_not_a_pdf(evidence: Evidence, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.pdf"
    bogus.write_text("not a pdf", encoding="utf-8")
    result = CliRunner().invoke(
        cli_group(),
        ["bundle", ACCOUNT, str(bogus), "-o", str(tmp_path / "b.pdf"), *sources(evidence)],
    )
    assert result.exit_code == 1
    assert f"{bogus}: not a readable PDF" in result.output
