"""One required element: what it is, where it applies, and the rule it comes from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LetterFacts:
    """What decides which elements a letter needs, taken from the letter and its sender."""

    jurisdiction: str  # JP, CN, GB (GB-SCT …), US-CA … (decide/limitation.jurisdiction_of)
    kind: str  # reminder, demand, lawyer, validation-notice, payment-plan, naiyo …
    lang: str
    debtor_type: str  # person | organisation
    sender_kind: str  # company | law_firm
    debt_collector: bool  # US third-party debt collector letterhead (FDCPA)
    moneylender: bool = False  # JP 貸金業者 letterhead (貸金業法)
    time_barred: bool = False  # past the limitation date (decide/limitation.py)
    # US state notices (compose/required/us_states.py): the first written notice to the consumer (no
    # earlier letter on the ledger), past the credit-reporting period, an NYC-licensed sender.
    first_letter: bool = False
    past_reporting: bool = False
    nyc_licensed: bool = False
    # England and Wales, business → individual: the Pre-Action Protocol for Debt Claims applies
    # (compose/pre_action.py).
    pre_action_protocol: bool = False


def _always(_facts: LetterFacts) -> bool:
    return True


@dataclass(frozen=True)
class Element:
    """A piece of content a letter must carry.

    ``jurisdictions`` match by prefix: ``US`` covers ``US-CA``; ``*`` covers every jurisdiction.
    ``kinds`` empty means every kind. ``when`` narrows further (debtor type, sender flags).
    """

    key: str  # the template's data-required marker
    label: str  # what the refusal names, in English (the operator's language for errors)
    source: str  # statute, regulation, protocol or guide the rule comes from
    jurisdictions: tuple[str, ...]
    kinds: frozenset[str] = frozenset()
    when: Callable[[LetterFacts], bool] = _always

    def applies(self, facts: LetterFacts) -> bool:
        if self.kinds and facts.kind not in self.kinds:
            return False
        if not any(_covers(j, facts.jurisdiction) for j in self.jurisdictions):
            return False
        return self.when(facts)


def _covers(rule: str, jurisdiction: str) -> bool:
    return rule == "*" or jurisdiction == rule or jurisdiction.startswith(rule + "-")
