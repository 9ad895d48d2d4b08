"""The carriers letters knows: the language of each one's mailing-list form and its currency."""

from __future__ import annotations

# Carrier → (language of its mailing-list form, currency of its postage).
CARRIERS: dict[str, tuple[str, str]] = {
    "japan-post": ("ja", "JPY"),
    "china-post": ("zh", "CNY"),
    "usps": ("en", "USD"),
    "royal-mail": ("en", "GBP"),
}
