"""The carriers letters knows: mailing-list language, currency and default postage; whose a number is."""

from __future__ import annotations

from decimal import Decimal

from letters.carriers.numbers import parse_tracking
from letters.carriers.postage import Postage

# Carrier → (language of its mailing-list form, currency of its postage).
CARRIERS: dict[str, tuple[str, str]] = {
    "japan-post": ("ja", "JPY"),
    "china-post": ("zh", "CNY"),
    "usps": ("en", "USD"),
    "royal-mail": ("en", "GBP"),
}

# Illustrative rates for a one-sheet letter; set your own in the policy ([postage.<carrier>]).
DEFAULT_POSTAGE: dict[str, Postage] = {
    "japan-post": Postage("JPY", Decimal("110"), Decimal("480")),  # 定形 ≤ 50 g + 一般書留
    "china-post": Postage("CNY", Decimal("1.20"), Decimal("3.00")),  # 国内信函 + 挂号费
    "usps": Postage("USD", Decimal("0.78"), Decimal("5.30")),  # First-Class letter + Certified Mail
    "royal-mail": Postage("GBP", Decimal("1.70"), Decimal("2.20")),  # 1st class + Signed For
}


def carrier_for(tracking_number: str) -> str:
    """Which post office a number belongs to, from its scheme (and an S10 number's country)."""
    number = parse_tracking(tracking_number)
    if number.scheme == "jp":
        return "japan-post"
    if number.scheme == "usps":
        return "usps"
    return {"JP": "japan-post", "CN": "china-post", "US": "usps", "GB": "royal-mail"}.get(
        number.number[-2:], "royal-mail"
    )
