"""Carrier knowledge: tracking-number formats and check digits, the carriers and their postage.

Faces: ``numbers`` (parse_tracking, make_s10, …), ``table`` (CARRIERS), ``services``
(SERVICES, carrier_for_country, number_problem), ``rates`` (DEFAULT_RATES, rate_for), ``postage`` (Postage).
"""
