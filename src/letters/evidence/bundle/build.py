"""An account's letters, mailing lists, deliveries and supplied PDFs → one evidence bundle PDF (pypdf)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from letters.carriers.numbers import parse_tracking
from letters.compose.letterhead import Letterhead, find_letterhead
from letters.compose.locale import format_date
from letters.errors import ConfigError, RenderError
from letters.evidence.archive import now_utc
from letters.evidence.bundle.assemble import (
    Part,
    assemble,
    count_pages,
    finish,
    link_index,
    page_boxes,
    stamp_pages,
)
from letters.evidence.bundle.certification import TITLE as CERTIFICATION_TITLE
from letters.evidence.bundle.certification import Certification, certified_document
from letters.evidence.bundle.labels import (
    DEFAULT_BATES_PREFIX,
    bates,
    carrier_label,
    check_bates_prefix,
    check_language,
    event_label,
    kind_label,
    labels,
)
from letters.evidence.bundle.pages import (
    BundlePages,
    ChainRow,
    Cover,
    DeliveryLine,
    DigestRow,
    IndexRow,
    Party,
    Stamp,
    TimelineEntry,
)
from letters.evidence.bundle.redact import LABELS as REDACTION_LABELS
from letters.evidence.bundle.redact import RedactedPage, RedactMailing, shown_list
from letters.evidence.bundle.sources import AccountEvidence, Supplied, collect_evidence, read_supplied
from letters.evidence.ledger import Ledger
from letters.files import atomic_write, private_dir
from letters.pdf.writer import PdfResult


@dataclass(frozen=True)
class BundleDocument:
    """One document of the bundle, as its index lists it (pages are the bundle's, from 1)."""

    number: int
    kind: str  # letter, mailing-list, deliveries, timeline, supplied, digests
    title: str
    day: date | None
    first_page: int
    page_count: int
    bates_first: str
    bates_last: str
    source: Path | None  # the archived or supplied file its pages come from
    sha256: str | None  # of that file; None for pages the bundle generates

    @property
    def bookmark(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class BundleResult:
    path: Path
    account_id: str
    lang: str
    pages: int
    cover_pages: int
    index_pages: int  # the index starts on page cover_pages + 1
    documents: tuple[BundleDocument, ...]
    bates_first: str
    bates_last: str


@dataclass(frozen=True)
class _Body:
    """A document before the bundle is laid out: which pages of which PDF, and where they came from."""

    number: int
    kind: str
    title: str
    day: date | None
    pdf: bytes
    pages: tuple[int, ...]
    source: Path | None
    sha256: str | None
    label: str  # the file as the digest page names it


def build_bundle(
    account_id: str,
    *,
    extras: Sequence[Path],
    output: Path,
    archive_dirs: Sequence[Path],
    ledger: Ledger,
    lang: str | None,
    bates_prefix: str = DEFAULT_BATES_PREFIX,
    case_title: str | None = None,
    prepared_by: str | None = None,
    templates_root: Path,
    letterheads_root: Path,
    redact_mailing: RedactMailing,
    bundle_date: date | None = None,
    certification: Certification | None = None,
    sign: Callable[[bytes, str], bytes] | None = None,
) -> BundleResult:
    """Collect and verify the account's evidence, lay it out, link, bookmark and stamp it, write it.

    ``lang`` None: the language of the account's latest letter.  Every letter and mailing list is
    checked against the ledger and its bag first; a changed file stops the bundle, naming the file.
    """
    from letters.pdf.fonts import check_environment

    check_environment()
    prefix = check_bates_prefix(bates_prefix)
    _refuse_overwriting_input(output, extras, archive_dirs)
    evidence = collect_evidence(account_id, ledger, archive_dirs)
    lang = check_language(lang or evidence.letters[-1].record.lang)
    supplied = [read_supplied(path) for path in extras]
    pages = BundlePages(templates_root, letterheads_root, lang, now_utc())
    body = _body_documents(evidence, supplied, pages, lang, redact_mailing)
    if certification is not None:
        body.append(_certification(pages, certification, body, evidence))
    cover = _cover(evidence, lang, case_title, prepared_by, bundle_date or date.today(), letterheads_root)
    cover_pdf, index_pdf, placed = _front_matter(pages, cover, body, prefix, lang)
    t = labels(lang)
    parts = [
        Part(cover_pdf.data, tuple(range(cover_pdf.pages)), t["cover"]),
        Part(index_pdf.data, tuple(range(index_pdf.pages)), t["index"]),
        *(Part(b.pdf, b.pages, d.bookmark) for b, d in zip(body, placed, strict=True)),
    ]
    writer, firsts = assemble(parts)
    if firsts[2:] != [d.first_page - 1 for d in placed]:
        raise RenderError("bundle: the documents did not land on the pages the index gives")
    index_pages = range(cover_pdf.pages, cover_pdf.pages + index_pdf.pages)
    linked = link_index(writer, index_pages, {d.number: d.first_page - 1 for d in placed})
    unlinked = sorted({d.number for d in placed} - linked)
    if unlinked:
        raise RenderError(f"bundle index: no link for document(s) {', '.join(map(str, unlinked))}")
    total = len(writer.pages)
    boxes = page_boxes(writer)
    stamps = [
        Stamp(box.width, box.height, t["page_label"].format(n=n, total=total), bates(prefix, n))
        for n, box in enumerate(boxes, start=1)
    ]
    stamp_pages(writer, pages.stamps(stamps).data, boxes)
    data = finish(
        writer,
        title=cover.case_title,
        author=cover.prepared_by,
        subject=f"{t['bundle']}: {t['account']} {account_id}",
        lang=lang,
    )
    if sign is not None:  # last: a signature covers every byte before it, stamps and links included
        data = sign(data, str(output))
    private_dir(output.parent)
    atomic_write(output, data)
    return BundleResult(
        output,
        account_id,
        lang,
        total,
        cover_pdf.pages,
        index_pdf.pages,
        tuple(placed),
        bates(prefix, 1),
        bates(prefix, total),
    )


def _refuse_overwriting_input(output: Path, extras: Sequence[Path], archive_dirs: Sequence[Path]) -> None:
    target = output.resolve()
    for extra in extras:
        if extra.resolve() == target:
            raise ConfigError(f"{output}: the bundle would overwrite a document it includes")
    for root in archive_dirs:
        if target.is_relative_to(root.resolve()):
            # A file added to a bag makes it fail verification ("added after archiving").
            raise ConfigError(f"{output}: the bundle may not be written inside the archive folder {root}")


def _display(number: str) -> str:
    try:
        return parse_tracking(number).display
    except ValueError:
        return number


def _body_documents(
    evidence: AccountEvidence,
    supplied: Sequence[Supplied],
    pages: BundlePages,
    lang: str,
    redact_mailing: RedactMailing,
) -> list[_Body]:
    """Letters, mailing-list pages, delivery table, timeline, supplied PDFs and digests, numbered."""
    t = labels(lang)
    body: list[_Body] = []
    letter_numbers: dict[str, int] = {}
    for letter in evidence.letters:
        record = letter.record
        number = len(body) + 1
        letter_numbers[record.letter_id] = number
        kind = kind_label(record.kind, lang)
        title = (
            t["letter_registered"].format(
                kind=kind, letter_id=record.letter_id, tracking=_display(record.tracking_number)
            )
            if record.tracking_number
            else t["letter"].format(kind=kind, letter_id=record.letter_id)
        )
        count = count_pages(letter.pdf, str(letter.path))
        body.append(
            _Body(
                number,
                "letter",
                title,
                date.fromisoformat(record.letter_date),
                letter.pdf,
                tuple(range(count)),
                letter.path,
                record.pdf_sha256,
                f"{letter.path.parent.parent.parent.name}/data/letters/{letter.path.name}",
            )
        )
    mailing_numbers: dict[str, int] = {}
    redacted: list[RedactedPage] = []
    for listing in evidence.mailing:
        number = len(body) + 1
        for tracking in listing.tracking_numbers:
            mailing_numbers[tracking] = number
        carrier = carrier_label(listing.carrier, lang)
        day = format_date(listing.mailing_date, lang)
        if len(listing.pages) == listing.total_pages:
            title = t["mailing"].format(carrier=carrier, date=day)
        else:
            shown = ", ".join(str(p + 1) for p in listing.pages)
            title = t["mailing_pages"].format(
                carrier=carrier, date=day, pages=shown, total=listing.total_pages
            )
        label = f"{listing.path.parent.parent.parent.name}/data/batch/{listing.path.name}"
        kept = shown_list(listing, number, label, lang, [r.record for r in evidence.letters], redact_mailing)
        redacted += kept.redacted
        body.append(
            _Body(
                number,
                "mailing-list",
                title + kept.suffix,
                listing.mailing_date,
                kept.pdf,
                kept.pages,
                listing.path,
                kept.sha256,
                kept.label,
            )
        )
    deliveries_number = len(body) + 1
    timeline_number = deliveries_number + 1
    lines = [
        DeliveryLine(
            format_date(row.event_date, lang),
            _display(row.tracking_number),
            row.letter_id,
            event_label(row.event, lang),
            row.note,
            row.source,
            t["see"].format(n=letter_numbers[row.letter_id]),
        )
        for row in evidence.deliveries
    ]
    mailed = any(letter.record.tracking_number for letter in evidence.letters)
    rendered = pages.deliveries(lines, mailed)
    body.append(_generated(deliveries_number, "deliveries", t["deliveries"], None, rendered.data))
    rendered = pages.timeline(_timeline(evidence, lang, letter_numbers, mailing_numbers, deliveries_number))
    body.append(_generated(timeline_number, "timeline", t["timeline"], None, rendered.data))
    for item in supplied:
        body.append(
            _Body(
                len(body) + 1,
                "supplied",
                t["extra"].format(name=item.path.name),
                None,
                item.pdf,
                tuple(range(item.pages)),
                item.path,
                item.sha256,
                item.path.name,
            )
        )
    rows = [
        DigestRow(b.number, b.title, b.label if b.source else "", b.sha256 if b.source else None)
        for b in body
    ]
    chain = [ChainRow(b.batch_id, b.seq, b.hash) for b in evidence.batches]
    rendered = pages.digest(rows, chain, redacted, REDACTION_LABELS[lang])
    body.append(_generated(len(body) + 1, "digests", t["digest"], None, rendered.data))
    return body


def _certification(
    pages: BundlePages, certification: Certification, body: Sequence[_Body], evidence: AccountEvidence
) -> _Body:
    """The FRE 902(14) certification, after the digests: the bundle's documents that have a file."""
    rows = [certified_document(b.number, b.kind, b.title, b.label, b.sha256) for b in body if b.sha256]
    chain = [ChainRow(b.batch_id, b.seq, b.hash) for b in evidence.batches]
    rendered = pages.certification(certification, rows, chain, evidence.account_id, CERTIFICATION_TITLE)
    return _generated(len(body) + 1, "certification", CERTIFICATION_TITLE, None, rendered.data)


def _generated(number: int, kind: str, title: str, day: date | None, pdf: bytes) -> _Body:
    return _Body(number, kind, title, day, pdf, tuple(range(count_pages(pdf, title))), None, None, "")


def _timeline(
    evidence: AccountEvidence,
    lang: str,
    letter_numbers: dict[str, int],
    mailing_numbers: dict[str, int],
    deliveries_number: int,
) -> list[TimelineEntry]:
    """What happened, by date: letters written, handed to the post, delivery events."""
    t = labels(lang)
    events: list[tuple[date, int, str, int]] = []
    for letter in evidence.letters:
        record = letter.record
        day = date.fromisoformat(record.letter_date)
        kind = kind_label(record.kind, lang)
        events.append(
            (
                day,
                0,
                t["sent"].format(kind=kind, letter_id=record.letter_id),
                letter_numbers[record.letter_id],
            )
        )
    for listing in evidence.mailing:
        carrier = carrier_label(listing.carrier, lang)
        for number in listing.tracking_numbers:
            text = t["handed"].format(carrier=carrier, tracking=_display(number))
            events.append((listing.mailing_date, 1, text, mailing_numbers[number]))
    for row in evidence.deliveries:
        text = t["event_entry"].format(
            event=event_label(row.event, lang), tracking=_display(row.tracking_number)
        )
        if row.note:
            text += f" — {row.note}"
        events.append((row.event_date, 2, text, deliveries_number))
    for override in evidence.overrides:
        if override.letter_id in letter_numbers:
            text = t["override"].format(
                letter_id=override.letter_id,
                holds=override.holds,
                operator=override.operator,
                why=override.why,
            )
            events.append((override.recorded_at.date(), 0, text, letter_numbers[override.letter_id]))
    ordered = sorted(enumerate(events), key=lambda item: (item[1][0], item[1][1], item[0]))
    return [
        TimelineEntry(format_date(day, lang), text, t["see"].format(n=see))
        for _, (day, _, text, see) in ordered
    ]


def _cover(
    evidence: AccountEvidence,
    lang: str,
    case_title: str | None,
    prepared_by: str | None,
    day: date,
    letterheads_root: Path,
) -> Cover:
    """Cover facts: the parties come from the letterheads the letters were sent on and the letters' data."""
    t = labels(lang)
    heads: dict[str, Letterhead] = {}

    def name(letterhead_id: str, letter_lang: str) -> str:
        if letterhead_id not in heads:
            heads[letterhead_id] = find_letterhead(letterhead_id, letterheads_root)
        head = heads[letterhead_id]
        text = head.texts.get(lang) or head.text(letter_lang)
        return text.name

    creditors: list[str] = []
    counsel: list[str] = []
    for letter in evidence.letters:
        sender = letter.data["sender"]["id"]
        client = (letter.data.get("client") or {}).get("id")
        letter_lang = letter.record.lang
        if client:
            creditors.append(name(client, letter_lang))
            counsel.append(name(sender, letter_lang))
        else:
            creditors.append(name(sender, letter_lang))
    latest = evidence.letters[-1].data["account"]
    debtor = str(latest["debtor_name"])
    parties = [Party(t["creditor"], n) for n in dict.fromkeys(creditors)]
    if latest.get("creditor"):
        parties.append(Party(t["original_creditor"], str(latest["creditor"])))
    parties += [Party(t["counsel"], n) for n in dict.fromkeys(counsel)]
    parties.append(Party(t["debtor"], debtor))
    title = case_title or t["versus"].format(creditor=parties[0].name, debtor=debtor)
    return Cover(
        case_title=title,
        parties=tuple(parties),
        account_id=evidence.account_id,
        date=format_date(day, lang),
        prepared_by=prepared_by or t["none"],
        contents="",
        bates_first="",
        bates_last="",
    )


def _front_matter(
    pages: BundlePages, cover: Cover, body: Sequence[_Body], prefix: str, lang: str
) -> tuple[PdfResult, PdfResult, list[BundleDocument]]:
    """Cover and index, whose page numbers depend on how many pages they take themselves: render with
    a guess, re-render until the page counts they were laid out with are the ones they have."""
    t = labels(lang)
    guess = (1, 1)
    for _ in range(5):
        placed = _place(body, guess[0] + guess[1] + 1, prefix)
        total = guess[0] + guess[1] + sum(d.page_count for d in placed)
        cover_pdf = pages.cover(
            replace(
                cover,
                contents=t["contents_value"].format(documents=len(placed), pages=total),
                bates_first=bates(prefix, 1),
                bates_last=bates(prefix, total),
            )
        )
        index_pdf = pages.index(
            [
                IndexRow(
                    d.number,
                    format_date(d.day, lang) if d.day else t["none"],
                    d.title,
                    d.first_page,
                    d.page_count,
                    d.bates_first,
                    d.bates_last,
                )
                for d in placed
            ]
        )
        if (cover_pdf.pages, index_pdf.pages) == guess:
            return cover_pdf, index_pdf, placed
        guess = (cover_pdf.pages, index_pdf.pages)
    raise RenderError("bundle index: its page count did not settle after 5 renderings")


def _place(body: Sequence[_Body], first_page: int, prefix: str) -> list[BundleDocument]:
    placed = []
    page = first_page
    for b in body:
        count = len(b.pages)
        placed.append(
            BundleDocument(
                b.number,
                b.kind,
                b.title,
                b.day,
                page,
                count,
                bates(prefix, page),
                bates(prefix, page + count - 1),
                b.source,
                b.sha256,
            )
        )
        page += count
    return placed
