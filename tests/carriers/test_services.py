"""Mail services: every service's carrier, number formats, names, rates; the default choice per kind."""

from __future__ import annotations

from decimal import Decimal

import pytest

from letters.carriers.numbers import make_jp, make_s10, make_usps, parse_tracking
from letters.carriers.rates import CARRIER_CURRENCY, DEFAULT_RATES, letter_weight_g, rate_for
from letters.carriers.services import CARRIER_OF_COUNTRY, SERVICES, carrier_for_country, number_problem
from letters.decide.kinds import KINDS
from letters.decide.mail_policy import DEFAULT_MAIL_SERVICES

USPS = make_usps("940010000000000000000")


def test_every_service_has_a_source_names_and_a_rate_in_its_carriers_currency() -> None:
    for key, service in SERVICES.items():
        assert service.carrier in CARRIER_OF_COUNTRY.values()
        assert service.source and service.form and service.fee_name
        assert set(service.names) == {"ja", "zh", "en"}
        rates = DEFAULT_RATES[key]
        assert rates.currency == CARRIER_CURRENCY[service.carrier]
        assert rates.source
        grams = [step.up_to_g for step in rates.steps]
        assert grams == sorted(set(grams))
        for step in rates.steps:
            assert isinstance(step.postage, Decimal) and isinstance(step.fee, Decimal)


def test_default_service_per_kind_is_the_sender_countrys_carriers() -> None:
    for country, kinds in DEFAULT_MAIL_SERVICES.items():
        assert set(kinds) == set(KINDS)
        for key in kinds.values():
            assert SERVICES[key].carrier == carrier_for_country(country)
    assert carrier_for_country("GB") == "royal-mail"
    assert carrier_for_country("FR") is None


@pytest.mark.parametrize(
    ("service", "number", "country", "problem"),
    [
        ("us-certified", USPS, "US", None),
        ("us-certified-rr", make_usps("9200190000000000000000"[:21]), "US", None),
        ("us-certified", make_s10("RR", 1, "US"), "US", "is not a USPS 20- or 22-digit number"),
        ("us-registered", make_s10("RR", 1, "US"), "US", None),
        ("us-registered", make_s10("RR", 1, "GB"), "US", "ends in GB, but the sender posts in US"),
        ("us-registered", make_s10("EE", 1, "US"), "US", "us-registered numbers start with R"),
        ("us-registered", USPS, "US", "is not an S10 number"),
        ("uk-signed-for", make_s10("RR", 1, "US"), "GB", "ends in US, but the sender posts in GB"),
        ("uk-signed-for", make_s10("TT", 1, "GB"), "GB", None),
        ("uk-special-delivery", make_s10("ZV", 1, "GB"), "GB", None),
        ("cn-guahao", make_s10("RR", 1, "CN"), "CN", None),
        ("cn-guahao", make_s10("EE", 1, "CN"), "CN", "cn-guahao numbers start with R"),
        ("cn-ems", make_s10("EE", 1, "CN"), "CN", None),
        ("cn-ems", make_s10("RR", 1, "CN"), "CN", "cn-ems numbers start with E"),
        ("jp-kani-kakitome", make_jp(12345678901), "JP", None),
        ("jp-kani-kakitome", make_s10("RR", 1, "JP"), "JP", "is not a Japan Post 12-digit number"),
        ("jp-naiyo-haitatsu", USPS, "JP", "is not a Japan Post 12-digit number"),
    ],
)
def test_number_must_fit_service_and_country(
    service: str, number: object, country: str, problem: str | None
) -> None:
    found = number_problem(SERVICES[service], parse_tracking(str(number)), country)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_weight_steps() -> None:
    assert letter_weight_g(1, "A4") == 10
    assert letter_weight_g(2, "Letter") == 15  # 5 + 2 × 4.9 = 14.8 g, rounded up
    assert rate_for("jp-kani-kakitome", 50, DEFAULT_RATES) is not None
    kani = rate_for("jp-kani-kakitome", 50, DEFAULT_RATES)
    ippan = rate_for("jp-ippan-kakitome", 50, DEFAULT_RATES)
    assert kani is not None and ippan is not None
    assert (kani.postage, kani.fee) == (Decimal("110"), Decimal("350"))
    assert ippan.fee == Decimal("480")
    heavy = rate_for("jp-kani-kakitome", 51, DEFAULT_RATES)
    assert heavy is not None and heavy.postage == Decimal("180")
    us = rate_for("us-certified", 29, DEFAULT_RATES)
    assert us is not None and (us.currency, us.postage, us.fee) == ("USD", Decimal("1.07"), Decimal("5.30"))
    assert rate_for("jp-kani-kakitome", 101, DEFAULT_RATES) is None
