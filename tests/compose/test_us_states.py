"""US state notices (compose/required/us_states.py): each row's text in the PDF where it applies and
not elsewhere; first letter vs later ones; NY vs CA vs a state the table does not know; data a
notice is made of missing refuses the letter; the plan warns about an unknown state."""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from letters.cli import cli
from letters.compose.render_html import Letter, letter_facts, render_html
from letters.compose.required.us_states import STATE_NOTICES, known_state, notices_for
from letters.compose.validation_notice import extra_context
from letters.errors import RenderError
from letters.intake.accounts import Address
from tests.conftest import EN_ROW, ROOT, CsvWriter
from tests.helpers import pdftotext
from tests.render_helpers import letter_for, letter_pdf

CREDITOR = "Empire Harbor Bank, N.A."
NY = Address("US", "10001", "NY", "New York", "", "350 Fifth Avenue", "Apt 4B")
CA = Address("US", "94110", "CA", "San Francisco", "", "3150 18th St", "Apt 210")
TX = Address("US", "78704", "TX", "Austin", "", "1800 S Lamar Blvd", "Apt 214")

ROSENTHAL_START = "The state Rosenthal Fair Debt Collection Practices Act and the federal Fair Debt"
ROSENTHAL_END = "you may contact the Federal Trade Commission at 1-877-FTC-HELP or www.ftc.gov."
NY_PRACTICES = "are prohibited from engaging in abusive, deceptive, and unfair debt collection efforts"
NY_EXEMPT = "11. Ninety percent of your wages or salary earned in the last sixty days."
NY_ITEMIZED = "The amounts above are itemized as of August 31, 2026, the itemization date"
NYC = "www.nyc.gov/dcwp"
CA_BARRED = "The law limits how long you can be sued on a debt. Because of the age of your debt,"
NY_BARRED = "We believe that the legal time limit (statute of limitations) for suing you to collect this debt has expired."


def _text(letter: Letter, tmp_path: Path) -> str:
    html = render_html(letter, ROOT / "templates").html
    path = tmp_path / f"{letter.id}.pdf"
    path.write_bytes(letter_pdf(letter, html).data)
    return " ".join(pdftotext(path).split())  # lines joined: the sentences are checked whole


def _first_notice(address: Address) -> Letter:
    letter = letter_for("en", "validation-notice", creditor=CREDITOR, address=address)
    return dataclasses.replace(letter, extra_context=extra_context(letter))  # the batch's kind step


def test_new_york_first_notice_carries_the_new_york_and_nyc_notices(tmp_path: Path) -> None:
    text = _text(_first_notice(NY), tmp_path)
    for sentence in (NY_PRACTICES, NY_EXEMPT, NY_ITEMIZED, NYC):
        assert sentence in text
    assert "We can provide a translation of this letter" in text  # the letterhead's language services
    assert "Rosenthal" not in text and CA_BARRED not in text and NY_BARRED not in text


def test_california_first_notice_carries_the_rosenthal_notice_in_full(tmp_path: Path) -> None:
    text = _text(_first_notice(CA), tmp_path)
    rosenthal = next(n.text for n in STATE_NOTICES if n.key == "us.ca.rosenthal")
    assert rosenthal.startswith(ROSENTHAL_START) and rosenthal.endswith(ROSENTHAL_END)
    assert rosenthal in text  # the statute's words, whole and in order
    assert NY_EXEMPT not in text and NYC not in text and "itemized as of" not in text


def test_the_rosenthal_notice_is_in_the_type_size_of_the_debt(tmp_path: Path) -> None:
    """Civ. Code §1812.700(b): the notice in the type size used to state the debt (up to 12 pt)."""
    letter = _first_notice(CA)
    path = tmp_path / "ca.pdf"
    path.write_bytes(letter_pdf(letter, render_html(letter, ROOT / "templates").html).data)
    sizes: dict[str, set[float]] = {"debt": set(), "notice": set()}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        scaled = round(size * (tm[3] if tm[3] else 1) * (cm[3] if cm[3] else 1), 1)
        if "You had an account" in text:
            sizes["debt"].add(scaled)
        if "Rosenthal" in text:
            sizes["notice"].add(scaled)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    assert sizes["debt"] and sizes["notice"], sizes
    assert min(sizes["notice"]) >= min(sizes["debt"]), sizes


def test_a_later_letter_does_not_repeat_the_first_notice_texts(tmp_path: Path) -> None:
    for address in (NY, CA):
        text = _text(letter_for("en", "reminder", creditor=CREDITOR, address=address), tmp_path)
        assert "Rosenthal" not in text and NY_EXEMPT not in text and NYC not in text
        assert "This is an attempt to collect a debt" in text  # the federal disclosure stays


def test_a_state_the_table_does_not_know_gets_the_federal_letter(tmp_path: Path) -> None:
    letter = _first_notice(TX)
    assert not known_state("US-TX") and notices_for(letter_facts(letter)) == ()
    text = _text(letter, tmp_path)
    assert "is a debt collector" in text and "www.cfpb.gov/debt-collection" in text
    assert "Rosenthal" not in text and NY_EXEMPT not in text and NYC not in text


def test_businesses_get_no_consumer_state_notices() -> None:
    letter = letter_for("en", "validation-notice", creditor=CREDITOR, address=CA)
    facts = dataclasses.replace(letter_facts(letter), debtor_type="organisation")
    assert notices_for(facts) == ()


def test_the_plan_warns_about_a_state_without_notices(write_csv: CsvWriter) -> None:
    rows = [
        EN_ROW | {"account_id": "EN-TX", "region": "TX", "city": "Austin", "postal_code": "78704"},
        EN_ROW | {"account_id": "EN-NY"},
    ]
    path = write_csv([r | {"creditor": CREDITOR} for r in rows])
    result = CliRunner().invoke(cli, ["plan", str(path), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "state notices" in line]
    assert warnings == [
        "warning: EN-TX: no state notices on file for US-TX: the validation-notice carries the federal "
        "notices only; check the state's rules and add them to compose/required/us_states.py"
    ]


def test_a_template_without_the_state_notices_is_refused(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    notice = templates / "en" / "validation-notice.html"
    source = notice.read_text(encoding="utf-8")
    cut = '{{ en.state_notices_block(skip=["us.ny.itemization"], heading="Notices required by state and local law") }}'
    assert cut in source
    notice.write_text(source.replace(cut, ""))
    with pytest.raises(RenderError, match=r"the California Rosenthal Act notice \[us.ca.rosenthal\]"):
        render_html(_first_notice(CA), templates)
    with pytest.raises(RenderError, match=r"exempt-income notice \[us.ny.exempt_income\] \(23 NYCRR 1.2"):
        render_html(_first_notice(NY), templates)


def test_an_nyc_licensed_letterhead_without_its_language_services_is_refused() -> None:
    letter = _first_notice(NY)
    text = dataclasses.replace(letter.sender.text("en"), language_access="")
    sender = dataclasses.replace(letter.sender, texts={**letter.sender.texts, "en": text})
    with pytest.raises(RenderError, match=r"NYC DCWP language-access statement .* needs the letterhead's"):
        render_html(dataclasses.replace(letter, sender=sender), ROOT / "templates")
    unlicensed = dataclasses.replace(sender, nyc_licensed=False)
    html = render_html(dataclasses.replace(letter, sender=unlicensed), ROOT / "templates").html
    assert NYC not in html and NY_EXEMPT in html  # the state's notices stay; the city's goes


def test_the_validation_notice_gives_one_number_and_its_hours_in_one_sentence(tmp_path: Path) -> None:
    letter = _first_notice(TX)
    text = _text(letter, tmp_path)
    found = re.search(r"Reach us by phone .*?hudson-recovery\.example\.", text)
    assert found, text
    sentence = found.group(0)
    assert "(212) 555-0100, Monday to Friday, 9 a.m. to 5 p.m. Eastern Time;" in sentence
    assert len(re.findall(r"\(\d{3}\) \d{3}-\d{4}", sentence)) == 1  # one number, not the direct line too
    no_hours = dataclasses.replace(letter.sender.text("en"), hours="")
    sender = dataclasses.replace(letter.sender, texts={**letter.sender.texts, "en": no_hours})
    with pytest.raises(RenderError, match=r"\[us.vn.phone_hours\]"):
        render_html(dataclasses.replace(letter, sender=sender), ROOT / "templates")


@pytest.mark.parametrize(
    ("address", "due", "expected", "absent"),
    [
        # CA: 4 years (CCP §337); still within the 7 reporting years of §1785.13
        (
            CA,
            date(2021, 6, 1),
            "Empire Harbor Bank, N.A. may report or continue to report it",
            "cannot report",
        ),
        # CA: past the reporting years too: the other text of §1788.14(d)
        (
            CA,
            date(2018, 6, 1),
            "Empire Harbor Bank, N.A. cannot report it to any credit reporting",
            "may report",
        ),
        (NY, date(2022, 6, 1), "a payment or an acknowledgment does not restart", CA_BARRED),
    ],
)
def test_time_barred_debts_carry_the_state_disclosure_on_every_letter(
    tmp_path: Path, address: Address, due: date, expected: str, absent: str
) -> None:
    letter = letter_for("en", "reminder", creditor=CREDITOR, address=address, due_date=due)
    assert letter.planned.time_barred and not letter_facts(letter).first_letter
    text = _text(letter, tmp_path)
    assert expected in text and absent not in text
    assert (CA_BARRED in text) == (address == CA) and (NY_BARRED in text) == (address == NY)


def test_a_debt_in_time_carries_no_time_barred_disclosure() -> None:
    letter = letter_for("en", "reminder", creditor=CREDITOR, address=CA)
    assert not letter.planned.time_barred
    html = render_html(letter, ROOT / "templates").html
    assert CA_BARRED not in html
