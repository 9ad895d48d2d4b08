"""England & Wales letter before claim (Pre-Action Protocol for Debt Claims): where the protocol
applies, each §3.1 element in the PDF's text, the Annex 1 enclosures (Information Sheet, Reply Form
with its options, Financial Statement) as pages of the same PDF, the manifest and the print file;
refused when an element or an enclosure is missing."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from letters.compose.pre_action import protocol_applies
from letters.compose.render_html import Letter, letter_facts, render_html
from letters.errors import RenderError
from letters.intake.accounts import Address
from tests.batch_helpers import run_cli
from tests.conftest import EN_ROW, ROOT, CsvWriter
from tests.helpers import make_account, pdftotext
from tests.render_helpers import letter_for, letter_pdf

MANCHESTER = Address("GB", "M19 2EQ", "Greater Manchester", "Manchester", "", "27 Albert Road", "Levenshulme")
EDINBURGH = Address("GB", "EH2 1JE", "", "Edinburgh", "", "8 Queen Street", "")
GB: dict[str, Any] = {"address": MANCHESTER, "currency": "GBP", "creditor": "", "jurisdiction": ""}


def _lbc(**changes: Any) -> Letter:
    return letter_for("en", "lawyer", **(GB | changes))


def _pdf(letter: Letter, tmp_path: Path) -> tuple[str, int]:
    html = render_html(letter, ROOT / "templates").html
    result = letter_pdf(letter, html)
    path = tmp_path / f"{letter.id}.pdf"
    path.write_bytes(result.data)
    assert len(PdfReader(path).pages) == result.pages
    return " ".join(pdftotext(path).split()), result.pages


@pytest.mark.parametrize(
    ("changes", "applies"),
    [
        ({"address": MANCHESTER}, True),
        ({"address": dataclasses.replace(MANCHESTER, postal_code="CF10 1AA")}, True),  # Cardiff
        ({"address": EDINBURGH}, False),  # Scotland: not the CPR's protocol
        ({"address": dataclasses.replace(MANCHESTER, postal_code="BT1 5GS")}, False),  # Belfast
        ({"address": MANCHESTER, "debtor_type": "organisation"}, False),  # business to business
        ({}, False),  # the US test account
    ],
)
def test_where_the_protocol_applies(changes: dict[str, object], applies: bool) -> None:
    assert protocol_applies(make_account("en", **changes)) is applies


def test_the_letter_before_claim_states_what_the_protocol_lists(tmp_path: Path) -> None:
    letter = _lbc()
    assert letter_facts(letter).pre_action_protocol
    text, _ = _pdf(letter, tmp_path)
    assert "we demand payment of £1,187.34 in full within 30 days of the date of this letter" in text
    assert "No further interest or charges are being added to this amount." in text
    assert (
        "The debt arises under a written agreement, contract HR-7781 dated 10 January 2025, between you "
        "and Thames Credit Management Ltd. You may ask us for a copy of the agreement" in text
    )
    assert "sort code 20-45-77" in text  # how to pay: the creditor's account
    assert "reply within 30 days of the date of this letter using the enclosed Reply Form" in text
    assert "Please send the Reply Form to Whitfield & Crane LLP, 12 Fleet Street, London EC4Y 1AA" in text
    for adviser in ("National Debtline", "StepChange", "Citizens Advice", "www.moneyhelper.org.uk"):
        assert adviser in text


def test_annex_1_is_in_the_same_pdf_each_part_on_its_own_page(tmp_path: Path) -> None:
    letter = _lbc()
    html = render_html(letter, ROOT / "templates").html
    path = tmp_path / "lbc.pdf"
    path.write_bytes(letter_pdf(letter, html).data)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
    starts = {
        title: next(i for i, p in enumerate(pages) if p.startswith(title))
        for title in (
            "Information Sheet Enclosed with our letter before claim",
            "Reply Form Please return this form within 30 days",
            "Financial Statement Fill in if you want to pay by instalments",
        )
    }
    assert list(starts.values()) == sorted(starts.values()) and len(set(starts.values())) == 3
    reply = pages[list(starts.values())[1]]
    for option in (
        "I agree that I owe the whole debt of £1,187.34.",
        "I agree that I owe part of the debt",
        "I do not agree that I owe the debt",
        "I need more time to get debt advice",
        "I want to pay by instalments of £",
        "A copy of the agreement (contract HR-7781 dated 10 January 2025).",
    ):
        assert option in reply, option
    statement = pages[list(starts.values())[2]]
    assert "Monthly income" in statement and "Monthly outgoings" in statement and "Other debts" in statement


def test_no_annex_where_the_protocol_does_not_apply(tmp_path: Path) -> None:
    scottish, pages_scot = _pdf(_lbc(address=EDINBURGH), tmp_path)
    _, pages_eng = _pdf(_lbc(), tmp_path)
    assert "Reply Form" not in scottish and "Information Sheet" not in scottish
    assert pages_eng >= pages_scot + 3  # three enclosures, each from a new page


def test_interest_that_continues_is_stated_with_its_rate(tmp_path: Path) -> None:
    computed = _lbc(extra={"interest_rate": "8"})  # contract interest the letter computes and states
    assert computed.planned.interest is not None
    text, _ = _pdf(computed, tmp_path)
    assert (
        "Apart from the interest stated above, which continues to accrue at 8% a year until payment, no"
        in text
    )
    letter = _lbc(extra={"interest_continues": "yes"})  # contract interest the letter does not compute
    text, _ = _pdf(letter, tmp_path)
    assert "Interest continues to accrue on the unpaid balance under your agreement until it is paid;" in text
    assert "No further interest" not in text
    with pytest.raises(RenderError, match="column interest_continues is 'maybe'; write yes or no"):
        render_html(_lbc(extra={"interest_continues": "maybe"}), ROOT / "templates")


@pytest.mark.parametrize(
    ("cut", "named"),
    [
        ('{% if protocol %}{% include "en/_annex1.html" %}{% endif %}', r"the Information Sheet \(Annex 1\)"),
        (' data-required="uk.pap.interest"', r"whether interest or other charges are continuing"),
        (' data-required="uk.pap.agreement"', r"a copy can be requested \[uk.pap.agreement\]"),
    ],
)
def test_a_letter_before_claim_without_an_element_is_refused(tmp_path: Path, cut: str, named: str) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    lawyer = templates / "en" / "lawyer.html"
    source = lawyer.read_text(encoding="utf-8")
    assert cut in source
    lawyer.write_text(source.replace(cut, ""), encoding="utf-8")
    with pytest.raises(RenderError, match=named + r".*Pre-Action Protocol for Debt Claims"):
        render_html(_lbc(), templates)
    render_html(_lbc(address=EDINBURGH), templates)  # no protocol, nothing required of it


def test_manifest_print_file_and_mail_service_of_letters_before_claim(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    gb = {"currency": "GBP", "country": "GB", "region": "", "city": "Manchester", "postal_code": "M19 2EQ"}
    rows = [
        EN_ROW | gb | {"account_id": "GB-0001", "address_line1": "27 Albert Road", "address_line2": ""},
        EN_ROW
        | gb
        | {"account_id": "GB-0002", "debtor_name": "John Smith", "address_line1": "45 Bold Street"},
    ]
    out = tmp_path / "out"
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    args = ["render", str(write_csv(rows)), "-o", str(out), "--as-of", "2026-11-23", "--letter", "lawyer"]
    result = run_cli([*args, "--db", db, "--tracking-range", "ZV:12345600:GB"])
    assert result.returncode == 0, result.stderr
    letters = sorted(out.glob("0*_lawyer_GB-*.pdf"))
    counts = [len(PdfReader(p).pages) for p in letters]
    assert len(counts) == 2 and all(n >= 5 for n in counts)
    for path in letters:
        text = pdftotext(path)
        assert "Financial Statement" in text
        # The mail mark names the Royal Mail service the policy sends a letter before claim by
        # (decide/mail_policy.py: Special Delivery Guaranteed), never a generic "Registered Mail".
        assert "Royal Mail Special Delivery Guaranteed No. ZV 123 456" in text
        assert "Registered Mail" not in text and "Registered No." not in text
    (bag,) = (out / "archive").iterdir()
    manifest = json.loads((bag / "data" / "manifest.json").read_text(encoding="utf-8"))
    pages = sorted(
        f["pages"] for entry in manifest["letters"] for f in entry["files"] if f["path"].endswith(".pdf")
    )
    assert pages == sorted(counts)
    (print_file,) = out.glob("print_*.pdf")
    # Every letter starts on an odd page (duplex): a letter of n pages takes n rounded up to even.
    assert len(PdfReader(print_file).pages) == sum(n + n % 2 for n in counts)
    printed = [" ".join(page.extract_text().split()) for page in PdfReader(print_file).pages]
    assert sum("Reply Form Please return this form" in page for page in printed) == 2
    assert sum("Financial Statement Fill in" in page for page in printed) == 2
