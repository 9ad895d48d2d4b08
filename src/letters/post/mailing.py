"""A batch's registered items → the carrier's mailing list (差出票, 交寄清单, PS 3877) as PDF and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from letters.carriers.postage import Postage
from letters.carriers.table import CARRIERS, DEFAULT_POSTAGE, carrier_for
from letters.compose.addressing import address_lines, recipient_lines
from letters.compose.locale import format_date, format_money
from letters.compose.render_html import Letter
from letters.compose.templates import template_environment
from letters.errors import ConfigError
from letters.files import atomic_write, inside
from letters.spreadsheet import safe_row


@dataclass(frozen=True)
class MailItem:
    sequence: int  # the letter's position in the combined print PDF
    tracking_number: str
    addressee: str
    address: tuple[str, ...]
    postage: Decimal
    fee: Decimal
    letter_id: str

    @property
    def total(self) -> Decimal:
        return self.postage + self.fee


@dataclass(frozen=True)
class MailingList:
    carrier: str
    lang: str
    currency: str
    mailing_date: date
    sender_id: str
    sender_name: str
    sender_address: tuple[str, ...]
    items: tuple[MailItem, ...]

    @property
    def postage_total(self) -> Decimal:
        return sum((i.postage for i in self.items), Decimal(0))

    @property
    def fee_total(self) -> Decimal:
        return sum((i.fee for i in self.items), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.postage_total + self.fee_total


def build_mailing_lists(
    letters: Sequence[Letter], mailing_date: date, postage: Mapping[str, Postage] | None = None
) -> list[MailingList]:
    """One list per carrier and sender, items in the letters' print order."""
    rates = dict(DEFAULT_POSTAGE) | dict(postage or {})
    groups: dict[tuple[str, str], list[Letter]] = {}
    for letter in letters:
        if not letter.tracking_number:
            continue
        key = (carrier_for(letter.tracking_number), letter.sender.id)
        groups.setdefault(key, []).append(letter)
    lists: list[MailingList] = []
    for (carrier, _), group in groups.items():
        lang, _currency = CARRIERS[carrier]
        rate = rates.get(carrier)
        if rate is None:
            raise ConfigError(f"no postage set for {carrier}; add [postage.{carrier}] to the policy")
        sender = group[0].sender
        text = sender.texts.get(lang) or next(iter(sender.texts.values()))
        items = tuple(
            MailItem(
                sequence=letter.sequence,
                tracking_number=letter.tracking_number,
                addressee=" ".join(recipient_lines(letter.account, lang if lang in sender.texts else "en")),
                address=tuple(address_lines(letter.account.address, lang, sender.country)),
                postage=rate.postage,
                fee=rate.fee,
                letter_id=letter.id,
            )
            for letter in sorted(group, key=lambda lt: lt.sequence)
        )
        lists.append(
            MailingList(carrier, lang, rate.currency, mailing_date, sender.id, text.name, text.address, items)
        )
    return lists


def mailing_csv(mailing: MailingList) -> bytes:
    """The list as CSV (UTF-8 with BOM so Excel opens Japanese and Chinese text correctly).

    Every row goes through safe_row: names and addresses come from the accounts file, and the list
    is opened in Excel at the post office counter, where ``=HYPERLINK(…)`` must stay text.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "sequence",
            "tracking_number",
            "addressee",
            "address",
            "postage",
            "fee",
            "total",
            "currency",
            "letter_id",
        ]
    )
    for item in mailing.items:
        writer.writerow(
            safe_row(
                [
                    item.sequence,
                    item.tracking_number,
                    item.addressee,
                    " / ".join(item.address),
                    item.postage,
                    item.fee,
                    item.total,
                    mailing.currency,
                    item.letter_id,
                ]
            )
        )
    writer.writerow(
        safe_row(
            [
                "total",
                len(mailing.items),
                "",
                "",
                mailing.postage_total,
                mailing.fee_total,
                mailing.total,
                mailing.currency,
                "",
            ]
        )
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def mailing_html(mailing: MailingList, templates_root: Path) -> str:
    template = template_environment(templates_root).get_template(f"mailing/{mailing.carrier}.html")
    region = "GB" if mailing.carrier == "royal-mail" else None

    def money(amount: Decimal) -> str:
        return format_money(amount, mailing.currency, mailing.lang, region=region)

    context: dict[str, Any] = {
        "m": mailing,
        "money": money,
        "date": lambda d: format_date(d, mailing.lang, region=region),
    }
    return template.render(context)


def write_mailing_lists(
    lists: Sequence[MailingList],
    outdir: Path,
    templates_root: Path,
    writer: Any,
    *,
    batch_id: str = "",
    created: datetime | None = None,
) -> list[Path]:
    """PDF and CSV per list, written atomically next to the letters.

    Named by the batch (its id starts with the date), so two batches written into one folder on
    one day keep each their own list. ``created`` (SOURCE_DATE_EPOCH) makes the PDF reproducible.
    """
    paths: list[Path] = []
    for mailing in lists:
        stem = f"mailing_{mailing.carrier}_{mailing.sender_id}_{batch_id or f'{mailing.mailing_date:%Y%m%d}'}"
        html = mailing_html(mailing, templates_root)
        fields = {"addressee": " ".join(i.addressee for i in mailing.items)}
        pdf = writer.write_document(
            html,
            ("mailing/mailing.css",),
            lang=mailing.lang,
            name=f"mailing list {stem}",
            fields=fields,
            created=created,
        )
        pdf_path = inside(outdir, stem + ".pdf")
        atomic_write(pdf_path, pdf.data)
        csv_path = inside(outdir, stem + ".csv")
        atomic_write(csv_path, mailing_csv(mailing))
        paths += [pdf_path, csv_path]
    return paths
