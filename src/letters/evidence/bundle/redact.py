"""An archived mailing list (its CSV) → a request for a redacted copy listing only one account's rows.

A carrier's list (差出票, 交寄清单, PS 3877) names every addressee of a batch. A bundle for one debtor
must not show the others, and covering them with a box is not enough: the text stays in the page
and `pdftotext` finds it. So the bundle does not edit the archived PDF: it re-renders the list, with
the same template, from the list's archived CSV (verified against the bag first), with every other
row's number, name and address left out. The archived original is untouched and still verifies
(`letters verify`); the digest page gives its SHA-256 beside that of the redacted copy.

Rendering a mailing list is the post stage's job, above this one, so the bundle is handed a
``RedactMailing`` function (the CLI passes ``letters.post.redacted.render_redacted``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from letters.carriers.table import CARRIERS
from letters.errors import RenderError
from letters.evidence.archive import ArchiveError
from letters.evidence.bundle.sources import MailingPages, listing_pages
from letters.evidence.ledger import LetterRecord


@dataclass(frozen=True)
class ListRow:
    """One row of an archived mailing list, as its CSV gives it."""

    sequence: int
    tracking_number: str
    addressee: str
    address: tuple[str, ...]
    postage: Decimal
    fee: Decimal
    letter_id: str


@dataclass(frozen=True)
class RedactionRequest:
    """What the post stage needs to re-render one list with only ``keep``'s rows readable."""

    carrier: str
    sender_id: str
    mailing_date: date
    currency: str
    rows: tuple[ListRow, ...]
    keep: frozenset[str]  # letter ids whose rows stay
    placeholder: str  # printed instead of another addressee's name
    note: str  # printed above the list: what this copy is and where the original is
    created: datetime  # fixed, so that the same bag gives the same redacted bytes
    service: str = ""  # the list's mail service key; "" for lists named before services were


RedactMailing = Callable[[RedactionRequest], bytes]

PLACEHOLDER = {
    "ja": "（他の受取人：秘匿）",
    "zh": "（其他收件人：已隐去）",
    "en": "[other addressee: redacted]",
}

NOTE = {
    "ja": "秘匿版：他の受取人の番号・氏名・住所を除いて再作成したものです。原本 {file}（SHA-256 {sha256}）は"
    "バッチ {batch} の保管記録にあり、裁判所の命令により提出します。",
    "zh": "隐去版：已删除其他收件人的单号、姓名和地址后重新生成。原件 {file}（SHA-256 {sha256}）保存在批次 "
    "{batch} 的存档中，可依法院命令提交。",
    "en": "Redacted copy: re-rendered without the other addressees' numbers, names and addresses. The "
    "original {file} (SHA-256 {sha256}) is kept in the archive of batch {batch} and is produced under court "
    "order.",
}

# Words for the digest page's table of redacted pages, in the bundle's language.
LABELS = {
    "en": {
        "title": "Redacted pages",
        "intro": (
            "These mailing-list pages show only this account's rows; the other addressees were left out "
            "when the copy was made from the archived list (nothing is covered: the text is not in the "
            "page). The archived original is unchanged: `letters verify ARCHIVE` or `sha256sum` proves it "
            "against the SHA-256 below, and it is produced in full only under court order (a protective "
            "order), from the batch's BagIt archive."
        ),
        "original": "Original (archived)",
        "redacted": "Redacted copy",
        "page": "page {page}",
        "suffix": "redacted: this account's rows only",
    },
    "ja": {
        "title": "秘匿処理をした頁",
        "intro": (
            "以下の差出票の頁は本件口座の行のみを表示しています。他の受取人の行は保管記録の差出票から写しを"
            "作成する際に除いており（塗りつぶしではなく、文字自体が頁にありません）、原本は変更されていません。"
            "原本は `letters verify` または `sha256sum` により下記SHA-256と照合でき、裁判所の命令がある場合に"
            "限り、バッチのBagIt保管記録から全体を提出します。"
        ),
        "original": "原本（保管記録）",
        "redacted": "秘匿版",
        "page": "{page}頁",
        "suffix": "秘匿版：本件の行のみ",
    },
    "zh": {
        "title": "已隐去信息的页面",
        "intro": (
            "以下交寄清单页面仅显示本账户的行；其他收件人的行在根据存档清单生成副本时已删除（并非遮盖，页面中"
            "不含其文字）。存档原件未作改动：可用 `letters verify` 或 `sha256sum` 与下列SHA-256核对，仅在法院"
            "命令时从该批次的BagIt存档中完整提交。"
        ),
        "original": "原件（存档）",
        "redacted": "隐去版",
        "page": "第{page}页",
        "suffix": "隐去版：仅本账户的行",
    },
}


@dataclass(frozen=True)
class RedactedPage:
    """One redacted page as the digest page lists it."""

    number: int  # the bundle document it belongs to
    page: int  # 1-based, in that document
    original_file: str
    original_pages: str  # the pages of the original that list the account, "2" or "1, 2"
    original_sha256: str
    redacted_sha256: str


def read_list_rows(data: bytes, path: Path) -> tuple[tuple[ListRow, ...], str]:
    """The item rows and currency of a mailing list CSV written by ``post.mailing.mailing_csv``."""
    currency = ""
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        rows = []
        for row in reader:
            currency = currency or row["currency"]
            if row["sequence"] == "total":
                continue
            rows.append(
                ListRow(
                    int(row["sequence"]),
                    _cell(row["tracking_number"]),
                    _cell(row["addressee"]),
                    tuple(_cell(row["address"]).split(" / ")),
                    Decimal(row["postage"]),
                    Decimal(row["fee"]),
                    _cell(row["letter_id"]),
                )
            )
    except (UnicodeDecodeError, KeyError, ValueError, InvalidOperation, csv.Error) as exc:
        raise ArchiveError(f"{path}: not a mailing list CSV letters wrote ({exc})") from None
    if not rows:
        raise ArchiveError(f"{path}: the mailing list CSV has no rows")
    return tuple(rows), currency


def _cell(value: str) -> str:
    # mailing_csv (spreadsheet.safe_cell) put an apostrophe before text Excel would read as a formula.
    return value[1:] if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def blank_rows(rows: tuple[ListRow, ...], keep: frozenset[str], placeholder: str) -> tuple[ListRow, ...]:
    """Rows of other letters keep their sequence and postage (the totals still add up) and lose the rest."""
    return tuple(
        row if row.letter_id in keep else ListRow(row.sequence, "", placeholder, (), row.postage, row.fee, "")
        for row in rows
    )


@dataclass(frozen=True)
class ShownList:
    """What of one mailing list goes into a bundle: the archived pages, or a redacted copy's."""

    pdf: bytes
    pages: tuple[int, ...]  # 0-based, of ``pdf``
    sha256: str
    label: str  # the file as the digest page names it
    suffix: str  # added to the document's title
    redacted: tuple[RedactedPage, ...]


def shown_list(
    listing: MailingPages,
    number: int,
    label: str,
    lang: str,
    letters: Sequence[LetterRecord],
    redact_mailing: RedactMailing,
) -> ShownList:
    """The account's rows of a list: the archived pages when it names no one else, else a redacted copy."""
    listed = set(listing.tracking_numbers)
    keep = frozenset(r.letter_id for r in letters if r.tracking_number in listed)
    copy = redacted_copy(listing, keep, label, redact_mailing)
    if copy is None:
        return ShownList(listing.pdf, listing.pages, listing.sha256, label, "", ())
    pdf, pages = copy
    digest = hashlib.sha256(pdf).hexdigest()
    original = ", ".join(str(p + 1) for p in listing.pages)
    redacted = tuple(
        RedactedPage(number, page, label, original, listing.sha256, digest)
        for page in range(1, len(pages) + 1)
    )
    words = LABELS[lang]
    return ShownList(pdf, pages, digest, f"{label} → {words['redacted']}", f" ({words['suffix']})", redacted)


def redacted_copy(
    listing: MailingPages, keep: frozenset[str], label: str, redact_mailing: RedactMailing
) -> tuple[bytes, tuple[int, ...]] | None:
    """The list re-rendered with only ``keep``'s rows, and its pages that show them; None when the
    list names no one else."""
    rows, currency = read_list_rows(listing.csv, listing.path.with_suffix(".csv"))
    if all(row.letter_id in keep for row in rows):
        return None
    lang = CARRIERS[listing.carrier][0]
    request = RedactionRequest(
        carrier=listing.carrier,
        sender_id=listing.sender_id,
        mailing_date=listing.mailing_date,
        currency=currency,
        rows=rows,
        keep=keep,
        placeholder=PLACEHOLDER[lang],
        note=NOTE[lang].format(file=label, sha256=listing.sha256, batch=listing.batch_id),
        created=datetime.combine(listing.mailing_date, time(0), UTC),
        service=listing.service,
    )
    pdf = redact_mailing(request)
    hits = listing_pages(pdf, sorted(listing.tracking_numbers))
    if set(hits) != set(listing.tracking_numbers):
        raise RenderError(f"{label}: the redacted copy does not show tracking number(s) of this account")
    return pdf, tuple(sorted({page for found in hits.values() for page in found}))
