"""A Japanese demand → the text and the three copies of a 内容証明 (content-certified mail).

The text is counted and laid out on the grid by naiyo_grid (its docstring has Japan Post's rules).

What the post office needs, and what the PDF holds (`build_document`, templates/ja/naiyo.html):

- three identical copies: 受取人送付用 (the 内容文書 mailed to the recipient), 差出人保管用 and
  郵便局保管用 (the two 謄本).  The PDF holds a cover sheet (差出しの手引き, not mailed: which PDF pages
  are which copy, how to join the sheets, how to mail) and then the document three times, each
  copy starting on a new sheet.  The copies carry no label, page number, logo, seal image or QR
  code: anything on the sheet is part of the certified text, and the copies must be identical;
- sheets of one copy are stapled and joined by the sender's seal across each join (契印): the
  cover says which (「1枚目と2枚目のつづり目に契印」);
- print single-sided: both sides of a sheet together may hold only one grid's worth;
- the text ends with the date, the sender's and the recipient's address and name (the envelope
  must repeat them exactly); the space below the grid on every sheet stays blank for the post
  office's certification stamp (郵便認証司の証明文).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from letters.compose.naiyo_doubts import CounterDoubt, counter_doubts
from letters.compose.naiyo_grid import (
    DEFAULT_GRID,
    Grid,
    Line,
    check_grid,
    count_chars,
    grid_name,
    layout_lines,
)
from letters.compose.render_html import Letter
from letters.errors import ConfigError, LettersError, RenderError, TemplateError

NAIYO_KINDS = ("demand", "lawyer")
NAIYO_STYLESHEETS = ("ja/naiyo.css",)
COPY_LABELS = ("受取人送付用（内容文書）", "差出人保管用（謄本）", "郵便局保管用（謄本）")


# ---------------------------------------------------------------------------------------------
# The text of a 催告書 / 通知書


def _fullwidth_number(n: int) -> str:
    return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(n))


def _center(text: str, width: int) -> str:
    return "　" * max(0, (width - count_chars(text)) // 2) + text


def _right(text: str, width: int) -> str:
    return "　" * max(0, width - count_chars(text)) + text


def _labelled(label: str, name: str, signatory: str, width: int) -> list[str]:
    """差出人　株式会社X / 　　　　代表取締役 Y: the name beside its label, the signatory under the name
    — each on a line of its own, where the grid is wide enough, so a name is not split."""
    indent = "　" * (count_chars(label) + 1)
    lines = [f"{label}　{name}"]
    if count_chars(lines[0]) > width:
        indent = "　" if count_chars(name) < width else ""
        lines = [label, indent + name]
    if signatory:
        lines.append(indent + signatory if count_chars(indent + signatory) <= width else signatory)
    return lines


def _lender_items(letter: Letter, amount: Any) -> list[tuple[str, str]]:
    """貸金業法21条2項's items for a 貸金業者's 内容証明 (compose/moneylender.py); a blank one refuses
    the letter, as compose/required/jp.py does for the letter itself."""
    from letters.compose.moneylender import lender_rows
    from letters.compose.required.jp import ELEMENTS

    rows = lender_rows(letter.account, letter.sender, letter.client, amount)
    blank = [e for e in ELEMENTS if e.key in rows and not rows[e.key].value.strip()]
    # jp.loan.date / jp.loan.due are not rows: the 記 always states 契約日 and 支払期日.
    if blank:
        named = "; ".join(f"{e.label} [{e.key}] ({e.source})" for e in blank)
        raise RenderError(f"letter {letter.id} (内容証明) lacks what it must contain: {named}")
    # 契約年月日 and 弁済期 (jp.loan.date / jp.loan.due) are the 記's 契約日 and 支払期日.
    return [(r.label, r.value) for r in rows.values() if r.key not in ("jp.loan.date", "jp.loan.due")]


def naiyo_text(letter: Letter, grid: Grid = DEFAULT_GRID) -> list[str]:
    """The plain-text paragraphs of a demand (催告書) or lawyer's letter (通知書) sent as 内容証明.

    Title, 前略 … 草々 (冠省 … 不一 from a lawyer), 記 with the amount, contract, dates and account,
    以上, the date, the sender's and the recipient's address and name.  ``grid`` only centres the
    title and 記 and right-aligns 敬具 and 以上.
    """
    from letters.compose.addressing import address_lines, recipient_lines
    from letters.compose.ja_greeting import greeting
    from letters.compose.locale import format_date, format_money

    planned = letter.planned
    if planned.kind not in NAIYO_KINDS:
        raise ConfigError(f"内容証明 is for {' and '.join(NAIYO_KINDS)} letters, not {planned.kind}")
    width = check_grid(grid)[0]
    account = planned.account

    def day(value: Any) -> str:
        return format_date(value, "ja", era=letter.era_dates)

    def amount(value: Decimal) -> str:
        if account.currency == "JPY":
            return format_money(value, "JPY", "ja", style="yen")
        return format_money(value, account.currency, "ja")

    you = "貴社" if account.debtor_type == "organisation" else "貴殿"
    sender = letter.sender.text("ja")
    payee = letter.client or letter.sender
    contract = f"{day(account.contract_date)}付で締結した契約（契約番号{account.contract_number}）"
    paragraphs: list[str]
    greet = greeting(planned.kind, account.debtor_type)  # 冠省…不一 / 前略…草々 (compose/ja_greeting.py)
    if planned.kind == "lawyer":
        if letter.client is None:
            raise ConfigError(f"letter {letter.id}: a lawyer's letter needs the client it is written for")
        client = letter.client.text("ja")
        paragraphs = [
            _center("通知書（催告書）", width),
            f"{greet.opening}当職は、{client.name}（以下「通知人」といいます。）の代理人として、{you}に対し、"
            "以下のとおり通知いたします。",
            f"　{you}は、通知人との間で{contract}に基づき、下記の金員を{day(account.due_date)}までに"
            "支払う義務を負っていますが、本日に至るまでその支払いがありません。",
            f"　つきましては、本書面をもって、下記の金員を{day(planned.pay_by)}までに下記の口座へ"
            "お支払いいただくよう催告いたします。",
            f"　上記期限までにお支払い又は当職へのご連絡がない場合、通知人は、{you}に対し、"
            "訴訟の提起を含む法的手続きをとる所存ですので、その旨申し添えます。",
            "　なお、本件に関するご連絡は、通知人ではなく当職宛てにお願いいたします。",
            _right(greet.closing, width),
        ]
    else:
        paragraphs = [
            _center("催　告　書", width),
            f"{greet.opening}{you}は、当社との間で{contract}に基づき、{day(account.period_start)}から"
            f"{day(account.period_end)}までのご利用分として、下記の金員を{day(account.due_date)}までに"
            "お支払いいただくべきところ、本日に至るまでお支払いがありません。",
            f"　つきましては、本書面をもって、下記の金員を{day(planned.pay_by)}までに下記の口座へ"
            "お振込みいただくよう催告いたします。",
            "　万一、上記期限までにお支払いがない場合には、誠に遺憾ながら法的手続きをとることを"
            "検討せざるを得ませんので、あらかじめご了承ください。",
            "　なお、本書と行き違いにお支払いいただいている場合は、ご容赦ください。",
            _right(greet.closing, width),
        ]
    interest = planned.interest
    rate = f"年{format(interest.rate.percent.normalize(), 'f')}％" if interest is not None else ""
    if interest is not None and interest.keeps_running:
        # Right after the demand to pay: interest runs on after the
        # letter, and the debtor must be told so.
        # (The demand opens with 前略 and the matter in one paragraph, the lawyer's letter with 冠省
        # and a paragraph of its own: find the demand to pay rather than count.)
        demand_at = next(i for i, p in enumerate(paragraphs) if p.startswith("　つきましては"))
        paragraphs.insert(
            demand_at + 1,
            f"　なお、完済に至るまで、残元金に対し{rate}の割合による遅延損害金が日々発生いたします。",
        )
    parts = [f"元本{amount(account.principal)}"]
    if account.interest:
        parts.append(f"利息・遅延損害金{amount(account.interest)}")
    if account.fees:
        parts.append(f"手数料{amount(account.fees)}")
    breakdown = ""
    if account.payments:
        gross = account.principal + account.interest + account.fees
        joined = "、".join(parts)
        breakdown = (
            f"（内訳）{joined}の合計{amount(gross)}から既払金・値引き{amount(account.payments)}を差し引いた額"
        )
    elif len(parts) > 1:
        breakdown = f"（内訳）{'、'.join(parts)}の合計"
    items: list[tuple[str, str]] = [("請求金額", f"金{amount(account.total)}")]
    items.append(("契約番号", f"{account.contract_number}（契約日　{day(account.contract_date)}）"))
    if account.invoice_refs:
        items.append(("請求書番号", "、".join(account.invoice_refs)))
    items.append(("支払期日", day(account.due_date)))
    items.append(("支払期限", day(planned.pay_by)))
    items.append(("振込先", payee.bank_details(account.currency, "ja")))
    items += _lender_items(letter, amount)
    paragraphs.append(_center("記", width))
    for number, (label, value) in enumerate(items, start=1):
        paragraphs.append(f"{_fullwidth_number(number)}　{label}　{value}")
        if number == 1 and breakdown:
            paragraphs.append(f"　　{breakdown}")
        if number == 1 and interest is not None:
            paragraphs.append(
                f"　　（遅延損害金は、元本に対する{day(interest.start)}から{day(interest.end)}まで"
                f"{interest.days}日間の{rate}の割合による額）"
            )
    paragraphs.append(_right("以上", width))
    paragraphs.append(day(planned.letter_date))  # no blank lines but one: every sheet costs a fee
    recipient = "　".join(recipient_lines(account, "ja"))
    recipient_address = "　".join(address_lines(account.address, "ja", letter.sender.country))
    if planned.kind == "lawyer":
        assert letter.client is not None  # noqa: S101 - checked above
        client = letter.client.text("ja")
        paragraphs += ["　".join(client.address), *_labelled("通知人", client.name, "", width)]
        paragraphs += ["　".join(sender.address)]
        paragraphs += _labelled("通知人代理人", sender.name, sender.signatory, width)
        paragraphs += ["", recipient_address, *_labelled("被通知人", recipient, "", width)]
    else:
        paragraphs += ["　".join(sender.address), *_labelled("差出人", sender.name, sender.signatory, width)]
        paragraphs += ["", recipient_address, *_labelled("受取人", recipient, "", width)]
    return paragraphs


# ---------------------------------------------------------------------------------------------
# The document the template draws


@dataclass(frozen=True)
class Cell:
    text: str
    width: str  # CSS width: a share of the row, so a line with a free closing bracket still fits


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    count: int  # Japan Post's count for the line


@dataclass(frozen=True)
class Sheet:
    number: int  # within one copy, from 1
    rows: tuple[Row, ...]  # always the grid's number of lines (blank rows complete the last sheet)


@dataclass(frozen=True)
class Copy:
    label: str
    first_page: int  # PDF page numbers (the cover sheet, when there is one, is page 1)
    last_page: int


@dataclass(frozen=True)
class NaiyoDocument:
    """A 内容証明 ready to draw: the sheets of one copy, the copies, and what the cover sheet says."""

    grid: Grid
    grid_name: str
    title: str
    paragraphs: tuple[str, ...]
    sheets: tuple[Sheet, ...]
    characters: int  # Japan Post's count for the whole text (one copy)
    copies: tuple[Copy, ...]
    joins: tuple[str, ...]  # 1枚目と2枚目 …: where each copy gets the sender's 契印
    cover: bool
    sender: str
    recipient: str
    # Values the counter may refuse (Latin letters outside proper nouns), with their sheet and line:
    # listed on the cover sheet and as batch warnings (compose/naiyo_doubts.py).
    doubts: tuple[CounterDoubt, ...] = ()


def _percent(value: float) -> str:
    # Rounded down, so a row of cells never adds up to more than 100 % and wraps.
    return f"{math.floor(value * 10000) / 10000:.4f}%"


def _row(line: Line | None, width: int) -> Row:
    if line is None:
        return Row(tuple(Cell("", _percent(100 / width)) for _ in range(width)), 0)
    seen = line.glyphs
    share = _percent(100 / max(width, len(seen)))
    cells = [Cell(g, share) for g in seen] + [Cell("", share) for _ in range(width - len(seen))]
    return Row(tuple(cells), line.count)


def build_document(
    letter: Letter,
    grid: Grid = DEFAULT_GRID,
    *,
    copies: Sequence[str] = COPY_LABELS,
    cover: bool = True,
    paragraphs: Sequence[str] | None = None,
) -> NaiyoDocument:
    """Lay the letter's 内容証明 text (or ``paragraphs``) out on ``grid``, with its copies and cover."""
    from letters.compose.addressing import recipient_lines

    text = list(paragraphs) if paragraphs is not None else naiyo_text(letter, grid)
    pages = layout_lines(text, grid)
    width, per_page = grid
    sheets = tuple(
        Sheet(n, tuple(_row(page[i] if i < len(page) else None, width) for i in range(per_page)))
        for n, page in enumerate(pages, start=1)
    )
    first = 2 if cover else 1
    copy_list = tuple(
        Copy(label, first + k * len(sheets), first + (k + 1) * len(sheets) - 1)
        for k, label in enumerate(copies)
    )
    joins = tuple(f"{n}枚目と{n + 1}枚目" for n in range(1, len(sheets)))
    title = "通知書（催告書）" if letter.planned.kind == "lawyer" else "催告書"
    return NaiyoDocument(
        grid=grid,
        grid_name=grid_name(grid),
        title=title,
        paragraphs=tuple(text),
        sheets=sheets,
        characters=sum(line.count for page in pages for line in page),
        copies=copy_list,
        joins=joins,
        cover=cover,
        sender=letter.sender.text("ja").name,
        recipient="　".join(recipient_lines(letter.account, "ja")),
        doubts=counter_doubts(letter.account, [[line.text for line in page] for page in pages]),
    )


def extra_context(letter: Letter, grid: Grid = DEFAULT_GRID) -> dict[str, Any]:
    """What templates/ja/naiyo.html needs on top of render_html's context: ``naiyo``."""
    return {"naiyo": build_document(letter, grid)}


def render_naiyo_html(letter: Letter, templates_root: Path, grid: Grid = DEFAULT_GRID) -> str:
    """The 内容証明 HTML (cover sheet + three copies) for a ja demand or lawyer's letter.

    Write it with ``PdfWriter.write_document(html, NAIYO_STYLESHEETS, lang="ja", …)``: the page is
    the grid, not the letterhead layout, so letter.css and the envelope stylesheet are not used.
    """
    import jinja2

    from letters.compose.render_html import letter_context
    from letters.compose.templates import load_template

    if letter.planned.lang != "ja":
        raise ConfigError(f"letter {letter.id}: 内容証明 is a Japanese letter; {letter.planned.lang} given")
    template = load_template(templates_root, "ja", "naiyo")
    try:
        return template.render(letter_context(letter) | extra_context(letter, grid))
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"letter {letter.id}: {exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"letter {letter.id}: template {template.name}: {exc}") from None
    except LettersError:
        raise  # the pipeline names the letter in front of messages that do not
    except (ValueError, ArithmeticError) as exc:
        raise RenderError(f"letter {letter.id}: {exc}") from None
