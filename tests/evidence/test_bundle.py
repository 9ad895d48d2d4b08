"""Evidence bundle: parts and page count, bookmarks, index links, page and Bates stamps, digests, refusals."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from letters.batch.options import project_root
from letters.carriers.numbers import make_jp
from letters.errors import LettersError
from letters.evidence.bundle.build import BundleResult, build_bundle
from letters.evidence.bundle.sources import listing_pages
from letters.evidence.ledger import Ledger
from letters.post.redacted import render_redacted
from tests.conftest import JA_ROW, csv_text
from tests.helpers import deliberately_broken

pytestmark = pytest.mark.slow

ROOT = project_root()
ACCOUNT = "JA-0001"
# Another debtor on the same mailing list, with a name and address found nowhere else: a bundle for
# ACCOUNT must not contain them (redaction).
OTHER_DEBTOR = {
    "account_id": "JA-0002",
    "debtor_name": "鬼瓦 権左衛門",
    "postal_code": "980-0811",
    "region": "宮城県",
    "city": "仙台市青葉区",
    "address_line1": "一番町9丁目9番9号",
    "address_line2": "秘匿荘 909",
}
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
    both.write_text(csv_text([JA_ROW, JA_ROW | OTHER_DEBTOR]))
    one = folder / "one.csv"
    one.write_text(csv_text([JA_ROW]))
    # Japan Post's domestic 書留 labels: 12 digits with the mod-7 check digit.
    pool = folder / "labels.txt"
    pool.write_text("".join(make_jp(12345600000 + i).display + "\n" for i in range(3)), encoding="utf-8")
    for source, extra in (
        (both, ["--as-of", "2026-11-23"]),
        (one, ["--as-of", "2026-12-20", "--letter", "lawyer", "--override-hold", "court allowed it"]),
    ):
        if source == one:  # the lawyer's letter goes out despite a hold: the bundle must say so
            held = run_cli(["hold", ACCOUNT, "--reason", "dispute", "--operator", "alice", "--db", db])
            assert held.returncode == 0, held.stderr
        mail = ["--tracking-pool", str(pool), "--archive-dir", str(archive)]
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
    # The second letter is dated 2026-12-20: its refusal is a future date on a real clock, so the
    # import runs as of 2026-12-31 (`mail import` refuses deliveries that have not happened yet).
    from letters.post import delivery

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delivery, "latest_date_on_earth", lambda: date(2026, 12, 31))
        ledger = Ledger(db)
        imported = delivery.import_events(events, ledger)
        ledger.close()
    assert (imported.recorded, imported.unknown) == (2, ())
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
            redact_mailing=partial(
                render_redacted, templates_root=ROOT / "templates", letterheads_root=ROOT / "letterheads"
            ),
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
        assert row.tracking_number in re.sub(r"[\s-]+", "", text[document.first_page - 1])
    receipt, calls = result.documents[6:8]
    assert "EXTRA-RECEIPT-MARKER" in text[receipt.first_page - 1]
    assert "EXTRA-CALLS-MARKER one" in text[calls.first_page - 1]
    assert "EXTRA-CALLS-MARKER two" in text[calls.first_page]
    assert "SHA-256 digests of the documents" in text[result.documents[-1].first_page - 1]


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
    files += sorted(evidence.archive.glob("*/data/batch/mailing_*_20261123-*.pdf"))
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
    deliberately_broken(target).write_bytes(bytes(data))
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


def _bag_copy(evidence: Evidence, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the archive, and the bag in it of the account's latest letter."""
    archive = tmp_path / "archive"
    shutil.copytree(evidence.archive, archive)
    letter = archived_letters(evidence)[-1].relative_to(evidence.archive)
    return archive, archive / letter.parts[0]


def _cli_bundle(archive: Path, evidence: Evidence, output: Path) -> Any:
    args = ["bundle", ACCOUNT, "-o", str(output), "--archive-dir", str(archive), "--db", evidence.db]
    return CliRunner().invoke(cli_group(), args)


def test_cli_refuses_a_bag_whose_tag_manifest_was_deleted(evidence: Evidence, tmp_path: Path) -> None:
    archive, bag = _bag_copy(evidence, tmp_path)
    (bag / "tagmanifest-sha256.txt").unlink()
    output = tmp_path / "bundle.pdf"
    result = _cli_bundle(archive, evidence, output)
    assert result.exit_code == 1
    assert f"{bag / 'tagmanifest-sha256.txt'}: missing" in result.output
    assert f"refusing to bundle from batch {bag.name}'s bag" in result.output
    assert not output.exists()


def test_cli_refuses_a_bag_whose_bag_info_was_edited(evidence: Evidence, tmp_path: Path) -> None:
    archive, bag = _bag_copy(evidence, tmp_path)
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8") + "Source-Organization: Mallory\n", encoding="utf-8")
    output = tmp_path / "bundle.pdf"
    result = _cli_bundle(archive, evidence, output)
    assert result.exit_code == 1
    assert f"{info}: changed (SHA-256 differs from tagmanifest-sha256.txt)" in result.output
    assert not output.exists()


def test_bag_info_edited_and_tag_manifest_recomputed_is_refused(evidence: Evidence, tmp_path: Path) -> None:
    """Recomputing the tag manifest hides the edit from bagit, not from the bag's chain anchor."""
    archive, bag = _bag_copy(evidence, tmp_path)
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8") + "Contact-Name: Mallory\n", encoding="utf-8")
    tag = bag / "tagmanifest-sha256.txt"
    lines = []
    for line in tag.read_text(encoding="utf-8").splitlines():
        _digest, name = line.split(maxsplit=1)
        lines.append(f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}")
    tag.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LettersError) as info_error:
        bundle(evidence, tmp_path / "bundle.pdf", archive=archive)
    assert f"{tag}: changed after the batch was sealed" in str(info_error.value)


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
    deliberately_broken(bogus).write_text("not a pdf", encoding="utf-8")
    result = CliRunner().invoke(
        cli_group(),
        ["bundle", ACCOUNT, str(bogus), "-o", str(tmp_path / "b.pdf"), *sources(evidence)],
    )
    assert result.exit_code == 1
    assert f"{bogus}: not a readable PDF" in result.output


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def other_number(evidence: Evidence) -> str:
    ledger = Ledger(evidence.db)
    (row,) = ledger.history("JA-0002")
    ledger.close()
    return row.tracking_number


def test_bundle_text_has_no_other_debtors_data(
    evidence: Evidence, built: tuple[BundleResult, PdfReader]
) -> None:
    result, _ = built
    text = pdftotext(result.path)
    compact = re.sub(r"\s+", "", text)
    # The archived list itself does name the other debtor (so the test can fail) …
    originals = sorted(evidence.archive.glob("*/data/batch/mailing_*_20261123-*.pdf"))
    assert len(originals) == 1
    original = originals[0]
    assert "鬼瓦" in re.sub(r"\s+", "", pdftotext(original))
    # … the bundle does not: neither name, address nor tracking number, in text or anywhere in the file.
    for secret in (
        "鬼瓦",
        "権左衛門",
        "仙台市青葉区",
        "一番町9丁目",
        "秘匿荘",
        "980-0811",
        other_number(evidence),
    ):
        assert secret not in compact, secret
    raw = result.path.read_bytes()
    assert "鬼瓦".encode("utf-16-be") not in raw and "鬼瓦".encode() not in raw
    # The account's own row is still there, and the redaction is said on the page.
    mailing = [d for d in result.documents if d.kind == "mailing-list"]
    first = mailing[0]
    page = pdftotext_page(result.path, first.first_page)
    assert "山田" in page and "(他の受取人:秘匿)" in page.replace("（", "(").replace("）", ")").replace(
        "：", ":"
    )
    assert "redacted" in first.title


def pdftotext_page(path: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_digest_lists_original_and_redacted_hashes_and_the_original_still_verifies(
    evidence: Evidence, built: tuple[BundleResult, PdfReader]
) -> None:
    result, reader = built
    digests = result.documents[-1]
    text = re.sub(r"\s+", "", "".join(texts(reader)[digests.first_page - 1 :]))
    redacted = next(d for d in result.documents if d.kind == "mailing-list" and "redacted" in d.title)
    assert redacted.sha256 is not None and redacted.sha256 in text
    assert re.sub(r"\s+", "", "Redacted pages") in text and "courtorder" in text
    original = redacted.source  # the archived list the copy was made from
    assert original is not None and original.is_relative_to(evidence.archive)
    assert hashlib.sha256(original.read_bytes()).hexdigest() in text
    assert hashlib.sha256(original.read_bytes()).hexdigest() != redacted.sha256
    verified = run_cli(["verify", str(original.parent.parent.parent), "--db", evidence.db])
    assert verified.returncode == 0, verified.stderr


def test_fre_902_14_certification_page_is_ready_to_sign(evidence: Evidence, tmp_path: Path) -> None:
    output = tmp_path / "certified.pdf"
    result = run_cli(
        [
            "bundle",
            ACCOUNT,
            "-o",
            str(output),
            "--archive-dir",
            str(evidence.archive),
            "--db",
            evidence.db,
            "--lang",
            "ja",
            "--fre-902-14",
            "--qualified-person",
            "Jane Q. Custodian",
            "--qualified-title",
            "Custodian of Records",
        ]
    )
    assert result.returncode == 0, result.stderr
    reader = PdfReader(output)
    last_title = result.stdout.strip().splitlines()[-2].split("\t")[-1]
    assert last_title == "Certification under Federal Rules of Evidence 902(14) and 902(11)"
    first_page = int(result.stdout.strip().splitlines()[-2].split("\t")[1].removeprefix("p. "))
    text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in reader.pages[first_page - 1 :]))
    assert "I, Jane Q. Custodian, declare" in text and "I am the Custodian of Records of" in text
    assert "penalty of perjury" in text and "28 U.S.C. § 1746" in text and "Signature" in text
    assert "written notice" in text  # Rule 902(11)'s notice to the adverse party
    compact = text.replace(" ", "")
    for path in archived_letters(evidence):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in compact, path
    assert "matched the value recorded when the letter was made" in text
    assert "redacted copy made from the archived list" in text
    # Without the option there is no certification; with it and no name, a line to fill in.
    blank = run_cli(
        [
            *("bundle", ACCOUNT, "-o", str(tmp_path / "b.pdf"), "--archive-dir", str(evidence.archive)),
            *("--db", evidence.db, "--fre-902-14"),
        ]
    )
    assert blank.returncode == 0, blank.stderr
    assert "I, , declare" in re.sub(
        r"\s+", " ", "".join(p.extract_text() for p in PdfReader(tmp_path / "b.pdf").pages)
    )


def test_no_certification_unless_asked(built: tuple[BundleResult, PdfReader]) -> None:
    result, reader = built
    assert [d.kind for d in result.documents][-1] == "digests"
    assert not any("902(14)" in page.extract_text() for page in reader.pages)


def test_cli_signs_the_bundle_pades_b_t_and_pyhanko_validates_it(evidence: Evidence, tmp_path: Path) -> None:
    from tests.tsa import PASSWORD, local_tsa, make_pki

    pki = make_pki(tmp_path)
    output = tmp_path / "signed-bundle.pdf"
    env = dict(os.environ, LETTERS_SIGN_PASSWORD=PASSWORD.decode())
    with local_tsa(pki) as url:
        result = subprocess.run(
            [
                *(sys.executable, "-m", "letters", "bundle", ACCOUNT, "-o", str(output)),
                *("--archive-dir", str(evidence.archive), "--db", evidence.db),
                *("--sign-with", str(pki.keystore), "--sign-tsa", url, "--sign-visible"),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert "signed: PAdES B-T" in result.stdout
    validated = subprocess.run(
        [
            *(str(Path(sys.executable).parent / "pyhanko"), "sign", "validate", "--pretty-print"),
            *("--no-revocation-check", "--trust", str(pki.root_pem), "--trust-replace", str(output)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "The signature is judged VALID." in validated.stdout
    assert "backed by a time stamping authority" in validated.stdout
    assert "The signature covers the entire file." in validated.stdout
    # Without a password the command stops with one line naming where the password comes from.
    env.pop("LETTERS_SIGN_PASSWORD")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "letters",
            "bundle",
            ACCOUNT,
            "-o",
            str(tmp_path / "x.pdf"),
            "--archive-dir",
            str(evidence.archive),
            "--db",
            evidence.db,
            "--sign-with",
            str(pki.keystore),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert refused.returncode == 1 and "LETTERS_SIGN_PASSWORD" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_forged_delivery_event_is_refused_and_named(evidence: Evidence, tmp_path: Path) -> None:
    import sqlite3

    copy = tmp_path / "ledger.sqlite"
    shutil.copy(evidence.db.removeprefix("sqlite:///"), copy)
    ledger = Ledger(evidence.db)
    number = ledger.history(ACCOUNT)[0].tracking_number
    ledger.close()
    with sqlite3.connect(copy) as db:
        db.execute(
            "UPDATE delivery_events SET event_date = '2026-11-24' WHERE tracking_number = ?", (number,)
        )
    db.close()
    forged = Evidence(evidence.folder, f"sqlite:///{copy}", evidence.archive, evidence.extras)
    with pytest.raises(
        LettersError, match=rf"delivery event\(s\) #1 \({number} delivered 2026-11-24\) are not as"
    ):
        bundle(forged, tmp_path / "bundle.pdf")
    assert not (tmp_path / "bundle.pdf").exists()
