"""A redaction request (evidence/bundle/redact.py) → the mailing list re-rendered with other rows left out."""

from __future__ import annotations

import html
import re
from pathlib import Path

from letters.carriers.services import SERVICES
from letters.carriers.table import CARRIERS
from letters.compose.letterhead import find_letterhead
from letters.evidence.bundle.redact import RedactionRequest, blank_rows
from letters.pdf.writer import PdfWriter
from letters.post.mailing import MailingList, MailItem, mailing_html

_BODY = re.compile(r"<body[^>]*>")

# Lists archived before services were named in the file name were on these services' forms.
LEGACY_SERVICE = {
    "japan-post": "jp-ippan-kakitome",
    "china-post": "cn-guahao",
    "usps": "us-certified",
    "royal-mail": "uk-signed-for",
}


def render_redacted(request: RedactionRequest, *, templates_root: Path, letterheads_root: Path) -> bytes:
    """The list as ``write_mailing_lists`` drew it, same template and sender, with only the kept rows."""
    lang, _currency = CARRIERS[request.carrier]
    sender = find_letterhead(request.sender_id, letterheads_root)
    text = sender.texts.get(lang) or next(iter(sender.texts.values()))
    rows = blank_rows(request.rows, request.keep, request.placeholder)
    items = tuple(
        MailItem(r.sequence, r.tracking_number, r.addressee, r.address, r.postage, r.fee, r.letter_id)
        for r in rows
    )
    mailing = MailingList(
        request.carrier,
        SERVICES.get(request.service) or SERVICES[LEGACY_SERVICE[request.carrier]],
        lang,
        request.currency,
        request.mailing_date,
        request.sender_id,
        text.name,
        text.address,
        items,
    )
    page = mailing_html(mailing, templates_root)
    note = f'<p class="note redacted-copy"><strong>{html.escape(request.note)}</strong></p>'
    match = _BODY.search(page)
    page = page[: match.end()] + note + page[match.end() :] if match else note + page
    writer = PdfWriter(templates_root, letterheads_root)
    pdf = writer.write_document(
        page,
        ("mailing/mailing.css",),
        lang=lang,
        name=f"redacted mailing list {request.carrier} {request.mailing_date:%Y%m%d}",
        fields={"addressee": " ".join(i.addressee for i in items)},
        created=request.created,
    )
    return pdf.data
