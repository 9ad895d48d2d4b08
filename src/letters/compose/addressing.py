"""How a recipient is addressed: envelope lines, honorifics and salutations per language and country."""

from __future__ import annotations

from functools import cache

from babel import Locale

from letters.compose.ja_names import write_out
from letters.intake.accounts import Account, Address


@cache
def _territory_name(lang: str, country: str) -> str:
    locale = Locale.parse({"zh": "zh_Hans_CN", "ja": "ja_JP", "en": "en_US"}.get(lang, lang))
    return str(locale.territories.get(country, country))


def address_lines(address: Address, lang: str, sender_country: str) -> list[str]:
    """Postal address lines in the order the destination's post office reads them.

    The form follows the destination country (a Japanese address is written Japanese style even in
    an English letter); a country line is added only when the letter crosses a border.
    """
    lines: list[str]
    if address.country == "JP":
        lines = [
            f"〒{address.postal_code}",
            f"{address.region}{address.city}{address.district}{address.line1}",
        ]
        if address.line2:
            lines.append(address.line2)
    elif address.country == "CN":
        # Municipalities (上海市, 北京市) are province and city at once: write the name once.
        city = "" if address.city == address.region else address.city
        # The postcode comes first, as on a Chinese envelope (its boxes sit at the top left, above
        # the address; China Post, 《信封》GB/T 1416 layout), then the address from province down.
        lines = [f"邮编：{address.postal_code}" if lang == "zh" else f"Postcode {address.postal_code}"]
        lines.append(f"{address.region}{city}{address.district}{address.line1}")
        if address.line2:
            lines.append(address.line2)
    elif address.country == "US":
        lines = [address.line1] + ([address.line2] if address.line2 else [])
        lines.append(f"{address.city}, {address.region} {address.postal_code}")
    elif address.country == "GB":
        lines = [address.line1] + ([address.line2] if address.line2 else [])
        # Royal Mail asks for the post town in capitals and no county line.
        lines.append(address.city.upper())
        lines.append(address.postal_code)
    else:
        lines = [address.line1] + ([address.line2] if address.line2 else [])
        lines.append(" ".join(part for part in (address.postal_code, address.city) if part))
        if address.region:
            lines.append(address.region)
    if address.country != sender_country:
        country = _territory_name(lang, address.country)
        lines.append(country.upper() if lang == "en" else country)
    return lines


def recipient_lines(account: Account, lang: str) -> list[str]:
    """The addressee as written on the envelope and at the head of the letter, honorific included."""
    name = account.debtor_name
    attention = account.attention
    if lang == "ja":
        # ㈱ / (有) written out for the letter (compose/ja_names.py); the account keeps the raw name.
        name, attention = write_out(name), write_out(attention)
        if account.debtor_type == "organisation":
            if attention:
                # 御中 is for the organisation itself; with a named person or desk, 様 goes to them.
                suffix = "" if attention.endswith(("様", "御中")) else " 様"
                return [name, f"{attention}{suffix}"]
            return [f"{name} 御中"]
        return [f"{name} 様"]
    if lang == "zh":
        if account.debtor_type == "organisation":
            return [name] + ([attention] if attention else [])
        return [f"{name}{_zh_title(account)}"]
    if account.debtor_type == "organisation":
        return [name] + ([f"Attn: {attention}"] if attention else [])
    title = _en_title(account)
    return [f"{title} {name}" if title else name]


def salutation(account: Account, lang: str) -> str:
    """The opening line: 张伟先生： / 张伟： / Dear Ms. Doe: — ja letters open with 拝啓 instead.

    zh: an organisation is addressed by its name (and the desk in ``attention``); a person gets
    先生 / 女士 only when the data says which — guessing, or writing 先生/女士 with a slash, reads
    as a form letter and offends half the readers; without it the bare name is the neutral form.
    """
    if lang == "zh":
        if account.debtor_type == "organisation":
            return f"{account.debtor_name}{account.attention}："
        return f"{account.debtor_name}{_zh_title(account)}："
    if lang == "en":
        us = account.address.country == "US"
        end = ":" if us else ","  # US business letters close the salutation with a colon
        if account.debtor_type == "organisation":
            return f"Dear Sir or Madam{end}"
        title = _en_title(account)
        surname = account.debtor_name.split()[-1]
        return f"Dear {title} {surname}{end}" if title else f"Dear {account.debtor_name}{end}"
    return ""


def _zh_title(account: Account) -> str:
    return {"m": "先生", "f": "女士"}.get(account.gender, "")


def _en_title(account: Account) -> str:
    us = account.address.country == "US"
    titles = {"m": "Mr.", "f": "Ms."} if us else {"m": "Mr", "f": "Ms"}
    return titles.get(account.gender, "")
