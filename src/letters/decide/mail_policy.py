"""The policy's mail settings ([mail_services.<country>], [rates.<service>]) → checked tables."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from letters.carriers.rates import CARRIER_CURRENCY, DEFAULT_RATES, RateStep, RateTable
from letters.carriers.services import CARRIER_OF_COUNTRY, SERVICES
from letters.decide.kinds import KINDS
from letters.errors import ConfigError

# Which service each kind of letter goes by, per sender country.  Reminders go by the cheapest
# service that still proves posting; demands and lawyer's letters by one that proves delivery,
# since a demand takes effect when it arrives (民法第97条; DOMAIN.md "registered mail").
DEFAULT_MAIL_SERVICES: dict[str, dict[str, str]] = {
    "JP": {
        "reminder": "jp-tokutei-kiroku",
        "demand": "jp-kani-kakitome",
        "lawyer": "jp-ippan-kakitome",
        "payment-plan": "jp-tokutei-kiroku",
        "validation-notice": "jp-kani-kakitome",
    },
    "US": {
        "reminder": "us-certified",
        "demand": "us-certified",
        "lawyer": "us-certified-rr",
        "payment-plan": "us-certified",
        "validation-notice": "us-certified",
    },
    "GB": {
        "reminder": "uk-signed-for",
        "demand": "uk-signed-for",
        "lawyer": "uk-special-delivery",
        "payment-plan": "uk-signed-for",
        "validation-notice": "uk-signed-for",
    },
    "CN": {
        "reminder": "cn-guahao",
        "demand": "cn-guahao",
        "lawyer": "cn-ems",
        "payment-plan": "cn-guahao",
        "validation-notice": "cn-guahao",
    },
}


def load_mail_services(raw: Any, where: str) -> dict[str, dict[str, str]]:
    """[mail_services.JP] demand = "jp-ippan-kakitome" … over the defaults; each service must be the
    sender country's carrier's."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: mail_services must be tables like [mail_services.JP]")
    merged = {country: dict(kinds) for country, kinds in DEFAULT_MAIL_SERVICES.items()}
    for country, kinds in raw.items():
        carrier = CARRIER_OF_COUNTRY.get(country)
        if carrier is None:
            raise ConfigError(
                f"{where}: [mail_services.{country}]: no carrier for {country}; "
                f"use {', '.join(CARRIER_OF_COUNTRY)}"
            )
        if not isinstance(kinds, Mapping):
            raise ConfigError(f"{where}: [mail_services.{country}] must map letter kinds to services")
        for kind, key in kinds.items():
            if kind not in KINDS:
                raise ConfigError(f"{where}: [mail_services.{country}]: unknown letter kind {kind!r}")
            service = SERVICES.get(str(key))
            if service is None or service.carrier != carrier:
                mine = [s.key for s in SERVICES.values() if s.carrier == carrier]
                raise ConfigError(
                    f"{where}: [mail_services.{country}] {kind} = {key!r}: not a {carrier} service; "
                    f"use {', '.join(mine)}"
                )
            merged[country][kind] = service.key
    return merged


def load_rates(raw: Any, where: str) -> dict[str, RateTable]:
    """[rates.<service>] currency = "JPY", steps = [{up_to_g = 50, postage = "110", fee = "350"}, …]
    over the defaults; the currency must be the carrier's and the steps ascending."""
    from letters.intake.parse import parse_amount

    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: rates must be tables like [rates.jp-kani-kakitome]")
    rates = dict(DEFAULT_RATES)
    for key, table in raw.items():
        name = f"{where}: [rates.{key}]"
        service = SERVICES.get(key)
        if service is None:
            raise ConfigError(f"{name}: unknown service; use {', '.join(SERVICES)}")
        if not isinstance(table, Mapping) or set(table) != {"currency", "steps"}:
            raise ConfigError(f"{name} needs exactly currency and steps")
        currency = str(table["currency"])
        if currency != CARRIER_CURRENCY[service.carrier]:
            raise ConfigError(
                f"{name}: {service.carrier} charges in {CARRIER_CURRENCY[service.carrier]}, not {currency}"
            )
        steps: list[RateStep] = []
        raw_steps = table["steps"]
        if not isinstance(raw_steps, list) or not raw_steps:
            raise ConfigError(f"{name}: steps must be a non-empty list of {{up_to_g, postage, fee}}")
        for number, step in enumerate(raw_steps, start=1):
            if not isinstance(step, Mapping) or set(step) != {"up_to_g", "postage", "fee"}:
                raise ConfigError(f"{name}: step {number} needs exactly up_to_g, postage and fee")
            grams = step["up_to_g"]
            low = steps[-1].up_to_g if steps else 0
            if not isinstance(grams, int) or isinstance(grams, bool) or grams <= low:
                raise ConfigError(
                    f"{name}: step {number}: up_to_g must be a whole number of grams above {low}"
                )
            try:
                postage = parse_amount(str(step["postage"]), currency)
                fee = parse_amount(str(step["fee"]), currency)
            except ValueError as exc:
                raise ConfigError(f"{name}: step {number}: {exc}") from None
            if postage < Decimal(0) or fee < Decimal(0):
                raise ConfigError(f"{name}: step {number}: postage and fee cannot be negative")
            steps.append(RateStep(grams, postage, fee))
        rates[key] = RateTable(currency, tuple(steps), where)
    return rates
