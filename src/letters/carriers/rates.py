"""Postage and fee per mail service and weight step (the policy's rate table), and a letter's weight."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from letters.carriers.postage import Postage
from letters.carriers.table import CARRIERS

CARRIER_CURRENCY: dict[str, str] = {carrier: currency for carrier, (_, currency) in CARRIERS.items()}

# One sheet of 80 g/m² paper: A4 is 1/16 m² (ISO 216) → 5.0 g; US Letter 8.5 × 11 in = 0.0603 m² → 4.9 g.
# A window envelope (長形3号, DL, #10) weighs about 5 g.  Rounded up, so a letter is never under-franked.
SHEET_G: dict[str, Decimal] = {"A4": Decimal("5.0"), "Letter": Decimal("4.9")}
ENVELOPE_G = Decimal("5")


@dataclass(frozen=True)
class RateStep:
    """Up to `up_to_g` grams: the postage and the service's fee."""

    up_to_g: int
    postage: Decimal
    fee: Decimal


@dataclass(frozen=True)
class RateTable:
    """One service's rates in the carrier's currency, weight steps in ascending order."""

    currency: str
    steps: tuple[RateStep, ...]
    source: str = ""


def _steps(*rows: tuple[int, str, str]) -> tuple[RateStep, ...]:
    return tuple(RateStep(g, Decimal(p), Decimal(f)) for g, p, f in rows)


# Published rates at the time of writing; set your own in the policy ([rates.<service>]).
DEFAULT_RATES: dict[str, RateTable] = {
    # 定形 ≤ 50 g 110円, 定形外(規格内) ≤ 100 g 180円;
    # 特定記録 210円, 簡易書留 350円, 一般書留 480円.
    "jp-tokutei-kiroku": RateTable(
        "JPY", _steps((50, "110", "210"), (100, "180", "210")), "日本郵便 料金表 (2024年10月1日改定)"
    ),
    "jp-kani-kakitome": RateTable(
        "JPY", _steps((50, "110", "350"), (100, "180", "350")), "日本郵便 料金表 (2024年10月1日改定)"
    ),
    "jp-ippan-kakitome": RateTable(
        "JPY", _steps((50, "110", "480"), (100, "180", "480")), "日本郵便 料金表 (2024年10月1日改定)"
    ),
    # 一般書留 480 + 内容証明 480 (1枚目) + 配達証明 350 (差出時).
    "jp-naiyo-haitatsu": RateTable(
        "JPY",
        _steps((50, "110", "1310"), (100, "180", "1310")),
        "日本郵便 内容証明・配達証明 料金 (2024年10月1日改定)",
    ),
    # First-Class Mail letter 1 oz (28 g) $0.78, each further ounce $0.29, up to 3.5 oz (99 g).
    "us-certified": RateTable(
        "USD",
        _steps((28, "0.78", "5.30"), (56, "1.07", "5.30"), (85, "1.36", "5.30"), (99, "1.65", "5.30")),
        "USPS Notice 123 (July 2025): First-Class Mail letters; Certified Mail fee",
    ),
    "us-certified-rr": RateTable(
        "USD",
        _steps((28, "0.78", "9.70"), (56, "1.07", "9.70"), (85, "1.36", "9.70"), (99, "1.65", "9.70")),
        "USPS Notice 123 (July 2025): Certified Mail $5.30 + Return Receipt (PS Form 3811) $4.40",
    ),
    "us-registered": RateTable(
        "USD",
        _steps((28, "0.78", "18.05"), (56, "1.07", "18.05"), (85, "1.36", "18.05"), (99, "1.65", "18.05")),
        "USPS Notice 123 (July 2025): Registered Mail, no declared value",
    ),
    # 1st Class letter ≤ 100 g £1.70; Signed For adds £1.30;
    # Special Delivery Guaranteed by 1pm ≤ 100 g £8.95 all in.
    "uk-signed-for": RateTable("GBP", _steps((100, "1.70", "1.30")), "Royal Mail prices (April 2025)"),
    "uk-special-delivery": RateTable("GBP", _steps((100, "0.00", "8.95")), "Royal Mail prices (April 2025)"),
    # 国内信函 外埠 首重100 g 内每重20 g 1.20元; 挂号费 3.00元.  国内 EMS 起重 500 g 20元 (资费在内).
    "cn-guahao": RateTable(
        "CNY",
        _steps(
            (20, "1.20", "3.00"),
            (40, "2.40", "3.00"),
            (60, "3.60", "3.00"),
            (80, "4.80", "3.00"),
            (100, "6.00", "3.00"),
        ),
        "国家发展改革委 国内信函资费标准; 中国邮政 挂号费",
    ),
    "cn-ems": RateTable("CNY", _steps((500, "0.00", "20.00")), "中国邮政速递物流 国内 EMS 标准资费"),
}


def letter_weight_g(sheets: int, paper: str) -> int:
    """A letter's weight in whole grams, rounded up: its sheets plus the envelope."""
    return math.ceil(ENVELOPE_G + SHEET_G.get(paper, SHEET_G["A4"]) * sheets)


def rate_for(service: str, weight_g: int, table: Mapping[str, RateTable]) -> Postage | None:
    """The postage and fee of a `weight_g` letter by `service`, or None when no step is heavy enough."""
    rates = table[service]
    for step in rates.steps:
        if weight_g <= step.up_to_g:
            return Postage(rates.currency, step.postage, step.fee)
    return None
