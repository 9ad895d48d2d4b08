"""Carrier knowledge: tracking-number formats and check digits, the carriers and their postage.

Faces: ``numbers`` (parse_tracking, make_s10, …), ``table`` (CARRIERS, carrier_for), ``postage`` (Postage).
"""
