"""Pages a bundle adds (cover, index, deliveries, timeline, digests, stamps): plain values → HTML → PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from letters.compose.templates import template_environment
from letters.errors import TemplateError
from letters.evidence.bundle.labels import labels
from letters.pdf.writer import PdfResult, PdfWriter

# Index rows link to this made-up URI scheme; assembling the bundle swaps each such link for a
# jump to the document's first page (WeasyPrint can only link inside one HTML document, but it
# does work out where each link sits on the page).
INDEX_LINK = "letters-bundle:document/"


@dataclass(frozen=True)
class Party:
    role: str
    name: str


@dataclass(frozen=True)
class Cover:
    case_title: str
    parties: tuple[Party, ...]
    account_id: str
    date: str
    prepared_by: str
    contents: str
    bates_first: str
    bates_last: str


@dataclass(frozen=True)
class IndexRow:
    number: int
    date: str
    title: str
    first_page: int
    page_count: int
    bates_first: str
    bates_last: str


@dataclass(frozen=True)
class DeliveryLine:
    date: str
    tracking_number: str
    letter: str
    event: str
    note: str
    source: str
    see: str  # "(see No. 1)": where the letter is in the bundle


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    text: str
    see: str  # "(see No. 3)": the document that shows it


@dataclass(frozen=True)
class DigestRow:
    number: int
    title: str
    file: str
    sha256: str | None  # None: a page the bundle generated


@dataclass(frozen=True)
class ChainRow:
    batch_id: str
    seq: int
    hash: str


@dataclass(frozen=True)
class Stamp:
    """What is printed on one bundle page, and that page's size in points."""

    width: float
    height: float
    page_label: str
    bates: str


class BundlePages:
    """Renders the bundle's own pages in one language with one WeasyPrint writer."""

    def __init__(self, templates_root: Path, letterheads_root: Path, lang: str, created: datetime) -> None:
        self.templates_root = templates_root
        self.lang = lang
        self.created = created
        self.labels = labels(lang)
        self.writer = PdfWriter(templates_root, letterheads_root)

    def cover(self, cover: Cover) -> PdfResult:
        fields = {"case_title": cover.case_title, "prepared_by": cover.prepared_by}
        fields.update({f"party {p.role}": p.name for p in cover.parties})
        return self._render("cover", fields, cover=cover)

    def index(self, rows: Sequence[IndexRow]) -> PdfResult:
        return self._render("index", {"document": " ".join(r.title for r in rows)}, rows=rows)

    def deliveries(self, lines: Sequence[DeliveryLine], mailed: bool) -> PdfResult:
        fields = {"note": " ".join(line.note for line in lines)}
        return self._render("deliveries", fields, lines=lines, mailed=mailed)

    def timeline(self, entries: Sequence[TimelineEntry]) -> PdfResult:
        return self._render("timeline", {"entry": " ".join(e.text for e in entries)}, entries=entries)

    def digest(
        self,
        rows: Sequence[DigestRow],
        chain: Sequence[ChainRow],
        redacted: Sequence[Any] = (),
        redaction_labels: Mapping[str, str] | None = None,
    ) -> PdfResult:
        fields = {"document": " ".join(r.title + " " + r.file for r in rows)}
        return self._render(
            "digest", fields, rows=rows, chain=chain, redacted=redacted, r=redaction_labels or {}
        )

    def certification(
        self, certification: Any, rows: Sequence[Any], chain: Sequence[ChainRow], account: str, title: str
    ) -> PdfResult:
        """The FRE 902(14) certification page (bundle/certification.py says what it states and why)."""
        fields = {
            "name": certification.name,
            "title": certification.title,
            "organization": certification.organization,
            "document": " ".join(r.title for r in rows),
        }
        return self._render(
            "certification", fields, c=certification, rows=rows, chain=chain, account=account, title=title
        )

    def stamps(self, stamps: Sequence[Stamp]) -> PdfResult:
        """One transparent page per bundle page, of the same size, with its page and Bates numbers."""
        fields = {"page": " ".join(s.page_label for s in stamps)}
        return self._render("stamps", fields, stylesheet="bundle/stamps.css", stamps=stamps)

    def _render(
        self, name: str, fields: dict[str, str], stylesheet: str = "bundle/bundle.css", **context: Any
    ) -> PdfResult:
        template_name = f"bundle/{name}.html"
        try:
            template = template_environment(self.templates_root).get_template(template_name)
            html = template.render(lang=self.lang, t=self.labels, link=INDEX_LINK, **context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"no template {exc.name!r} under {self.templates_root}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{template_name}: {exc}") from None
        return self.writer.write_document(
            html,
            (stylesheet,),
            lang=self.lang,
            name=f"bundle {name} page",
            fields=fields,
            created=self.created,
        )
