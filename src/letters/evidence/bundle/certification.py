"""A qualified person's name and title + the bundle's hashes → a certification page for FRE 902(14).

Federal Rule of Evidence 902(14) makes "data copied from an electronic device, storage medium, or
file" self-authenticating "if authenticated by a process of digital identification, as shown by a
certification of a qualified person that complies with the certification requirements of Rule
902(11) or (12)". The Advisory Committee's note to the 2017 amendment names hash values as that
process. Rule 902(11) asks for a certification "of the custodian or another qualified person"; in a
federal court that is an unsworn declaration under penalty of perjury, 28 U.S.C. § 1746(2) (made
in the United States). Rule 902(11) also requires written notice to every adverse party before the
trial or hearing, with the record and certification made available for inspection: the page says so.

The page states only what letters checked: letters and mailing lists matched the SHA-256 recorded
when they were made (ledger and BagIt manifest); a supplied PDF was only hashed when it was bundled,
and the page says that too, rather than certifying more than was done.
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE = "Certification under Federal Rules of Evidence 902(14) and 902(11)"

# What letters did to each kind of bundled document, as the certification states it.
METHOD = {
    "letter": "SHA-256 matched the value recorded when the letter was made (ledger and BagIt manifest)",
    "mailing-list": "SHA-256 matched the value recorded in the BagIt manifest when the list was made",
    "mailing-list-redacted": (
        "redacted copy made from the archived list, whose SHA-256 matched the BagIt manifest; "
        "the value shown is that of the copy"
    ),
    "supplied": "supplied for the bundle; SHA-256 computed when it was included, no earlier record",
}


@dataclass(frozen=True)
class Certification:
    """Who certifies; blank fields print as lines to fill in by hand."""

    name: str = ""
    title: str = ""
    organization: str = ""


@dataclass(frozen=True)
class CertifiedDocument:
    number: int
    title: str
    file: str
    sha256: str
    method: str


def certified_document(number: int, kind: str, title: str, file: str, sha256: str) -> CertifiedDocument:
    """One row of the certification's table; ``kind`` is the bundle document's kind."""
    key = "mailing-list-redacted" if kind == "mailing-list" and "→" in file else kind
    return CertifiedDocument(number, title, file, sha256, METHOD[key])
