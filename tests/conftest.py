"""Shared fixtures: small, valid account rows to build test files from."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

JA_ROW: dict[str, str] = {
    "account_id": "JA-0001",
    "debtor_name": "山田 太郎",
    "debtor_type": "person",
    "gender": "m",
    "attention": "",
    "language": "ja",
    "currency": "JPY",
    "principal": "120,000",
    "interest": "1,500",
    "fees": "0",
    "payments": "20,000",
    "due_date": "2026-09-30",
    "contract_number": "SK-2024-00123",
    "contract_date": "2024-04-01",
    "period_start": "2026-08-01",
    "period_end": "2026-08-31",
    "invoice_refs": "INV-2026-0831",
    "country": "JP",
    "postal_code": "160-0023",
    "region": "東京都",
    "city": "新宿区",
    "district": "",
    "address_line1": "西新宿2丁目8番1号",
    "address_line2": "新宿ビル 12階",
}

ZH_ROW: dict[str, str] = JA_ROW | {
    "account_id": "ZH-0001",
    "debtor_name": "张伟",
    "language": "zh",
    "currency": "CNY",
    "principal": "1409.50",
    "interest": "0",
    "payments": "0",
    "country": "CN",
    "postal_code": "200120",
    "region": "上海市",
    "city": "上海市",
    "district": "浦东新区",
    "address_line1": "世纪大道100号",
    "address_line2": "",
}

EN_ROW: dict[str, str] = JA_ROW | {
    "account_id": "EN-0001",
    "debtor_name": "Jane Doe",
    "gender": "f",
    "language": "en",
    "currency": "USD",
    "principal": "1,250.00",
    "interest": "12.34",
    "payments": "0",
    "country": "US",
    "postal_code": "10001",
    "region": "NY",
    "city": "New York",
    "address_line1": "350 Fifth Avenue",
    "address_line2": "Apt 4B",
}


def csv_text(rows: Sequence[dict[str, str]]) -> str:
    """Rows as CSV text with the first row's keys as the header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def write_csv(tmp_path: Path) -> CsvWriter:
    return CsvWriter(tmp_path)


class CsvWriter:
    """Writes rows to a CSV file in a test's temporary folder, in a chosen encoding."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(
        self, rows: Sequence[dict[str, str]], *, name: str = "accounts.csv", encoding: str = "utf-8"
    ) -> Path:
        path = self.folder / name
        path.write_bytes(csv_text(rows).encode(encoding))
        return path


def pytest_configure(config: pytest.Config) -> None:
    """No test may touch the user's real state (ledger): module-scoped fixtures run before the
    per-test fixture below, so a session-wide private folder is set first."""
    import os
    import tempfile

    os.environ["LETTERS_STATE_DIR"] = tempfile.mkdtemp(prefix="letters-test-state-")


@pytest.fixture(autouse=True)
def _private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counters (law-firm references) go to a fresh folder per test, never the user's state."""
    monkeypatch.setenv("LETTERS_STATE_DIR", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty ledger database: SQLite in the test's folder, or the CI PostgreSQL server."""
    import os

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    url = os.environ.get("LETTERS_TEST_PG_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must test the ledger against PostgreSQL: LETTERS_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set LETTERS_TEST_PG_URL, or run `make test` as root)")
    return reset_postgresql(url)


def reset_postgresql(url: str) -> str:
    """Tests share one server database: each starts from no tables at all (ledger, evidence chain,
    claims), as a new ledger would."""
    from sqlalchemy import create_engine

    from letters.evidence import claims
    from letters.evidence.chain_events import chain_metadata
    from letters.evidence.ledger import metadata

    engine = create_engine(url)
    for tables in (metadata, chain_metadata, claims.metadata):
        tables.drop_all(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session", autouse=True)
def _every_pdf_prints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the last test: every PDF the tests wrote (letters, print files, mailing lists, bundles,
    内容証明) draws without an error or a warning in Ghostscript and MuPDF, as a print shop's RIP
    would have it. PDFs damaged on purpose are marked with tests.helpers.deliberately_broken."""
    import shutil

    from tests.helpers import bad_pdfs

    yield
    root = tmp_path_factory.getbasetemp()
    if not any(root.rglob("*.pdf")):
        return
    missing = [tool for tool in ("gs", "mutool") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: apt-get install ghostscript mupdf-tools")
    bad = bad_pdfs(root)
    if bad:
        report = "\n".join(f"{path}:\n  " + "\n  ".join(lines) for path, lines in bad.items())
        pytest.fail(f"{len(bad)} PDF(s) written by the tests do not print cleanly:\n{report}")
