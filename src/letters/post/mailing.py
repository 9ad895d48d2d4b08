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

from letters.carriers.rates import DEFAULT_RATES, RateTable, letter_weight_g, rate_for
from letters.carriers.services import SERVICES, MailService
from letters.carriers.table import CARRIERS
from letters.compose.addressing import address_lines, recipient_lines
from letters.compose.locale import format_date, format_money
from letters.compose.render_html import Letter
from letters.compose.templates import template_environment
from letters.errors import ConfigError, RenderError
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
    weight_g: int = 0

    @property
    def total(self) -> Decimal:
        return self.postage + self.fee


@dataclass(frozen=True)
class MailingList:
    carrier: str
    service: MailService
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
    letters: Sequence[Letter],
    mailing_date: date,
    rates: Mapping[str, RateTable] | None = None,
    pages: Mapping[str, int] | None = None,
) -> list[MailingList]:
    """One list per carrier, service and sender, items in the letters' print order, each charged its
    service's postage and fee for its weight step (`pages` per letter id; 1 when not given)."""
    table = dict(DEFAULT_RATES) | dict(rates or {})
    groups: dict[tuple[str, str], list[Letter]] = {}
    for letter in letters:
        if not letter.tracking_number:
            continue
        if letter.mail_service not in SERVICES:
            raise ConfigError(f"letter {letter.id}: its tracking number has no mail service")
        groups.setdefault((letter.mail_service, letter.sender.id), []).append(letter)
    lists: list[MailingList] = []
    for (key, _), group in groups.items():
        service = SERVICES[key]
        lang, currency = CARRIERS[service.carrier]
        if key not in table:
            raise ConfigError(f"no rates set for {key}; add [rates.{key}] to the policy")
        sender = group[0].sender
        text = sender.texts.get(lang) or next(iter(sender.texts.values()))
        items: list[MailItem] = []
        for letter in sorted(group, key=lambda lt: lt.sequence):
            # Every page counted as a sheet (single-sided): a letter is never charged too little.
            weight = letter_weight_g((pages or {}).get(letter.id, 1), sender.paper)
            rate = rate_for(key, weight, table)
            if rate is None:
                raise ConfigError(
                    f"letter {letter.id}: {weight} g is above the heaviest {key} step in the rate table; "
                    f"add a step to [rates.{key}]"
                )
            items.append(
                MailItem(
                    sequence=letter.sequence,
                    tracking_number=letter.tracking_number,
                    addressee=" ".join(
                        recipient_lines(letter.account, lang if lang in sender.texts else "en")
                    ),
                    address=tuple(address_lines(letter.account.address, lang, sender.country)),
                    postage=rate.postage,
                    fee=rate.fee,
                    letter_id=letter.id,
                    weight_g=weight,
                )
            )
        lists.append(
            MailingList(
                service.carrier,
                service,
                lang,
                currency,
                mailing_date,
                sender.id,
                text.name,
                text.address,
                tuple(items),
            )
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


@dataclass(frozen=True)
class MailPage:
    """One sheet of a mailing list: its rows and their subtotals."""

    number: int
    items: tuple[MailItem, ...]
    last: bool

    @property
    def postage(self) -> Decimal:
        return sum((i.postage for i in self.items), Decimal(0))

    @property
    def fee(self) -> Decimal:
        return sum((i.fee for i in self.items), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.postage + self.fee


# Rows tried on one landscape sheet first; fewer when a sheet would spill (long addresses wrap).
MAX_ROWS = 16


def paginate(items: Sequence[MailItem], rows: int) -> list[MailPage]:
    """The items in sheets of `rows` (at least one sheet, even for no items)."""
    chunks = [tuple(items[i : i + rows]) for i in range(0, len(items), rows)] or [()]
    return [MailPage(n, chunk, n == len(chunks)) for n, chunk in enumerate(chunks, start=1)]


def mailing_html(mailing: MailingList, templates_root: Path, rows: int = MAX_ROWS) -> str:
    """The list as the carrier's form, `rows` items a sheet."""
    template = template_environment(templates_root).get_template(f"mailing/{mailing.carrier}.html")
    region = "GB" if mailing.carrier == "royal-mail" else None

    def money(amount: Decimal) -> str:
        return format_money(amount, mailing.currency, mailing.lang, region=region)

    context: dict[str, Any] = {
        "m": mailing,
        "pages": paginate(mailing.items, rows),
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

    Named by the batch (its id starts with the date) and the service, so two batches written into
    one folder on one day keep each their own list. ``created`` (SOURCE_DATE_EPOCH) makes the PDF
    reproducible. The PDF is laid out with as many rows a sheet as fit: when a sheet spills onto a
    second page (the laid-out page count exceeds the sheets), it is laid out again with one row fewer
    a sheet, so every page keeps its header row, its subtotal and, on the last, the total and
    signatures.
    """
    paths: list[Path] = []
    for mailing in lists:
        batch = batch_id or f"{mailing.mailing_date:%Y%m%d}"
        stem = f"mailing_{mailing.carrier}_{mailing.service.key}_{mailing.sender_id}_{batch}"
        fields = {"addressee": " ".join(i.addressee for i in mailing.items)}
        for rows in range(MAX_ROWS, 0, -1):
            html = mailing_html(mailing, templates_root, rows)
            pdf = writer.write_document(
                html,
                ("mailing/mailing.css",),
                lang=mailing.lang,
                name=f"mailing list {stem}",
                fields=fields,
                created=created,
            )
            if pdf.pages == len(paginate(mailing.items, rows)):
                break
        else:
            raise RenderError(f"mailing list {stem}: one item does not fit on a sheet")
        pdf_path = inside(outdir, stem + ".pdf")
        atomic_write(pdf_path, pdf.data)
        csv_path = inside(outdir, stem + ".csv")
        atomic_write(csv_path, mailing_csv(mailing))
        paths += [pdf_path, csv_path]
    return paths
