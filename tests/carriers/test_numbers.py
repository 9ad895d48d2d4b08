"""Tracking numbers: check digits against hand calculations and a second implementation, parsing, ranges."""

from __future__ import annotations

import dataclasses
import re

import pytest

from letters.carriers.numbers import (
    TrackingNumber,
    jp_check_digit,
    make_jp,
    make_s10,
    make_usps,
    parse_tracking,
    s10_check_digit,
    tracking_range,
    usps_check_digit,
)

# --- Second, deliberately plain implementations of the three rules, written from DOMAIN.md ------------


def ref_s10_raw(serial: str) -> int:
    """11 − (weighted sum mod 11), before the 10 → 0 and 11 → 5 substitutions."""
    weights = [8, 6, 4, 2, 3, 5, 9, 7]
    total = 0
    for position in range(8):
        total = total + int(serial[position]) * weights[position]
    return 11 - (total % 11)


def ref_s10(serial: str) -> str:
    raw = ref_s10_raw(serial)
    if raw == 10:
        return "0"
    if raw == 11:
        return "5"
    return str(raw)


def ref_jp(first11: str) -> str:
    # Long division by 7, one digit at a time, instead of int(first11) % 7.
    remainder = 0
    for digit in first11:
        remainder = (remainder * 10 + int(digit)) % 7
    return str(remainder)


def ref_usps(data: str) -> str:
    # Walk left to right; the weight depends on the distance from the rightmost data digit.
    total = 0
    for index, digit in enumerate(data):
        distance_from_right = len(data) - 1 - index
        weight = 3 if distance_from_right % 2 == 0 else 1
        total += int(digit) * weight
    return str((10 - total % 10) % 10)


# --- Worked hand calculations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serial", "expected", "working"),
    [
        # 1×8 + 2×6 + 3×4 + 4×2 + 5×3 + 6×5 + 7×9 + 8×7 = 8+12+12+8+15+30+63+56 = 204;
        # 204 = 18×11 + 6; 11 − 6 = 5  → RB123456785GB
        ("12345678", "5", 204),
        # 4×8 + 7×6 + 3×4 + 1×2 + 2×3 + 4×5 + 8×9 + 2×7 = 32+42+12+2+6+20+72+14 = 200;
        # 200 = 18×11 + 2; 11 − 2 = 9
        ("47312482", "9", 200),
        # 1×2 + 6×3 + 4×5 + 2×9 + 7×7 = 2+18+20+18+49 = 107; 107 = 9×11 + 8; 11 − 8 = 3
        # (a 1996 Cambodian registered label reads RR 00 016 427 3KH)
        ("00016427", "3", 107),
        # sum 0; 11 − 0 = 11 → 5
        ("00000000", "5", 0),
        # 1×9 + 5×7 = 44 = 4×11; 11 − 0 = 11 → 5
        ("00000015", "5", 44),
        # 9 × (8+6+4+2+3+5+9+7) = 9 × 44 = 396 = 36×11; 11 → 5
        ("99999999", "5", 396),
        # 8×7 = 56 = 5×11 + 1; 11 − 1 = 10 → 0
        ("00000008", "0", 56),
        # 2×6 = 12 = 11 + 1; 10 → 0
        ("02000000", "0", 12),
    ],
)
def test_s10_check_digit_worked_examples(serial: str, expected: str, working: int) -> None:
    weighted = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    assert weighted == working  # the hand-written sum above is right
    assert s10_check_digit(serial) == expected
    assert ref_s10(serial) == expected


def test_s10_special_cases_found_by_brute_force() -> None:
    """c = 10 → 0 and c = 11 → 5: search small serials for them rather than trusting memory."""
    serials = [f"{n:08d}" for n in range(1000)]
    tens = [s for s in serials if ref_s10_raw(s) == 10]
    elevens = [s for s in serials if ref_s10_raw(s) == 11]
    # The first of each agree with the hand calculations above.
    assert tens[0] == "00000008"
    assert elevens[:2] == ["00000000", "00000015"]
    assert len(tens) > 10
    assert len(elevens) > 10
    for serial in tens:
        assert s10_check_digit(serial) == "0", serial
    for serial in elevens:
        assert s10_check_digit(serial) == "5", serial
    # And the numbers built from them parse back.
    assert parse_tracking(f"RR{tens[0]}0GB").check_digit == "0"
    assert parse_tracking(f"RR{elevens[1]}5GB").check_digit == "5"
    with pytest.raises(ValueError, match=r"^RR000000081GB: check digit is 1, expected 0$"):
        parse_tracking(f"RR{tens[0]}1GB")
    with pytest.raises(ValueError, match=r"^RR000000150GB: check digit is 0, expected 5$"):
        parse_tracking(f"RR{elevens[1]}0GB")


def test_s10_check_digit_agrees_with_reference() -> None:
    serials = [f"{n:08d}" for n in range(0, 100_000, 7)]
    serials += [f"{n:08d}" for n in range(0, 100_000_000, 9_973)]  # a prime stride over the whole range
    mismatches = [s for s in serials if s10_check_digit(s) != ref_s10(s)]
    assert mismatches == []


def test_jp_check_digit_worked_example() -> None:
    # 12345678901 = 7 × 1763668414 + 3  (7 × 1763668414 = 12345678898)
    assert 7 * 1763668414 == 12345678898
    assert 12345678901 - 12345678898 == 3
    assert jp_check_digit("12345678901") == "3"
    assert ref_jp("12345678901") == "3"


def test_jp_check_digit_agrees_with_reference() -> None:
    values = [f"{n:011d}" for n in range(0, 10**11, 19_999_999)] + [f"{n:011d}" for n in range(1_000)]
    values.append("99999999999")
    mismatches = [v for v in values if jp_check_digit(v) != ref_jp(v)]
    assert mismatches == []


@pytest.mark.parametrize(
    ("data", "expected", "working"),
    [
        # IMpb example 9400 1000 0000 0000 0000 0?: the 21 data digits are 9,4,0,0,1 then sixteen 0s.
        # Counting data digits from the right starting at 1, odd counts weigh 3 and even counts 1:
        # the 9 is 21st (×3), the 4 is 20th (×1), the 1 is 17th (×3), every other digit is 0.
        # 27 + 4 + 3 = 34; (10 − 4) mod 10 = 6  → 9400 1000 0000 0000 0000 06 (not …00)
        ("940010000000000000000", "6", 34),
        # 20-digit 0307 1790 0005 2348 374?: right to left 4×3 7×1 3×3 8×1 4×3 3×1 2×3 5×1 0×3 0×1
        # 0×3 0×1 9×3 7×1 1×3 7×1 0×3 3×1 0×3 = 12+7+9+8+12+3+6+5+27+7+3+7+3 = 109; (10 − 9) = 1
        ("0307179000052348374", "1", 109),
        # All zeros: sum 0, (10 − 0) mod 10 = 0 — the outer "mod 10" matters here.
        ("000000000000000000000", "0", 0),
        # 92 then zeros: 9×3 + 2×1 = 29; 10 − 9 = 1
        ("920000000000000000000", "1", 29),
    ],
)
def test_usps_check_digit_worked_examples(data: str, expected: str, working: int) -> None:
    weighted = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(data)))
    assert weighted == working
    assert usps_check_digit(data) == expected
    assert ref_usps(data) == expected


def test_usps_check_digit_agrees_with_reference() -> None:
    # Multiples of a long odd constant, cut to length, give well-mixed digit strings deterministically.
    datas = [
        f"{n * 7_919_000_104_729_999_961 % 10**length:0{length}d}"
        for length in (19, 21)
        for n in range(2_000)
    ]
    mismatches = [d for d in datas if usps_check_digit(d) != ref_usps(d)]
    assert mismatches == []


# --- Parsing valid numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scheme", "number", "display"),
    [
        ("RB123456785GB", "s10", "RB123456785GB", "RB 123 456 785 GB"),
        ("RB123456785US", "s10", "RB123456785US", "RB 123 456 785 US"),
        ("RB123456785CF", "s10", "RB123456785CF", "RB 123 456 785 CF"),
        ("RR 00 016 427 3KH", "s10", "RR000164273KH", "RR 000 164 273 KH"),
        ("ee000000005jp", "s10", "EE000000005JP", "EE 000 000 005 JP"),
        ("1234-5678-9013", "jp", "123456789013", "1234-5678-9013"),
        ("123456789013", "jp", "123456789013", "1234-5678-9013"),
        ("000000000011", "jp", "000000000011", "0000-0000-0011"),
        # Published USPS test numbers (tracking_number_data project), checked by ref_usps below.
        ("9400 1112 0108 0805 4830 16", "usps", "9400111201080805483016", "9400 1112 0108 0805 4830 16"),
        ("9361 2898 7870 0317 6337 95", "usps", "9361289878700317633795", "9361 2898 7870 0317 6337 95"),
        ("9505 5110 6960 5048 6006 24", "usps", "9505511069605048600624", "9505 5110 6960 5048 6006 24"),
        ("9405803699300124287899", "usps", "9405803699300124287899", "9405 8036 9930 0124 2878 99"),
        ("9101 1234 5678 9000 0000 13", "usps", "9101123456789000000013", "9101 1234 5678 9000 0000 13"),
        ("0307 1790 0005 2348 3741", "usps", "03071790000523483741", "0307 1790 0005 2348 3741"),
        ("7112 3456 7891 2345 6787", "usps", "71123456789123456787", "7112 3456 7891 2345 6787"),
        ("9400 1000 0000 0000 0000 06", "usps", "9400100000000000000006", "9400 1000 0000 0000 0000 06"),
    ],
)
def test_valid_numbers(text: str, scheme: str, number: str, display: str) -> None:
    reference = {
        "s10": lambda n: ref_s10(n[2:10]),
        "jp": lambda n: ref_jp(n[:-1]),
        "usps": lambda n: ref_usps(n[:-1]),
    }
    check_position = 10 if scheme == "s10" else -1
    assert reference[scheme](number) == number[check_position]  # independently valid

    for given in (None, scheme, scheme.upper()):
        tracking = parse_tracking(text, given)
        assert tracking == TrackingNumber(scheme, number)  # type: ignore[arg-type]
        assert tracking.scheme == scheme
        assert tracking.number == number
        assert str(tracking) == number
        assert tracking.display == display
        assert tracking.check_digit == number[check_position]
    # What we print reads back as the same number.
    assert parse_tracking(display) == parse_tracking(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("ＲＢ１２３４５６７８５ＧＢ", "RB123456785GB"),  # full-width letters and digits
        ("ｒｂ１２３　４５６　７８５　ｇｂ", "RB123456785GB"),  # full-width lower case, ideographic spaces
        ("RB-123-456-785-GB", "RB123456785GB"),
        (" RB\t123456785GB\n", "RB123456785GB"),
        ("１２３４－５６７８－９０１３", "123456789013"),  # full-width digits and hyphen-minus
        ("1234ー5678ー9013", "123456789013"),  # katakana long-vowel mark typed for a dash
        ("1234−5678−9013", "123456789013"),  # U+2212 minus sign, as Japanese IMEs produce
        ("1234‐5678–9013", "123456789013"),  # U+2010 hyphen, U+2013 en dash
        ("9400\u00a01000\u00a00000 0000 0000 06", "9400100000000000000006"),  # no-break spaces
    ],
)
def test_normalisation(text: str, number: str) -> None:
    assert parse_tracking(text).number == number


@pytest.mark.parametrize(
    ("text", "scheme"),
    [
        ("RB123456785GB", "s10"),
        ("EE000000005JP", "s10"),
        ("123456789013", "jp"),
        ("03071790000523483741", "usps"),  # 20 digits
        ("9400100000000000000006", "usps"),  # 22 digits
    ],
)
def test_scheme_detection(text: str, scheme: str) -> None:
    assert parse_tracking(text).scheme == scheme


# --- Refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scheme", "message"),
    [
        ("RB123456784GB", None, "RB123456784GB: check digit is 4, expected 5"),
        ("RB123456786US", None, "RB123456786US: check digit is 6, expected 5"),
        ("rb 123 456 780 gb", "s10", "RB123456780GB: check digit is 0, expected 5"),
        ("RR000000085GB", None, "RR000000085GB: check digit is 5, expected 0"),  # c = 10 → 0
        ("RR000000150GB", None, "RR000000150GB: check digit is 0, expected 5"),  # c = 11 → 5
        ("RR000000000GB", None, "RR000000000GB: check digit is 0, expected 5"),  # c = 11 → 5
        ("1234-5678-9014", None, "123456789014: check digit is 4, expected 3"),
        ("１２３４５６７８９０１０", "jp", "123456789010: check digit is 0, expected 3"),
        ("0307 1790 0005 2348 3742", None, "03071790000523483742: check digit is 2, expected 1"),
        ("9200000000000000000000", "usps", "9200000000000000000000: check digit is 0, expected 1"),
        ("9400 1000 0000 0000 0000 00", None, "9400100000000000000000: check digit is 0, expected 6"),
    ],
)
def test_wrong_check_digit(text: str, scheme: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_tracking(text, scheme)


def test_wrong_check_digit_every_wrong_digit_names_the_right_one() -> None:
    for wrong in "012346789":
        with pytest.raises(ValueError, match=rf"check digit is {wrong}, expected 5$"):
            parse_tracking(f"RB12345678{wrong}GB")


@pytest.mark.parametrize(
    ("text", "scheme", "expected_shape"),
    [
        # wrong length
        ("RB12345678GB", "s10", "2 letters + 9 digits + 2 letters"),
        ("RB1234567855GB", "s10", "2 letters + 9 digits + 2 letters"),
        ("131-12-38385-2", "jp", "12 digits"),  # an old 11-digit 書留 number
        ("1234567890123", "jp", "12 digits"),
        ("940010000000000000006", "usps", "20 or 22 digits"),  # 21 digits
        ("94001000000000000000006", "usps", "20 or 22 digits"),  # 23 digits
        # letters where digits belong, or digits where letters belong
        ("R1123456785GB", "s10", "2 letters + 9 digits + 2 letters"),
        ("RB12345678SGB", "s10", "2 letters + 9 digits + 2 letters"),
        ("RB1234567856B", "s10", "2 letters + 9 digits + 2 letters"),
        ("1234-5678-901A", "jp", "12 digits"),
        ("9400 1000 0000 0000 0000 0O", "usps", "20 or 22 digits"),  # letter O for zero
        # the right shape for another scheme
        ("RB123456785GB", "jp", "12 digits"),
        ("123456789013", "s10", "2 letters + 9 digits + 2 letters"),
        ("123456789013", "usps", "20 or 22 digits"),
        # digits NFKC does not fold to ASCII (Arabic-Indic) are not digits here
        ("١٢٣٤٥٦٧٨٩٠١٣", "jp", "12 digits"),
    ],
)
def test_wrong_shape_with_scheme(text: str, scheme: str, expected_shape: str) -> None:
    with pytest.raises(
        ValueError, match=re.escape(f"{text!r} is not a valid tracking number: expected {expected_shape}")
    ):
        parse_tracking(text, scheme)


@pytest.mark.parametrize(
    "text",
    [
        "RB12345678GB",
        "R1123456785GB",
        "12345678901",
        "1234567890123",
        "940010000000000000006",
        "9400-1000",
        "RB123456785GB1",
        "X",
    ],
)
def test_wrong_shape_detected(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_tracking(text)
    message = str(info.value)
    assert message.startswith(f"{text!r} is not a tracking number: expected ")
    for shape in ("2 letters + 9 digits + 2 letters", "12 digits", "20 or 22 digits"):
        assert shape in message


@pytest.mark.parametrize("text", ["", "   ", "- -", "\u3000"])
def test_empty(text: str) -> None:
    with pytest.raises(ValueError, match=r"^empty tracking number$"):
        parse_tracking(text)


@pytest.mark.parametrize("code", ["XX", "EU", "UN", "ZZ", "QO"])
def test_s10_country_must_be_iso(code: str) -> None:
    with pytest.raises(ValueError, match=f"^RB123456785{code}: {code} is not an ISO 3166 country code"):
        parse_tracking(f"RB123456785{code}")


@pytest.mark.parametrize("scheme", ["ups", "S 10", "", "japan"])
def test_unknown_scheme(scheme: str) -> None:
    with pytest.raises(ValueError, match="unknown tracking scheme"):
        parse_tracking("RB123456785GB", scheme)


@pytest.mark.parametrize(
    ("scheme", "number"),
    [
        ("s10", "RB123456784GB"),  # bad check digit
        ("s10", "rb123456785gb"),  # not the compact upper-case form
        ("jp", "1234-5678-9013"),  # not compact
        ("usps", "9400100000000000000000"),
        ("fedex", "123456789013"),
    ],
)
def test_direct_construction_is_checked(scheme: str, number: str) -> None:
    with pytest.raises(ValueError):
        TrackingNumber(scheme, number)  # type: ignore[arg-type]


def test_tracking_number_is_frozen_and_hashable() -> None:
    tracking = parse_tracking("RB123456785GB")
    with pytest.raises(dataclasses.FrozenInstanceError):
        tracking.number = "RB123456784GB"  # type: ignore[misc]
    assert {tracking, parse_tracking("rb 123 456 785 gb")} == {tracking}


# --- Service hints ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "service", "indicator", "country"),
    [
        ("RB123456785GB", "registered letter post", "RB", "GB"),
        ("EE000000005JP", "EMS (express mail service)", "EE", "JP"),
        ("CP123456785DE", "parcel post", "CP", "DE"),
        ("LX123456785CN", "express letter post", "LX", "CN"),
        ("VV123456785FR", "insured letter post", "VV", "FR"),
        ("UA123456785US", "letter post item subject to customs (CN 22 / CN 23)", "UA", "US"),
        ("BA123456785CN", "domestic or bilateral use", "BA", "CN"),
        ("AA123456785GB", None, "AA", "GB"),  # meaning left to each post
        ("123456789013", None, None, "JP"),
        ("9400100000000000000006", None, None, "US"),
    ],
)
def test_service_hints(number: str, service: str | None, indicator: str | None, country: str) -> None:
    tracking = parse_tracking(number)
    assert tracking.service == service
    assert tracking.service_indicator == indicator
    assert tracking.country == country


def test_serial() -> None:
    assert parse_tracking("RB123456785GB").serial == "12345678"
    assert parse_tracking("123456789013").serial == "12345678901"
    assert parse_tracking("9400100000000000000006").serial == "940010000000000000000"


# --- Construction and label ranges --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "serial", "country", "number"),
    [
        ("RB", 12345678, "GB", "RB123456785GB"),
        ("RR", 16427, "KH", "RR000164273KH"),  # zero-padded to 8 digits
        ("ee", 0, "jp", "EE000000005JP"),  # normalised; c = 11 → 5
        ("RR", 8, "GB", "RR000000080GB"),  # c = 10 → 0
        ("ＲＢ", 99_999_999, "ＧＢ", "RB999999995GB"),  # full-width, the last serial
    ],
)
def test_make_s10(prefix: str, serial: int, country: str, number: str) -> None:
    tracking = make_s10(prefix, serial, country)
    assert tracking.number == number
    assert tracking.scheme == "s10"
    assert parse_tracking(number) == tracking


@pytest.mark.parametrize(
    ("prefix", "serial", "country", "message"),
    [
        ("R", 1, "GB", "2 letters"),
        ("RBX", 1, "GB", "2 letters"),
        ("R1", 1, "GB", "2 letters"),
        ("", 1, "GB", "2 letters"),
        ("RB", -1, "GB", "runs from 0 to 99999999"),
        ("RB", 100_000_000, "GB", "runs from 0 to 99999999"),
        ("RB", True, "GB", "whole number"),
        ("RB", 1, "XX", "ISO 3166"),
        ("RB", 1, "G", "ISO 3166"),
        ("RB", 1, "EU", "ISO 3166"),
    ],
)
def test_make_s10_refuses(prefix: str, serial: int, country: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make_s10(prefix, serial, country)


def test_tracking_range() -> None:
    labels = tracking_range("RB", 12_345_670, 25, "GB")
    assert len(labels) == 25
    serials = [int(label.serial) for label in labels]
    assert serials == list(range(12_345_670, 12_345_695))
    for label in labels:
        assert label.number[:2] == "RB"
        assert label.number[-2:] == "GB"
        assert label.number[10] == ref_s10(label.serial)
        assert parse_tracking(label.display) == label
    assert labels[0].number == "RB123456706GB"  # see s10 check digit of 12345670 by reference
    assert ref_s10("12345670") == "6"
    assert labels[8].number == "RB123456785GB"
    assert len({label.number for label in labels}) == 25


def test_tracking_range_up_to_the_last_serial() -> None:
    labels = tracking_range("EE", 99_999_990, 10, "JP")
    assert [label.serial for label in labels][-1] == "99999999"
    assert labels[-1].number == "EE999999995JP"


@pytest.mark.parametrize(
    ("prefix", "start", "count", "country", "message"),
    [
        (
            "RB",
            99_999_990,
            11,
            "GB",
            "11 labels from RB99999990 run past serial 99999999 (the last would be 100000000)",
        ),
        ("RB", 99_999_999, 2, "GB", "run past serial 99999999"),
        ("RB", 100_000_000, 1, "GB", "runs from 0 to 99999999"),
        ("RB", -5, 10, "GB", "runs from 0 to 99999999"),
        ("RB", 1, 0, "GB", "count of at least 1"),
        ("RB", 1, -3, "GB", "count of at least 1"),
        ("R", 1, 10, "GB", "2 letters"),
        ("12", 1, 10, "GB", "2 letters"),
        ("RB", 1, 10, "XX", "ISO 3166"),
    ],
)
def test_tracking_range_refuses(prefix: str, start: int, count: int, country: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        tracking_range(prefix, start, count, country)


@pytest.mark.parametrize(
    ("first11", "number"),
    [
        (12345678901, "123456789013"),
        ("12345678901", "123456789013"),
        ("1234-5678-901", "123456789013"),
        ("１２３４５６７８９０１", "123456789013"),
        (1, "000000000011"),  # zero-padded; 1 mod 7 = 1
        (99_999_999_999, "999999999994"),  # 10^11 − 1; 10^11 ≡ 10^5 ≡ 5 (mod 7), so ≡ 4
    ],
)
def test_make_jp(first11: str | int, number: str) -> None:
    tracking = make_jp(first11)
    assert tracking.number == number
    assert tracking.scheme == "jp"
    assert number[-1] == ref_jp(number[:-1])


@pytest.mark.parametrize("first11", [10**11, -1, True, "1234567890", "123456789012", "1234567890A"])
def test_make_jp_refuses(first11: str | int) -> None:
    with pytest.raises(ValueError, match="11 digits"):
        make_jp(first11)


@pytest.mark.parametrize(
    ("data", "number"),
    [
        ("940010000000000000000", "9400100000000000000006"),
        ("9400 1000 0000 0000 0000 0", "9400100000000000000006"),
        ("0307179000052348374", "03071790000523483741"),
        ("940011120108080548301", "9400111201080805483016"),
    ],
)
def test_make_usps(data: str, number: str) -> None:
    tracking = make_usps(data)
    assert tracking.number == number
    assert tracking.scheme == "usps"
    assert number[-1] == ref_usps(number[:-1])


@pytest.mark.parametrize(
    "data", ["", "94001000000000000000", "9400100000000000000000", "94001000000000000000A"]
)
def test_make_usps_refuses(data: str) -> None:
    with pytest.raises(ValueError, match="19 or 21 digits"):
        make_usps(data)


# --- The public check-digit helpers refuse what they cannot compute ---------------------------------


@pytest.mark.parametrize("serial", ["1234567", "123456789", "1234567A", "１２３４５６７８", ""])
def test_s10_check_digit_refuses(serial: str) -> None:
    with pytest.raises(ValueError, match="8 digits"):
        s10_check_digit(serial)


@pytest.mark.parametrize("first11", ["1234567890", "123456789012", "1234567890A", "١٢٣٤٥٦٧٨٩٠١"])
def test_jp_check_digit_refuses(first11: str) -> None:
    with pytest.raises(ValueError, match="11 digits"):
        jp_check_digit(first11)


@pytest.mark.parametrize("data", ["", "12 34", "12a", "１２３"])
def test_usps_check_digit_refuses(data: str) -> None:
    with pytest.raises(ValueError, match="must be digits"):
        usps_check_digit(data)


def test_compact_number_is_the_ledger_key_for_every_printed_form() -> None:
    from letters.carriers.numbers import compact_number

    assert compact_number(make_jp(12345678901).display) == "123456789013"
    assert compact_number("RB 123 456 785 GB") == "RB123456785GB"
    assert compact_number("") == ""
