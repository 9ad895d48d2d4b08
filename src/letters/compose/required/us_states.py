"""US state notices by the debtor's state: the text, which letters carry it, and the rule it is from.

A US debt collector (a collection agency's letterhead with ``debt_collector = true``, or a law
firm writing to a US consumer) adds to the federal letter what the consumer's state requires.
Each row of ``STATE_NOTICES`` is one notice: its state, its text (statutory wording where the
statute prescribes it), which letters carry it and its source.  ``letters``:

- ``first``: the first written notice to the consumer (no earlier letter on the ledger for the
  account; for a debt collector that is the validation notice, decide/us_first_contact.py);
- ``every``: every letter;
- ``validation-notice``: only the validation notice (text about its itemization).

``condition`` narrows a row to time-barred debts (``time_barred``; ``time_barred_reportable`` /
``time_barred_obsolete`` split California's two texts by the credit-reporting period) or to an
NYC-licensed sender (``nyc_licensed``).  The template prints ``notices_for`` the letter and
compose/required/us.py turns every row into a required element, so a template that drops one is
refused.  A state with no row gets the federal letter only, and ``letters plan`` warns about it
(``known_state``).  To add a state: add its rows here with the source, a test per row in
tests/compose/test_us_states.py, and its lines in docs/jurisdictions.md.

The texts are data for a compliance officer to check against the current rule; they are not
legal advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from letters.compose.required.element import LetterFacts
from letters.decide.limitation import add_years, jurisdiction_of
from letters.decide.plan import PlannedLetter
from letters.errors import RenderError

Letters = Literal["first", "every", "validation-notice"]
Condition = Literal["", "time_barred", "time_barred_reportable", "time_barred_obsolete", "nyc_licensed"]

# Cal. Civ. Code §1785.13(a): adverse information older than seven years is not reported; from then
# on California's time-barred notice is the one saying the debt cannot be reported (§1788.14(d)(2)).
REPORTING_YEARS = 7


@dataclass(frozen=True)
class StateNotice:
    key: str  # required-element key and template marker, e.g. us.ca.rosenthal
    state: str  # US-CA
    label: str  # what a refusal names
    text: str  # may hold {owner}, {itemization_date}, {language_access}
    letters: Letters
    source: str
    condition: Condition = ""


_ROSENTHAL = (
    "The state Rosenthal Fair Debt Collection Practices Act and the federal Fair Debt Collection "
    "Practices Act require that, except under unusual circumstances, collectors may not contact you "
    "before 8 a.m. or after 9 p.m. They may not harass you by using threats of violence or arrest or "
    "by using obscene language. Collectors may not use false or misleading statements or call you at "
    "work if they know or have reason to know that you may not receive personal calls at work. For "
    "the most part, collectors may not tell another person, other than your attorney or spouse, about "
    "your debt. Collectors may contact another person to confirm your location or enforce a judgment. "
    "For more information about debt collection activities, you may contact the Federal Trade "
    "Commission at 1-877-FTC-HELP or www.ftc.gov."
)

_NY_PRACTICES = (
    "Debt collectors, in accordance with the Fair Debt Collection Practices Act, 15 U.S.C. 1692 et "
    "seq., are prohibited from engaging in abusive, deceptive, and unfair debt collection efforts, "
    "including but not limited to: (i) the use or threat of violence; (ii) the use of obscene or "
    "profane language; and (iii) repeated phone calls made with the intent to annoy, abuse, or harass."
)

_NY_EXEMPT_INCOME = (
    "If a creditor or debt collector receives a money judgment against you in court, state and "
    "federal laws may prevent the following types of income from being taken to pay the debt: "
    "1. Supplemental security income, (SSI); 2. Social security; 3. Public assistance (welfare); "
    "4. Spousal support, maintenance (alimony) or child support; 5. Unemployment benefits; "
    "6. Disability benefits; 7. Workers' compensation benefits; 8. Public or private pensions; "
    "9. Veterans' benefits; 10. Federal student loans, federal student grants, and federal work study "
    "funds; and 11. Ninety percent of your wages or salary earned in the last sixty days."
)

# 23 NYCRR 1.3(b) lists what the notice must say; its model text (1.3(c)) still says a payment may
# restart the period, which CPLR 214-i made untrue for consumer credit debts from 2022-04-07. DFS's
# guidance of that day lets collectors use their own words for the 1.3(b) items: these are ours.
_NY_TIME_BARRED = (
    "We are required by regulation of the New York State Department of Financial Services to notify "
    "you of the following information. This information is NOT legal advice: We believe that the "
    "legal time limit (statute of limitations) for suing you to collect this debt has expired. It is "
    "a violation of the Fair Debt Collection Practices Act, 15 U.S.C. 1692 et seq., to sue to collect "
    "on a debt for which the statute of limitations has expired. If you are sued on this debt, you "
    "may be able to stop the lawsuit by telling the court that the statute of limitations has "
    "expired. You are not required to admit, affirm or acknowledge the debt, to promise to pay it, or "
    "to waive the statute of limitations. Under New York law (CPLR 214-i), a payment or an "
    "acknowledgment does not restart the statute of limitations on this debt."
)

STATE_NOTICES: tuple[StateNotice, ...] = (
    StateNotice(
        "us.ca.rosenthal",
        "US-CA",
        "the California Rosenthal Act notice",
        _ROSENTHAL,
        "first",
        "Cal. Civ. Code §1812.700(a) (text, in the first written notice to a California debtor) and "
        "§1812.700(b) (in the type size used for the debt itself, up to 12 point)",
    ),
    StateNotice(
        "us.ca.time_barred",
        "US-CA",
        "the California time-barred debt notice",
        "The law limits how long you can be sued on a debt. Because of the age of your debt, {owner} "
        "will not sue you for it. If you do not pay the debt, {owner} may report or continue to report "
        "it to the credit reporting agencies as unpaid.",
        "every",
        "Cal. Civ. Code §1788.14(d)(1) (time-barred debt still within the reporting period of §1785.13)",
        "time_barred_reportable",
    ),
    StateNotice(
        "us.ca.time_barred",
        "US-CA",
        "the California time-barred debt notice",
        "The law limits how long you can be sued on a debt. Because of the age of your debt, {owner} "
        "will not sue you for it, and {owner} cannot report it to any credit reporting agencies.",
        "every",
        "Cal. Civ. Code §1788.14(d)(2) (time-barred debt past the reporting period of §1785.13)",
        "time_barred_obsolete",
    ),
    StateNotice(
        "us.ny.practices",
        "US-NY",
        "the New York notice of prohibited collection practices",
        _NY_PRACTICES,
        "first",
        "23 NYCRR 1.2(b) (New York DFS: in writing within five days of the initial communication)",
    ),
    StateNotice(
        "us.ny.exempt_income",
        "US-NY",
        "the New York exempt-income notice",
        _NY_EXEMPT_INCOME,
        "first",
        "23 NYCRR 1.2(b) (New York DFS: income protected from a money judgment; CPLR 5205, 5231)",
    ),
    StateNotice(
        "us.ny.itemization",
        "US-NY",
        "the New York itemization-date statement",
        "The amounts above are itemized as of {itemization_date}, the itemization date: the interest, "
        "fees, payments and credits shown are those since that date.",
        "validation-notice",
        "23 NYCRR 1.2 (New York DFS: itemized accounting of the debt, aligned with the itemization date "
        "of 12 CFR 1006.34(b)(3))",
    ),
    StateNotice(
        "us.ny.time_barred",
        "US-NY",
        "the New York time-barred debt notice",
        _NY_TIME_BARRED,
        "every",
        "23 NYCRR 1.3(b) (before accepting payment on a debt whose limitation period may have expired); "
        "CPLR 214-i (no revival by payment); DFS industry letter of 2022-04-07",
        "time_barred",
    ),
    StateNotice(
        "us.nyc.language_access",
        "US-NY",
        "the NYC DCWP language-access statement",
        "{language_access} A translation and description of commonly used debt collection terms is "
        "available in multiple languages on the website of the New York City Department of Consumer "
        "and Worker Protection, www.nyc.gov/dcwp.",
        "first",
        "NYC DCWP rules for debt collection agencies, 6 RCNY ch. 2 subch. S (language access, in force "
        "2020-10-01): the initial notice states the language access services offered and the DCWP "
        "glossary",
        "nyc_licensed",
    ),
)


def known_state(jurisdiction: str) -> bool:
    """Whether the table has the state's notices (else the letter is federal only, with a warning)."""
    return any(n.state == jurisdiction for n in STATE_NOTICES)


def state_notice_warning(planned: PlannedLetter) -> str:
    """What ``letters plan`` says about a US consumer letter whose state the table does not know."""
    if not planned.us_consumer:
        return ""
    code = jurisdiction_of(planned.account)
    if known_state(code):
        return ""
    return (
        f"no state notices on file for {code}: the {planned.kind} carries the federal notices only; "
        "check the state's rules and add them to compose/required/us_states.py"
    )


def us_collector(facts: LetterFacts) -> bool:
    """A letter from a US debt collector to a consumer: the case state notices are written for."""
    return (
        facts.jurisdiction.startswith("US-")
        and facts.debtor_type == "person"
        and facts.lang == "en"
        and (facts.debt_collector or facts.sender_kind == "law_firm")
    )


def applies(notice: StateNotice, facts: LetterFacts) -> bool:
    if notice.state != facts.jurisdiction or not us_collector(facts):
        return False
    if notice.letters == "first" and not facts.first_letter:
        return False
    if notice.letters == "validation-notice" and facts.kind != "validation-notice":
        return False
    return {
        "": True,
        "time_barred": facts.time_barred,
        "time_barred_reportable": facts.time_barred and not facts.past_reporting,
        "time_barred_obsolete": facts.time_barred and facts.past_reporting,
        "nyc_licensed": facts.nyc_licensed,
    }[notice.condition]


def notices_for(facts: LetterFacts) -> tuple[StateNotice, ...]:
    return tuple(n for n in STATE_NOTICES if applies(n, facts))


def past_reporting(due_date: dt.date, letter_date: dt.date) -> bool:
    """Past the seven years adverse information may be reported (Cal. Civ. Code §1785.13(a))."""
    return add_years(due_date, REPORTING_YEARS) < letter_date


def notice_texts(
    facts: LetterFacts, values: Mapping[str, str], letter_id: str
) -> tuple[tuple[str, str], ...]:
    """(key, text) of each notice the letter carries, its placeholders filled from ``values``.

    A blank owner or language-access sentence refuses the letter, naming the notice and what is
    missing; a notice without its itemization date is left out (and so refused by check_required).
    """
    out: list[tuple[str, str]] = []
    for notice in notices_for(facts):
        if "{itemization_date}" in notice.text and not values.get("itemization_date", "").strip():
            # The validation notice's figures come with the kind's context (compose/validation_notice):
            # without them there is no itemization to speak of, and check_required names the
            # statement if the letter is rendered so.
            continue
        for name in ("owner", "language_access"):
            if "{" + name + "}" in notice.text and not values.get(name, "").strip():
                raise RenderError(
                    f"letter {letter_id}: {notice.label} ({notice.source}) needs {_NEEDS[name]}"
                )
        out.append((notice.key, notice.text.format(**{k: values.get(k, "") for k in _NEEDS})))
    return tuple(out)


_NEEDS = {
    "owner": "the name of the debt's owner (current_creditor / creditor column)",
    "itemization_date": "the itemization date",
    "language_access": "the letterhead's [en] language_access sentence (the services offered)",
}
