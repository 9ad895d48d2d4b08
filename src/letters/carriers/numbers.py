"""Turn tracking numbers as typed or printed (UPU S10, Japan Post, USPS) into checked TrackingNumbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

from babel import Locale

Scheme = Literal["s10", "jp", "usps"]
SCHEMES: tuple[Scheme, ...] = get_args(Scheme)
_SCHEME_NAMES: dict[str, Scheme] = {name: name for name in SCHEMES}

S10_MAX_SERIAL = 99_999_999

_S10 = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
_JP = re.compile(r"[0-9]{12}")
_USPS = re.compile(r"[0-9]{20}|[0-9]{22}")
_LETTERS2 = re.compile(r"[A-Z]{2}")

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

# Hyphen-like characters people (and Japanese IMEs) put between digit groups; NFKC has already
# folded the full-width and half-width forms (－ → -, ｰ → ー, ‑ → ‐).
_DASHES = frozenset("-‐‒–—―−ー")

# What S10 says the first letter of the service indicator means where the UPU fixes a meaning for
# every country.  Letters absent here (A, G, Q, …) are left to each post, so `service` is None.
_S10_SERVICES = {
    "C": "parcel post",
    "E": "EMS (express mail service)",
    "H": "e-commerce parcel",
    "L": "express letter post",
    "M": "M bag (printed matter in a direct sack)",
    "R": "registered letter post",
    "U": "letter post item subject to customs (CN 22 / CN 23)",
    "V": "insured letter post",
}
_S10_DOMESTIC = frozenset("BDNPZ")

# CLDR territory codes that are groupings or pseudo-regions, never a post's country.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})

_SHAPES = {
    "s10": "2 letters + 9 digits + 2 letters, like RB123456785GB (UPU S10)",
    "jp": "12 digits, like 1234-5678-9013 (Japan Post)",
    "usps": "20 or 22 digits, like 9400 1000 0000 0000 0000 06 (USPS)",
}
_COUNTRY_OF_SCHEME = {"jp": "JP", "usps": "US"}


@cache
def _country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, as CLDR (via babel) knows them, without CLDR's pseudo-regions."""
    codes = {code for code in Locale("en").territories if isinstance(code, str) and _LETTERS2.fullmatch(code)}
    return frozenset(codes - _NOT_COUNTRIES)


def is_country_code(code: str) -> bool:
    """True for a two-letter ISO 3166 country code (upper-case) that can end an S10 number."""
    return code in _country_codes()


@dataclass(frozen=True)
class TrackingNumber:
    """One checked tracking number, kept compact: "RB123456785GB", "123456789013", 22 digits.

    Built with `parse_tracking` (which normalises what people type) or `make_s10`/`make_jp`/`make_usps`;
    constructing it directly also checks it, but expects the compact upper-case form.
    `scheme` is the number's format, not the carrier: USPS's international items are "s10"
    numbers ending in US.
    """

    scheme: Scheme
    number: str

    def __post_init__(self) -> None:
        _validate(self.scheme, self.number, self.number)

    def __str__(self) -> str:
        return self.number

    @property
    def display(self) -> str:
        """Grouped for printing: S10 "RB 123 456 785 GB" (indicator, serial and check digit in threes,
        country), Japan Post "1234-5678-9013", USPS groups of four ("9400 1000 … 0000 06")."""
        n = self.number
        if self.scheme == "s10":
            return f"{n[:2]} {n[2:5]} {n[5:8]} {n[8:11]} {n[11:]}"
        if self.scheme == "jp":
            return f"{n[:4]}-{n[4:8]}-{n[8:]}"
        return " ".join(n[i : i + 4] for i in range(0, len(n), 4))

    @property
    def serial(self) -> str:
        """The digits the check digit protects: S10's 8-digit serial, Japan Post's first 11, USPS's
        first 19 or 21."""
        if self.scheme == "s10":
            return self.number[2:10]
        return self.number[:-1]

    @property
    def check_digit(self) -> str:
        """The check digit itself (already verified)."""
        return self.number[10] if self.scheme == "s10" else self.number[-1]

    @property
    def service_indicator(self) -> str | None:
        """S10 only: the two leading letters ("RB"); None for Japan Post and USPS numbers."""
        return self.number[:2] if self.scheme == "s10" else None

    @property
    def country(self) -> str:
        """Country of the issuing post: an S10 number's last two letters, else JP or US."""
        if self.scheme == "s10":
            return self.number[-2:]
        return _COUNTRY_OF_SCHEME[self.scheme]

    @property
    def service(self) -> str | None:
        """A hint at the S10 service from its first letter (R → "registered letter post",
        E → EMS, C → parcel post, L → express letter post, V → insured, U → customs-bearing letter
        post; B/D/N/P/Z → domestic or bilateral use).  None where S10 fixes no meaning (A, G, Q …)
        and for Japan Post and USPS numbers, whose digits carry no reliable service code."""
        if self.scheme != "s10":
            return None
        letter = self.number[0]
        if letter in _S10_DOMESTIC:
            return "domestic or bilateral use"
        return _S10_SERVICES.get(letter)


def _normalise(text: str) -> str:
    """NFKC-fold (ＲＢ１２３ → RB123), drop spaces and hyphen-like dashes, upper-case."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in _DASHES).upper()


def _digits(value: str, count: int, what: str) -> str:
    if len(value) != count or not value.isascii() or not value.isdigit():
        raise ValueError(f"{what} must be {count} digits, got {value!r}")
    return value


def s10_check_digit(serial: str) -> str:
    """UPU S10 check digit of an 8-digit serial: weights 8,6,4,2,3,5,9,7; c = 11 − (sum mod 11);
    c = 10 → 0, c = 11 → 5.  s10_check_digit("12345678") == "5" (RB123456785GB)."""
    _digits(serial, 8, "an S10 serial")
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        check = 0
    elif check == 11:
        check = 5
    return str(check)


def jp_check_digit(first11: str) -> str:
    """Japan Post domestic check digit: the first eleven digits taken as one integer, mod 7.

    This is a convention observed on real labels (the same "7DR" rule Yamato uses), not a rule
    Japan Post documents, so a number failing it is more likely mistyped than certainly invalid.
    jp_check_digit("12345678901") == "3".
    """
    _digits(first11, 11, "the first part of a Japan Post number")
    return str(int(first11) % 7)


def usps_check_digit(data: str) -> str:
    """USPS mod-10 check digit of the data digits (a 20-digit number's first 19, a 22-digit's first 21):
    from the rightmost data digit leftwards weights 3,1,3,1…; check = (10 − sum mod 10) mod 10.
    Any non-empty run of digits is accepted, so the rule can be used on other lengths too."""
    if not data or not data.isascii() or not data.isdigit():
        raise ValueError(f"USPS data must be digits, got {data!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(data)))
    return str((10 - total % 10) % 10)


def _shape_error(text: str, scheme: Scheme) -> ValueError:
    return ValueError(f"{text!r} is not a valid tracking number: expected {_SHAPES[scheme]}")


def _validate(scheme: str, number: str, text: str) -> None:
    """Check a compact number against `scheme`; `text` is what the user wrote, for messages."""
    if scheme == "s10":
        if not _S10.fullmatch(number):
            raise _shape_error(text, "s10")
        expected, actual = s10_check_digit(number[2:10]), number[10]
    elif scheme == "jp":
        if not _JP.fullmatch(number):
            raise _shape_error(text, "jp")
        expected, actual = jp_check_digit(number[:-1]), number[-1]
    elif scheme == "usps":
        if not _USPS.fullmatch(number):
            raise _shape_error(text, "usps")
        expected, actual = usps_check_digit(number[:-1]), number[-1]
    else:
        raise ValueError(f"unknown tracking scheme {scheme!r}: use one of {', '.join(SCHEMES)}")
    if actual != expected:
        raise ValueError(f"{number}: check digit is {actual}, expected {expected}")
    if scheme == "s10" and not is_country_code(number[-2:]):
        raise ValueError(
            f"{number}: {number[-2:]} is not an ISO 3166 country code "
            "(an S10 number ends with the issuing post's country)"
        )


def detect_scheme(compact: str) -> Scheme | None:
    """The scheme a normalised number's shape belongs to, or None: S10, 12 digits JP, 20/22 USPS."""
    if _S10.fullmatch(compact):
        return "s10"
    if _JP.fullmatch(compact):
        return "jp"
    if _USPS.fullmatch(compact):
        return "usps"
    return None


def compact_number(display: str) -> str:
    """A printed number in its compact form, as the ledger and delivery reports key it:
    "1234-5678-9013" → "123456789013", "RB 123 456 785 GB" → "RB123456785GB"; "" stays ""."""
    return _normalise(display)


def parse_tracking(text: str, scheme: str | None = None) -> TrackingNumber:
    """Read a tracking number as typed or printed ("RB 123 456 785 GB", "ＲＢ１２３…", "1234-5678-9013").

    Normalises (NFKC, spaces and hyphens dropped, upper-cased), detects the scheme from the shape
    when `scheme` is None, and verifies the check digit (and, for S10, the country code).
    Raises ValueError naming the number and the expected check digit, or the expected shape.
    """
    compact = _normalise(text)
    if not compact:
        raise ValueError("empty tracking number")
    if scheme is None:
        found = detect_scheme(compact)
        if found is None:
            shapes = "; ".join(_SHAPES[s] for s in SCHEMES)
            raise ValueError(f"{text!r} is not a tracking number: expected {shapes}")
        return TrackingNumber(found, compact)
    name = _SCHEME_NAMES.get(scheme.strip().lower())
    if name is None:
        raise ValueError(f"unknown tracking scheme {scheme!r}: use one of {', '.join(SCHEMES)}")
    _validate(name, compact, text)  # before constructing, so messages quote what the user typed
    return TrackingNumber(name, compact)


def _s10_prefix(prefix: str) -> str:
    code = _normalise(prefix)
    if not _LETTERS2.fullmatch(code):
        raise ValueError(f"an S10 service indicator is 2 letters (like RB), got {prefix!r}")
    return code


def _s10_country(country: str) -> str:
    code = _normalise(country)
    if not is_country_code(code):
        raise ValueError(
            f"an S10 number ends with a two-letter ISO 3166 country code (like GB), got {country!r}"
        )
    return code


def _s10_serial(serial: int) -> int:
    if isinstance(serial, bool) or not isinstance(serial, int):
        raise ValueError(f"an S10 serial is a whole number, got {serial!r}")
    if not 0 <= serial <= S10_MAX_SERIAL:
        raise ValueError(f"an S10 serial runs from 0 to {S10_MAX_SERIAL}, got {serial}")
    return serial


def make_s10(prefix: str, serial: int, country: str) -> TrackingNumber:
    """The S10 number for a service indicator, serial and country: make_s10("RB", 12345678, "GB")
    is RB123456785GB (serial zero-padded to 8 digits, check digit computed)."""
    code = _s10_prefix(prefix)
    digits = f"{_s10_serial(serial):08d}"
    return TrackingNumber("s10", f"{code}{digits}{s10_check_digit(digits)}{_s10_country(country)}")


def tracking_range(prefix: str, start: int, count: int, country: str) -> list[TrackingNumber]:
    """`count` consecutive S10 numbers from serial `start`, as on a roll of pre-printed labels.

    Refuses a count below 1 and a range running past serial 99999999 (S10 serials do not wrap).
    """
    code = _s10_prefix(prefix)
    land = _s10_country(country)
    first = _s10_serial(start)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"a label range needs a count of at least 1, got {count!r}")
    last = first + count - 1
    if last > S10_MAX_SERIAL:
        raise ValueError(
            f"{count} labels from {code}{first:08d} run past serial {S10_MAX_SERIAL} "
            f"(the last would be {last}); S10 serials have 8 digits"
        )
    return [make_s10(code, serial, land) for serial in range(first, last + 1)]


def make_jp(first11: str | int) -> TrackingNumber:
    """The Japan Post number for its first eleven digits, with the mod-7 check digit appended:
    make_jp(12345678901) and make_jp("1234-5678-901") are 123456789013."""
    if isinstance(first11, bool):
        raise ValueError(f"a Japan Post number needs 11 digits, got {first11!r}")
    if isinstance(first11, int):
        if not 0 <= first11 < 10**11:
            raise ValueError(f"a Japan Post number needs 11 digits, got {first11}")
        digits = f"{first11:011d}"
    else:
        digits = _digits(_normalise(first11), 11, "the first part of a Japan Post number")
    return TrackingNumber("jp", digits + jp_check_digit(digits))


def make_usps(data: str) -> TrackingNumber:
    """The USPS number for its 19 or 21 data digits, with the mod-10 check digit appended:
    make_usps("940010000000000000000") is 9400100000000000000006."""
    digits = _normalise(data)
    if len(digits) not in (19, 21) or not digits.isascii() or not digits.isdigit():
        raise ValueError(
            f"USPS data must be 19 or 21 digits (the number without its check digit), got {data!r}"
        )
    return TrackingNumber("usps", digits + usps_check_digit(digits))
