"""Real PDFs from WeasyPrint, checked with poppler and qpdf: text, fonts, structure, safety."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.batch.results import BatchResult
from letters.intake.accounts import Account
from tests.conftest import ROOT
from tests.helpers import make_account, pdffonts, pdftotext, record_notices

AS_OF = date(2026, 11, 23)
KINDS = ("reminder", "demand", "lawyer")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nine(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """One letter of every language × kind, rendered once for the module."""
    out = tmp_path_factory.mktemp("nine")
    paths: dict[tuple[str, str], Path] = {}
    record_notices("EN-0001")  # the US consumer's validation notice went first, long ago
    for kind in KINDS:
        accounts = [make_account(lang) for lang in ("ja", "zh", "en")]
        result = run_batch(accounts, Options(outdir=out / kind, as_of=AS_OF, letter_kind=kind))
        assert result.failed == []
        assert result.already_recorded == []
        assert len(result.written) == 3, [w.letter.id for w in result.written]
        for item in result.written:
            paths[(item.letter.planned.lang, kind)] = item.path
    return paths


def _text(path: Path) -> str:
    return " ".join(pdftotext(path).split())


@pytest.mark.parametrize("kind", KINDS)
def test_ja_text(nine: dict[tuple[str, str], Path], kind: str) -> None:
    text = _text(nine[("ja", kind)])
    assert "山田 太郎 様" in text
    assert "¥102,380" in text  # 120,000 + 1,500 + 880 − 20,000
    assert "2026年11月23日" in text and "2026年12月7日" in text
    assert "SK-2024-00123" in text


@pytest.mark.parametrize("kind", KINDS)
def test_zh_text_has_capitals(nine: dict[tuple[str, str], Path], kind: str) -> None:
    text = _text(nine[("zh", kind)]).replace(" ", "")
    assert "张伟先生" in text
    assert "¥16,409.02" in text
    assert "人民币壹万陆仟肆佰零玖元零贰分" in text
    assert "2026年11月23日" in text


@pytest.mark.parametrize("kind", KINDS)
def test_en_text(nine: dict[tuple[str, str], Path], kind: str) -> None:
    text = _text(nine[("en", kind)])
    assert "Ms. Jane Doe" in text
    assert "$1,187.34" in text  # 1,250.00 + 12.34 + 25 − 100
    assert "November 23, 2026" in text
    assert "December 7, 2026" in text
    assert "attempt to collect a debt" in text


@pytest.mark.parametrize(("lang", "face"), [("ja", "CJK-JP"), ("zh", "CJK-SC"), ("en", "Liberation-Serif")])
@pytest.mark.parametrize("kind", KINDS)
def test_fonts_embedded_and_per_language(
    nine: dict[tuple[str, str], Path], lang: str, face: str, kind: str
) -> None:
    fonts = pdffonts(nine[(lang, kind)])
    assert fonts, "no fonts at all"
    assert all(f["emb"] == "yes" for f in fonts), [f["line"] for f in fonts]
    assert any(face in f["name"] for f in fonts), [f["name"] for f in fonts]
    other = {"ja": "CJK-SC", "zh": "CJK-JP", "en": "CJK-SC"}[lang]
    assert not any(other in f["name"] for f in fonts), "the other language's glyph shapes leaked in"


def test_qpdf_check_passes(nine: dict[tuple[str, str], Path]) -> None:
    for path in nine.values():
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_lawyer_letters_come_from_the_firm_with_a_reference(nine: dict[tuple[str, str], Path]) -> None:
    zh = _text(nine[("zh", "lawyer")]).replace(" ", "")
    assert "律师函" in zh
    assert "（2026）沪明理律函字第0001号" in zh
    ja = _text(nine[("ja", "lawyer")])
    assert "法律事務所" in ja


def _render(tmp_path: Path, accounts: Sequence[Account], **options: Any) -> BatchResult:
    consumers = [a.account_id for a in accounts if a.address.country == "US" and a.debtor_type == "person"]
    if consumers:  # the validation notice went first, long ago: these tests are about the PDF
        record_notices(*consumers, db=options.get("db"))
    return run_batch(accounts, Options(outdir=tmp_path / "out", as_of=AS_OF, **options))


def test_hostile_name_prints_literally(tmp_path: Path) -> None:
    hostile = '{{ 7*7 }} <img src="file:///etc/passwd">'
    result = _render(tmp_path, [make_account("en", debtor_name=hostile)], letter_kind="demand")
    assert result.failed == []
    text = pdftotext(result.written[0].path)
    assert "{{ 7*7 }}" in text
    assert '<img src="file:///etc/passwd">' in text


def test_template_reaching_outside_is_refused(tmp_path: Path) -> None:
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "en" / "demand.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "{% block body %}", '{% block body %}<img src="file:///etc/passwd">', 1
        ),
        encoding="utf-8",
    )
    result = _render(tmp_path, [make_account("en")], letter_kind="demand", templates=templates)
    assert result.written == []
    assert len(result.failed) == 1
    assert "refused to fetch 'file:///etc/passwd'" in result.failed[0].error


def test_network_url_is_refused(tmp_path: Path) -> None:
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    css = templates / "letter.css"
    css.write_text(
        css.read_text(encoding="utf-8") + '\nbody { background: url("http://127.0.0.1:9/x.png"); }\n',
        encoding="utf-8",
    )
    result = _render(tmp_path, [make_account("ja")], letter_kind="reminder", templates=templates)
    assert result.written == []
    assert "refused to fetch 'http://127.0.0.1:9/x.png'" in result.failed[0].error


def test_missing_glyph_fails_naming_the_field(tmp_path: Path) -> None:
    result = _render(tmp_path, [make_account("ja", debtor_name="山田 क")], letter_kind="demand")
    assert result.written == []
    assert result.failed[0].error == (
        "letter 20261123-demand-JA-0001: no glyph in Noto Serif CJK JP for 'क' (U+0915) in debtor_name"
    )


def test_missing_seal_image_is_an_error(tmp_path: Path) -> None:
    import shutil

    heads = tmp_path / "letterheads"
    shutil.copytree(ROOT / "letterheads", heads)
    (heads / "sakura-finance" / "seal.png").write_bytes(b"not a png")
    result = _render(tmp_path, [make_account("ja")], letter_kind="demand", letterheads=heads)
    assert result.written == []
    assert "sakura-finance" in result.failed[0].error or "seal" in result.failed[0].error


def test_file_names_never_leave_outdir_and_are_private(tmp_path: Path) -> None:
    accounts = [
        make_account("en", account_id="../x"),
        make_account("en", account_id="CON"),
        make_account("en", account_id="．．／x"),
    ]
    result = _render(tmp_path, accounts, letter_kind="reminder", name_pattern="{account}")
    out = (tmp_path / "out").resolve()
    assert len(result.written) == 3
    names = {item.path.name for item in result.written}
    assert {"_CON.pdf", "x.pdf"} <= names
    (other,) = names - {"_CON.pdf", "x.pdf"}
    assert other.startswith("x-") and other.endswith(".pdf")  # same safe name: disambiguated
    for item in result.written:
        assert item.path.parent == out
        assert stat.S_IMODE(item.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert len({item.path for item in result.written}) == 3, "two letters were written to one file"


def test_combined_print_pdf_starts_every_letter_on_an_odd_page(tmp_path: Path) -> None:
    accounts = [make_account("en", account_id=f"EN-{i}") for i in range(3)]
    result = _render(tmp_path, accounts, letter_kind="reminder")
    (print_file,) = result.print_files
    assert (
        print_file.name == f"print_{result.batch.batch_id if result.batch else ''}_hudson-recovery_Letter.pdf"
    )
    reader = PdfReader(print_file)
    page = 0
    for item in result.written:
        # every letter's first page is an odd page number (1-based)
        assert page % 2 == 0
        first_text = reader.pages[page].extract_text()
        assert item.letter.account.account_id in first_text
        page += item.pages + (item.pages % 2)
    assert len(reader.pages) == page


def test_missing_font_is_a_setup_error_naming_the_package() -> None:
    from letters.errors import SetupError
    from letters.pdf.fonts import find_face

    with pytest.raises(SetupError) as info:
        find_face("Liberation Serif Nonexistent")
    assert "font 'Liberation Serif Nonexistent' is not installed" in str(info.value)


def _first_left_word(path: Path) -> tuple[float, float]:
    """Position (mm from the sheet's top-left) of the first word in the left half of page 1."""
    import re

    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [(float(x), float(y)) for x, y in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"', xml)]
    x, y = next(w for w in words if w[0] < 280)
    return x * 25.4 / 72, y * 25.4 / 72


@pytest.mark.parametrize(
    ("lang", "x_mm", "y_mm"), [("ja", 27.0, 16.5), ("zh", 24.0, 49.5), ("en", 26.2, 54.6)]
)
def test_address_sits_in_the_envelope_window(
    nine: dict[tuple[str, str], Path], lang: str, x_mm: float, y_mm: float
) -> None:
    # ja: 長形3号 window; zh: DL window (A4); en (US letterhead): #10 window on US Letter, each 4 mm in
    # from the window's left edge and clear of its top by the clearance. See docs/layout.md.
    for kind in KINDS:
        x, y = _first_left_word(nine[(lang, kind)])
        assert abs(x - x_mm) < 0.8, (kind, x)
        assert abs(y - y_mm) < 1.5, (kind, y)


def test_batch_in_worker_processes_with_batch_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts = [make_account("ja", account_id=f"JA-{i:02d}") for i in range(10)] + [
        make_account("zh", account_id=f"ZH-{i:02d}") for i in range(8)
    ]
    monkeypatch.chdir(tmp_path)  # a relative output folder, as `letters render … -o out` gives
    result = run_batch(accounts, Options(outdir=Path("out"), as_of=AS_OF, letter_kind="demand", workers=2))
    assert result.failed == []
    assert [item.letter.sequence for item in result.written] == list(range(1, 19))
    for item in result.written:
        text = " ".join(pdftotext(item.path).split())
        assert item.letter.account.account_id in text
        names = [f["name"] for f in pdffonts(item.path)]
        face = "CJK-JP-Subset" if item.letter.planned.lang == "ja" else "CJK-SC-Subset"
        assert names and all(face in name for name in names), names
        # the per-batch subset keeps every letter small (a whole Noto CJK face subset is ~350 KB)
        assert item.size < 150_000, (item.path.name, item.size)


ONE_OFF = [
    "--set", "account_id=K-1001", "--set", "debtor_name=山田 太郎", "--set", "principal=120000",
    "--set", "due_date=2026-09-30", "--set", "contract_number=SK-2024-00123", "--set", "contract_date=2024-04-01",
    "--set", "period_start=2026-08-01", "--set", "period_end=2026-08-31", "--set", "postal_code=160-0023",
    "--set", "region=東京都", "--set", "city=新宿区", "--set", "address_line1=西新宿2丁目8番1号",
]  # fmt: skip


def test_one_off_letter_and_preview_from_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from PIL import Image

    from letters.cli import cli

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    common = ["--lang", "ja", "--letter", "demand", "--as-of", "2026-11-23", *ONE_OFF]
    result = CliRunner().invoke(cli, ["render", "-o", str(tmp_path / "one"), "--silent", "--db", db, *common])
    assert result.exit_code == 0, result.output
    (pdf,) = sorted((tmp_path / "one").glob("0*.pdf"))
    text = " ".join(pdftotext(pdf).split())
    assert "山田 太郎 様" in text and "¥120,000" in text and "催" in text
    # Even one letter gets its own small font subset (HarfBuzz cuts it in milliseconds) instead of
    # WeasyPrint's subset of the whole Noto CJK face, which keeps ~130 KB of empty glyph slots a face.
    names = [f["name"] for f in pdffonts(pdf)]
    assert names and all("CJK-JP-Subset" in name for name in names), names
    assert pdf.stat().st_size < 120_000
    png = tmp_path / "preview.png"
    result = CliRunner().invoke(cli, ["preview", "-o", str(png), "--dpi", "60", *common])
    assert result.exit_code == 0, result.output
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert abs(image.width - round(210 / 25.4 * 60)) <= 2  # page 1 of an A4 letter at 60 dpi
    missing = CliRunner().invoke(cli, ["render", "-o", str(tmp_path / "x"), *common[:-2]])
    assert missing.exit_code == 1
    assert "one-off letter: missing address_line1; give each with --set FIELD=VALUE" in missing.stderr
