"""Write every sample accounts file in samples/ from the fixed tables in this script.

Run ``python samples/generate.py`` (Python 3.11+, with openpyxl) to rewrite them all.  The output is
the same byte for byte on every run: there is no randomness and no clock.  Due dates are computed
back from AS_OF (2026-11-23) so that each of the ja / zh / en files has accounts in every collection
bucket (A: up to 30 days past due, B: 31-60, C: over 60), including the boundary days 30, 31, 60 and
61.  Interest is computed from the principal and the days past due (ja 3 % a year, the statutory
rate; zh 0.03 % a day; en 9 % a year in the US and 8 % in the UK).

Files written (see samples/README.md):
  accounts_ja.csv, accounts_zh.csv       Excel "CSV UTF-8": BOM, CRLF
  accounts_en.csv                        plain UTF-8: no BOM, LF
  accounts_mixed.json / .jsonl           ja, zh and en accounts in one file
  accounts_ja_cp932.csv                  Japanese Excel "CSV (コンマ区切り)": cp932, CRLF
  accounts_zh_gb18030.csv                Chinese Excel CSV: gb18030, CRLF
  accounts.xlsx                          number, date and text cells as Excel stores them
  accounts_bad.csv + .expected.txt       one planted error per validation rule, and the list of them
  accounts_ja_lender.csv                 a 貸金業者's loans: loan_amount and interest_rate columns
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 11, 23)  # the day "days past due" is counted to
FIXED_TIME = datetime(2026, 11, 23, 9, 0, 0)  # stamped into the XLSX instead of the clock

COLUMNS: tuple[str, ...] = (
    "account_id",
    "debtor_name",
    "debtor_type",
    "gender",
    "attention",
    "language",
    "currency",
    "principal",
    "interest",
    "fees",
    "payments",
    "due_date",
    "contract_number",
    "contract_date",
    "period_start",
    "period_end",
    "invoice_refs",
    "country",
    "postal_code",
    "region",
    "city",
    "district",
    "address_line1",
    "address_line2",
    "email",
    "phone",
    "creditor",
    "jurisdiction",
)

# ---------------------------------------------------------------------------------------------
# Building blocks of an account: who, where, and what is owed since when.


class Debtor(NamedTuple):
    """Who owes: name, person or organisation, and how to reach them."""

    name: str
    kind: str  # "person" or "organisation"
    gender: str = ""  # f, m or empty
    attention: str = ""  # department or person at an organisation
    email: str = ""
    phone: str = ""
    creditor: str = ""  # original creditor, when not the letterhead's company
    jurisdiction: str = ""  # e.g. US-NY; empty means the address country


class Place(NamedTuple):
    """A postal address in the columns letters reads."""

    country: str
    postal_code: str
    region: str
    city: str
    district: str
    line1: str
    line2: str = ""


class Terms(NamedTuple):
    """What is owed and how the row is written.

    dates: iso 2026-10-15, slash 2026/10/15, excel 2026/10/5, kanji 2026年10月15日, era 令和8年10月15日.
    style: plain 1250000, grouped 1,250,000, fullwidth １，２５０，０００.
    """

    days: int  # days past due on AS_OF
    principal: str
    interest: bool = False  # charge interest for the days past due
    fees: str = "0"
    payments: str = "0"
    months: int = 1  # length of the billing period
    dates: str = "iso"
    style: str = "plain"
    contract: str = ""  # contract date (ISO); computed when empty


@dataclass(frozen=True)
class Sample:
    """One account with typed values, and how its cells are written in CSV."""

    account_id: str
    debtor: Debtor
    place: Place
    language: str
    currency: str
    principal: Decimal
    interest: Decimal
    fees: Decimal
    payments: Decimal
    due_date: date
    contract_number: str
    contract_date: date
    period_start: date
    period_end: date
    invoice_refs: tuple[str, ...]
    dates: str
    style: str
    ref_separator: str = ";"

    @property
    def days_past_due(self) -> int:
        return (AS_OF - self.due_date).days


# ---------------------------------------------------------------------------------------------
# Arithmetic: due dates, billing periods, interest.


def _first_of_month(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _interest(principal: Decimal, days: int, currency: str, country: str) -> Decimal:
    if currency == "JPY":  # 民法404: 3 % a year, whole yen, rounded down
        return (principal * 3 * days / Decimal(36500)).to_integral_value(ROUND_FLOOR)
    if currency == "CNY":  # a contractual 0.03 % a day, to the fen
        raw = principal * Decimal("0.0003") * days
    else:  # 9 % a year in the US, 8 % in the UK, to the cent
        rate = Decimal(9) if country == "US" else Decimal(8)
        raw = principal * rate * days / Decimal(36500)
    return raw.quantize(Decimal("0.01"), ROUND_HALF_UP)


def make_sample(
    index: int,
    account_id: str,
    contract_prefix: str,
    language: str,
    currency: str,
    debtor: Debtor,
    place: Place,
    terms: Terms,
) -> Sample:
    """One account; every date follows from the days past due and the row's position."""
    due = AS_OF - timedelta(days=terms.days)
    period_end = _first_of_month(due, 0) - timedelta(days=1)  # the month before the due month
    period_start = _first_of_month(period_end, terms.months - 1)
    if terms.contract:
        contract = date.fromisoformat(terms.contract)
    else:
        contract = period_start - timedelta(days=90 + (index * 97) % 600)
    number = int(re.sub(r"\D", "", account_id) or "0")  # JA-1001 → 1001: serials differ across files
    serial = (123 + number * 4111) % 100000
    cycle_day = 5 + (index * 7) % 23
    refs: tuple[str, ...] = ()
    if index % 6 != 5:  # a few accounts (loans) have no invoices
        months = [_first_of_month(period_end, back) for back in range(terms.months - 1, -1, -1)]
        refs = tuple(f"INV-{m.year}-{m.month:02d}{cycle_day:02d}" for m in months)
    principal = Decimal(terms.principal)
    interest = _interest(principal, terms.days, currency, place.country) if terms.interest else Decimal(0)
    return Sample(
        account_id=account_id,
        debtor=debtor,
        place=place,
        language=language,
        currency=currency,
        principal=principal,
        interest=interest,
        fees=Decimal(terms.fees),
        payments=Decimal(terms.payments),
        due_date=due,
        contract_number=f"{contract_prefix}-{contract.year}-{serial:05d}",
        contract_date=contract,
        period_start=period_start,
        period_end=period_end,
        invoice_refs=refs,
        dates=terms.dates,
        style=terms.style,
    )


def make_samples(
    prefix: str,
    first: int,
    contract_prefix: str,
    language: str,
    currency: str | Sequence[str],
    debtors: Sequence[Debtor],
    places: Sequence[Place],
    terms: Sequence[Terms],
) -> list[Sample]:
    """Zip the three tables row by row into accounts numbered prefix-first, prefix-first+1 …"""
    samples = []
    for i, (debtor, place, term) in enumerate(zip(debtors, places, terms, strict=True)):
        cur = currency if isinstance(currency, str) else currency[i]
        samples.append(
            make_sample(i, f"{prefix}-{first + i:04d}", contract_prefix, language, cur, debtor, place, term)
        )
    return samples


# ---------------------------------------------------------------------------------------------
# How values are written as text.

_FULLWIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def format_era(day: date) -> str:
    """令和8年10月15日; the first year of an era is 元年."""
    for name, start in (("令和", date(2019, 5, 1)), ("平成", date(1989, 1, 8))):
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    raise ValueError(f"no era table entry for {day}")


def format_date(day: date, style: str) -> str:
    if style == "iso":
        return day.isoformat()
    if style == "slash":
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    if style == "excel":  # what Excel writes for a date cell shown as yyyy/m/d
        return f"{day.year}/{day.month}/{day.day}"
    if style == "kanji":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "era":
        return format_era(day)
    raise ValueError(f"unknown date style {style!r}")


def format_amount(value: Decimal, currency: str, style: str) -> str:
    text = f"{value:,.0f}" if currency == "JPY" else f"{value:,.2f}"
    if style == "plain":
        return text.replace(",", "")
    if style == "grouped":
        return text
    if style == "fullwidth":
        return text.translate(_FULLWIDTH)
    raise ValueError(f"unknown amount style {style!r}")


def csv_cells(sample: Sample, *, zero: str = "0", kinds: Mapping[str, str] | None = None) -> dict[str, str]:
    """The row as CSV cell text; zero amounts are written as `zero`, debtor types through `kinds`."""
    d, p = sample.debtor, sample.place

    def amount(value: Decimal, *, required: bool = False) -> str:
        if value == 0 and not required:
            return zero
        return format_amount(value, sample.currency, sample.style)

    def when(day: date) -> str:
        return format_date(day, sample.dates)

    return {
        "account_id": sample.account_id,
        "debtor_name": d.name,
        "debtor_type": (kinds or {}).get(d.kind, d.kind),
        "gender": d.gender,
        "attention": d.attention,
        "language": sample.language,
        "currency": sample.currency,
        "principal": amount(sample.principal, required=True),
        "interest": amount(sample.interest),
        "fees": amount(sample.fees),
        "payments": amount(sample.payments),
        "due_date": when(sample.due_date),
        "contract_number": sample.contract_number,
        "contract_date": when(sample.contract_date),
        "period_start": when(sample.period_start),
        "period_end": when(sample.period_end),
        "invoice_refs": sample.ref_separator.join(sample.invoice_refs),
        "country": p.country,
        "postal_code": p.postal_code,
        "region": p.region,
        "city": p.city,
        "district": p.district,
        "address_line1": p.line1,
        "address_line2": p.line2,
        "email": d.email,
        "phone": d.phone,
        "creditor": d.creditor,
        "jurisdiction": d.jurisdiction,
    }


def _json_amount(value: Decimal, currency: str) -> int | str:
    # Whole yen as JSON numbers; amounts with a minor unit as strings ("1409.50") so that no
    # reader can turn them into binary floats.
    return int(value) if currency == "JPY" else f"{value:.2f}"


def json_record(sample: Sample) -> dict[str, object]:
    """The account as a JSON object; empty optional fields are left out, as an API would."""
    cells = csv_cells(sample)
    record: dict[str, object] = {}
    for column in COLUMNS:
        if column in ("principal", "interest", "fees", "payments"):
            record[column] = _json_amount(getattr(sample, column), sample.currency)
        elif column in ("due_date", "contract_date", "period_start", "period_end"):
            record[column] = getattr(sample, column).isoformat()
        elif cells[column]:
            record[column] = cells[column]
    return record


# ---------------------------------------------------------------------------------------------
# Writers.


def _needs_quotes(cell: str) -> bool:
    return any(ch in ',"\r\n' or unicodedata.category(ch) == "Cc" for ch in cell)


def csv_text(rows: Iterable[Sequence[str]], newline: str) -> str:
    """CSV as Excel writes it: quotes only where needed (and around control characters), "" inside."""
    lines = []
    for row in rows:
        cells = ['"' + c.replace('"', '""') + '"' if _needs_quotes(c) else c for c in row]
        lines.append(",".join(cells) + newline)
    return "".join(lines)


def write_csv(
    name: str,
    samples: Sequence[Sample],
    *,
    encoding: str,
    newline: str,
    zero: str = "0",
    kinds: Mapping[str, str] | None = None,
) -> None:
    rows = [list(COLUMNS)] + [list(csv_cells(s, zero=zero, kinds=kinds).values()) for s in samples]
    (HERE / name).write_bytes(csv_text(rows, newline).encode(encoding))


def write_json(samples: Sequence[Sample]) -> None:
    records = [json_record(s) for s in samples]
    (HERE / "accounts_mixed.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (HERE / "accounts_mixed.jsonl").write_text(lines, encoding="utf-8", newline="\n")


def write_xlsx(samples: Sequence[Sample]) -> None:
    """Amounts as numbers, dates as date cells, ids, postal codes and phones as text cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "accounts"
    sheet.append(list(COLUMNS))
    text_columns = {"account_id", "postal_code", "phone", "contract_number", "invoice_refs"}
    for row_number, sample in enumerate(samples, start=2):
        cells = csv_cells(sample)
        for col_number, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=row_number, column=col_number)
            if column in ("principal", "interest", "fees", "payments"):
                value: Decimal = getattr(sample, column)
                whole = sample.currency == "JPY"
                cell.value = int(value) if whole else float(value)
                cell.number_format = "#,##0" if whole else "#,##0.00"
            elif column in ("due_date", "contract_date", "period_start", "period_end"):
                cell.value = getattr(sample, column)
                cell.number_format = "yyyy-mm-dd"
            elif cells[column]:
                cell.value = cells[column]
                if column in text_columns:
                    cell.number_format = "@"  # Excel's "Text" format: 02116 keeps its zero
    sheet.freeze_panes = "A2"
    for col_number, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=col_number)
        header.font = Font(bold=True)
        letter = header.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
    book.properties.creator = "letters samples/generate.py"
    book.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    (HERE / "accounts.xlsx").write_bytes(_reproducible_zip(buffer.getvalue()))


def _reproducible_zip(data: bytes) -> bytes:
    """The same workbook with fixed timestamps (openpyxl stamps the clock into the file)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    lambda m: m.group(1) + stamp.encode() + m.group(2),
                    content,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, content)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Japanese accounts (accounts_ja.csv).

PER, ORG = "person", "organisation"

JA_DEBTORS: tuple[Debtor, ...] = (
    Debtor("山田 太郎", PER, email="t.yamada@example.com", phone="090-0000-1001"),
    Debtor("株式会社青葉システム", ORG, attention="経理部 ご担当者様", phone="03-0000-2001"),
    Debtor("佐藤 花子", PER, email="hanako.sato@example.net"),
    Debtor("鈴木 一郎", PER),
    Debtor("合同会社みなと企画", ORG, attention="代表社員 港 一郎 様"),
    Debtor("髙橋 美咲", PER, phone="080-0000-1006"),  # 髙 (hashigo-daka): cp932, not JIS X 0208
    Debtor("田中 健太", PER, phone="090-0000-1007"),
    Debtor("伊藤 直子", PER),
    Debtor("渡辺 翔", PER, email="sho.watanabe@example.org"),
    Debtor("ひかり食品株式会社", ORG, attention="管理本部 経理課 ご担当者様", phone="06-0000-2010"),
    Debtor("中村 由美", PER),
    Debtor("小林 大輔", PER, email="d.kobayashi@example.com", phone="070-0000-1012"),
    Debtor("有限会社山下工務店", ORG, attention="経理担当 山下 様"),
    Debtor("加藤 恵", PER),
    Debtor("吉田 誠", PER, phone="090-0000-1015"),
    Debtor("山本 さくら", PER, email="sakura.y@example.net"),
    Debtor("株式会社東邦メディカルサービス", ORG, attention="財務経理部 ご担当者様", phone="03-0000-2017"),
    Debtor("松本 拓也", PER),
    Debtor("井上 真理子", PER),
    Debtor("合同会社ブルーオーシャン", ORG, attention="経理ご担当者様", email="keiri@example.com"),
    Debtor("木村 亮", PER, phone="080-0000-1021"),
    Debtor("林 優子", PER),
    Debtor("株式会社さくら物流", ORG, attention="総務部 ご担当者様"),
    Debtor("医療法人社団 健生会", ORG, attention="事務局 ご担当者様"),
)

JA_PLACES: tuple[Place, ...] = (
    Place("JP", "160-0023", "東京都", "新宿区", "", "西新宿3丁目7番1号", "新宿パークサイドビル 12階"),
    Place("JP", "150-0002", "東京都", "渋谷区", "", "渋谷2-21-1", "渋谷南平台レジデンス 305号室"),
    Place("JP", "530-0001", "大阪府", "大阪市", "北区", "梅田1-3-1", "梅田セントラルビル 8階"),
    Place("JP", "460-0008", "愛知県", "名古屋市", "中区", "栄3丁目15番33号", "栄ガーデンハイツ 702号室"),
    Place("JP", "060-0001", "北海道", "札幌市", "中央区", "北一条西5丁目2番地"),
    Place("JP", "812-0011", "福岡県", "福岡市", "博多区", "博多駅前2-1-1", "博多駅前第一ビル 4階"),
    Place("JP", "980-0021", "宮城県", "仙台市", "青葉区", "中央1-6-35", "コーポ青葉 201"),
    Place("JP", "220-0012", "神奈川県", "横浜市", "西区", "みなとみらい2-3-5", "グランドハイツ 1503号室"),
    Place("JP", "600-8216", "京都府", "京都市", "下京区", "東塩小路町721-1"),
    Place("JP", "650-0021", "兵庫県", "神戸市", "中央区", "三宮町1-9-1", "三宮センタービル 3階"),
    Place("JP", "730-0011", "広島県", "広島市", "中区", "基町6-78"),
    Place("JP", "330-0063", "埼玉県", "さいたま市", "浦和区", "高砂3-15-1", "メゾン浦和 402"),
    Place("JP", "260-0013", "千葉県", "千葉市", "中央区", "中央4-5-1"),
    Place("JP", "900-0015", "沖縄県", "那覇市", "", "久茂地1-1-1", "久茂地ハイツ 6階"),
    Place("JP", "420-0852", "静岡県", "静岡市", "葵区", "紺屋町11-1"),
    Place("JP", "9500087", "新潟県", "新潟市", "中央区", "東大通1-2-23", "東大通ビル 5F"),  # no hyphen: valid
    Place("JP", "700-0024", "岡山県", "岡山市", "北区", "駅元町1-4"),
    Place("JP", "862-0950", "熊本県", "熊本市", "中央区", "水前寺6-18-1"),
    Place("JP", "180-0004", "東京都", "武蔵野市", "", "吉祥寺本町2-4-16", "吉祥寺レジデンス 303"),
    Place("JP", "192-0083", "東京都", "八王子市", "", "旭町9-1"),
    Place("JP", "231-0023", "神奈川県", "横浜市", "中区", "山下町10番地", "山下町ビル 7階"),
    Place("JP", "170-0013", "東京都", "豊島区", "", "東池袋1-18-1", "東池袋セントラルプレイス 9F"),
    Place("JP", "135-0061", "東京都", "江東区", "", "豊洲3-2-20", "豊洲ベイサイドタワー 2105号室"),
    Place("JP", "542-0076", "大阪府", "大阪市", "中央区", "難波5-1-60", "難波グランドビル 11階"),
)

JA_TERMS: tuple[Terms, ...] = (
    Terms(3, "8000"),
    Terms(30, "1250000", months=2, style="grouped"),
    Terms(45, "45800", True, dates="slash", style="grouped"),
    Terms(61, "330000", True, "1100", "100000", 3, "era", "grouped"),
    Terms(12, "486000", style="grouped"),
    Terms(31, "12800", fees="550"),
    Terms(60, "86400", True, payments="20000", months=2, dates="kanji", style="grouped"),
    Terms(92, "154000", True, "1100", months=3, style="grouped"),
    Terms(1, "23650", dates="slash"),
    Terms(38, "2500000", True, payments="500000", months=2, style="grouped"),
    Terms(120, "67200", True, "1100", "10000", 4, "era"),
    Terms(25, "19800"),
    Terms(59, "412500", True, months=2, style="grouped"),
    Terms(75, "39600", True, "550", months=2, style="fullwidth"),
    Terms(30, "275000", payments="50000", dates="slash", style="grouped"),
    Terms(31, "15400"),
    Terms(181, "1780000", True, "3300", "300000", 6, "era", "grouped"),
    Terms(19, "52800", style="grouped"),
    Terms(52, "8800", True, "550", "3000", dates="kanji"),
    Terms(61, "640000", True, "1100", months=2, style="grouped"),
    Terms(7, "33000"),
    Terms(60, "125400", True, payments="25400", months=3, dates="slash", style="grouped"),
    Terms(400, "980000", True, "3300", "200000", 12, style="grouped"),
    # Nearly five years past due: the 民法166 limitation period is close.  Contract in 令和元年.
    Terms(1765, "210000", True, "1100", "60000", 6, "era", "grouped", contract="2019-07-01"),
)

# ---------------------------------------------------------------------------------------------
# Chinese accounts (accounts_zh.csv).

ZH_DEBTORS: tuple[Debtor, ...] = (
    Debtor("张伟", PER, "m", email="zhangwei@example.com", phone="138 0000 1001"),
    Debtor("上海恒通贸易有限公司", ORG, attention="财务部", phone="021-0000 2002"),
    Debtor("王芳", PER, "f", phone="139 0000 1003"),
    Debtor("李娜", PER, "f", email="lina@example.net"),
    Debtor("深圳市华信电子科技有限公司", ORG, attention="财务部 陈经理", phone="0755-0000 2005"),
    Debtor("刘洋", PER, "m"),
    Debtor("陈静", PER, "f", phone="137 0000 1007"),
    Debtor("杨磊", PER, "m"),
    Debtor("赵敏", PER, "f", email="zhaomin@example.org"),
    Debtor("北京创远文化传媒有限公司", ORG, attention="法务部", email="fawu@example.com"),
    Debtor("黄强", PER, "m"),
    Debtor("周杰", PER, "m", phone="186 0000 1012"),
    Debtor("杭州绿源食品有限公司", ORG, attention="财务部"),
    Debtor("吴霞", PER, "f"),
    Debtor("徐明", PER, "m", email="xuming@example.com"),
    Debtor("孙丽", PER, "f"),
    Debtor("成都天府物流有限公司", ORG, attention="财务部 张会计", phone="028-0000 2017"),
    Debtor("马超", PER, "m"),
    Debtor("朱琳", PER, "f", phone="135 0000 1019"),
    Debtor("武汉长江建材有限公司", ORG, attention="财务部"),
    Debtor("胡斌", PER, "m"),
    Debtor("郭婷", PER, "f", email="guoting@example.net"),
    Debtor("南京金陵装饰工程有限公司", ORG, attention="财务部"),
    Debtor("苏州明达精密机械有限公司", ORG, attention="财务部 周经理"),
)

ZH_PLACES: tuple[Place, ...] = (
    Place("CN", "200120", "上海市", "上海市", "浦东新区", "世纪大道100号", "世纪大厦15楼1503室"),
    Place("CN", "200001", "上海市", "上海市", "黄浦区", "南京东路300号", "恒通大厦8楼"),
    Place("CN", "100022", "北京市", "北京市", "朝阳区", "建国路88号", "3号楼1单元1202室"),
    Place("CN", "510620", "广东省", "广州市", "天河区", "天河路385号", "2栋1806房"),
    Place("CN", "518057", "广东省", "深圳市", "南山区", "深南大道9988号", "华信科技大厦20层"),
    Place("CN", "310012", "浙江省", "杭州市", "西湖区", "文三路259号", "5幢602室"),
    Place("CN", "210008", "江苏省", "南京市", "鼓楼区", "中山北路30号"),
    Place("CN", "610041", "四川省", "成都市", "武侯区", "人民南路四段12号", "7栋3单元402号"),
    Place("CN", "430074", "湖北省", "武汉市", "洪山区", "珞喻路1037号"),
    Place("CN", "100080", "北京市", "北京市", "海淀区", "中关村大街27号", "创远大厦11层"),
    Place("CN", "710061", "陕西省", "西安市", "雁塔区", "小寨东路126号"),
    Place("CN", "300051", "天津市", "天津市", "和平区", "南京路189号", "2201室"),
    Place("CN", "311121", "浙江省", "杭州市", "余杭区", "文一西路1500号"),
    Place("CN", "400010", "重庆市", "重庆市", "渝中区", "民权路28号", "12楼4号"),
    Place("CN", "266071", "山东省", "青岛市", "市南区", "香港中路76号"),
    Place("CN", "361004", "福建省", "厦门市", "思明区", "湖滨南路88号"),
    Place("CN", "610200", "四川省", "成都市", "双流区", "物联大道99号"),
    Place("CN", "450008", "河南省", "郑州市", "金水区", "花园路39号"),
    Place("CN", "410082", "湖南省", "长沙市", "岳麓区", "麓山南路2号"),
    Place("CN", "430014", "湖北省", "武汉市", "江岸区", "沿江大道188号"),
    Place("CN", "110001", "辽宁省", "沈阳市", "和平区", "南京北街206号"),
    Place("CN", "230031", "安徽省", "合肥市", "蜀山区", "长江西路189号"),
    Place("CN", "210005", "江苏省", "南京市", "秦淮区", "中山南路1号"),
    Place("CN", "215123", "江苏省", "苏州市", "苏州工业园区", "星湖街328号"),
)

ZH_TERMS: tuple[Terms, ...] = (
    Terms(2, "1409.50"),
    Terms(30, "107000.53", months=2, style="grouped"),
    Terms(33, "16409.02", True, style="grouped"),
    Terms(61, "6007.14", True, "50", "1000", 2, "kanji"),
    Terms(14, "245000.00", months=3, style="grouped"),
    Terms(31, "2380.00", True),
    Terms(60, "12650.80", True, payments="2000", dates="kanji", style="grouped"),
    Terms(88, "3999.99", True, "50", months=3),
    Terms(21, "880.50"),
    Terms(47, "512000.00", True, "200", "100000", 2, style="grouped"),
    Terms(150, "31720.35", True, "100", "5000", 5, "kanji", "grouped"),
    Terms(9, "7500"),
    Terms(56, "96000.00", True, months=2, dates="slash", style="grouped"),
    Terms(66, "19999.90", True, "50", "3000", 2),
    Terms(30, "4630.27", payments="630.27"),
    Terms(31, "1200", True),
    Terms(200, "156800.00", True, "200", "56800", 6, "kanji", "grouped"),
    Terms(27, "38250.60", style="grouped"),
    Terms(41, "2268.08", True, dates="slash"),
    Terms(61, "325000.00", True, "200", months=3, style="grouped"),
    Terms(5, "9860.00"),
    Terms(60, "73500.45", True, "100", "20000", 2, style="grouped"),
    Terms(365, "58000", True, "200", "8000", 12, "kanji"),
    # About 2 years 10 months past due: the 3-year period of 民法典188 is close.
    Terms(1040, "186400.00", True, "200", "36400", 6, style="grouped"),
)

# ---------------------------------------------------------------------------------------------
# English accounts (accounts_en.csv): 16 in the US, 8 in the UK (every third row).

EN_DEBTORS: tuple[Debtor, ...] = (
    Debtor(
        "Michael Johnson",
        PER,
        "m",
        email="m.johnson@example.com",
        phone="+1 212-555-0143",
        creditor="Northwind Health Partners",
        jurisdiction="US-NY",
    ),
    Debtor(
        "Brightline Logistics LLC",
        ORG,
        attention="Accounts Payable",
        phone="+1 713-555-0102",
        jurisdiction="US-TX",
    ),
    Debtor("Oliver Bennett", PER, "m", phone="+44 7700 900123"),
    Debtor("Emily Davis", PER, "f", email="emily.davis@example.net", creditor="Lakeshore Family Clinic"),
    Debtor(
        "Christopher Martinez",
        PER,
        "m",
        phone="+1 512-555-0178",
        creditor="Lone Star Auto Finance",
        jurisdiction="US-TX",
    ),
    Debtor("Thornbury Joinery Ltd", ORG, attention="Finance Department", phone="+44 117 496 0555"),
    Debtor(
        "Jessica Thompson",
        PER,
        "f",
        email="jess.t@example.org",
        creditor="Golden Gate Mobile LLC",
        jurisdiction="US-CA",
    ),
    Debtor("Cascade Print Works, Inc.", ORG, attention="Controller", phone="+1 206-555-0190"),
    Debtor("Charlotte Hughes", PER, "f", email="c.hughes@example.co.uk"),
    Debtor("Daniel Garcia", PER, "m", creditor="Desert Sun Utilities"),
    Debtor("Taylor Brooks", PER, "", email="taylor.brooks@example.com", creditor="Front Range Credit Union"),
    Debtor("Harry Patel", PER, "m", creditor="Albion Energy Supply Ltd"),
    Debtor("Ashley Robinson", PER, "f", creditor="Harborview Medical Group", jurisdiction="US-MA"),
    Debtor(
        "Harbor Street Dental PLLC",
        ORG,
        attention="Office Manager",
        phone="+1 305-555-0117",
        jurisdiction="US-FL",
    ),
    Debtor("Amelia Wright", PER, "f", phone="+44 131 496 0817"),
    Debtor("Matthew Clark", PER, "m", phone="+1 404-555-0161", creditor="Peachtree Home Furnishings"),
    Debtor("Sarah Lewis", PER, "f", email="sarah.lewis@example.net", creditor="Bluegrass Medical Associates"),
    Debtor("Kestrel Digital Ltd", ORG, attention="Accounts Payable", email="ap@example.co.uk"),
    Debtor(
        "Joshua Walker",
        PER,
        "m",
        creditor="Empire State Wireless Inc.",
        jurisdiction="US-NY",
    ),
    Debtor("Redwood Valley Farms LLC", ORG, attention="Accounts Payable", jurisdiction="US-CA"),
    Debtor("Alex Morgan", PER, "", phone="+44 29 2018 0123"),
    Debtor(
        "Jordan Lee",
        PER,
        "",
        email="jordan.lee@example.com",
        creditor="Keystone Student Lending",
        jurisdiction="US-PA",
    ),
    Debtor("Amanda Young", PER, "f", creditor="Garden State Credit Union", jurisdiction="US-NJ"),
    Debtor("Grace Holloway", PER, "f", email="grace.h@example.co.uk", phone="+44 20 7946 0321"),
)

EN_PLACES: tuple[Place, ...] = (
    Place("US", "10025", "NY", "New York", "", "245 W 104th St", "Apt 5C"),
    Place("US", "77006", "TX", "Houston", "", "1511 Westheimer Rd", "Suite 300"),
    Place("GB", "M19 2EQ", "Greater Manchester", "Manchester", "", "27 Albert Road", "Levenshulme"),
    Place("US", "60614", "IL", "Chicago", "", "2045 N Halsted St", "Unit 3"),
    Place("US", "78704", "TX", "Austin", "", "1800 S Lamar Blvd", "Apt 214"),
    Place("GB", "BS2 0TF", "", "Bristol", "", "Unit 7, Riverside Business Park", "Feeder Road"),
    Place("US", "94110", "CA", "San Francisco", "", "3150 18th St", "Apt 210"),
    Place("US", "98103", "WA", "Seattle", "", "3812 Fremont Ave N"),
    Place("GB", "OX4 1JE", "Oxfordshire", "Oxford", "", "Flat 3, 112 Cowley Road"),
    Place("US", "85004", "AZ", "Phoenix", "", "400 E Van Buren St", "Apt 1207"),
    Place("US", "80206", "CO", "Denver", "", "1350 Detroit St"),
    Place("GB", "L1 4EU", "Merseyside", "Liverpool", "", "45 Bold Street"),
    Place("US", "02116", "MA", "Boston", "", "233 Newbury St", "Apt 2"),  # leading zero
    Place("US", "33131", "FL", "Miami", "", "801 Brickell Ave", "Suite 900"),
    Place("GB", "EH2 1JE", "", "Edinburgh", "", "8 Queen Street"),
    Place("US", "30309", "GA", "Atlanta", "", "1100 Peachtree St NE", "Apt 1504"),
    Place("US", "97214", "OR", "Portland", "", "2125 SE Hawthorne Blvd"),
    Place("GB", "LS1 5JA", "West Yorkshire", "Leeds", "", "19 Park Row", "Third Floor"),
    Place("US", "11215", "NY", "Brooklyn", "", "412 7th Ave", "Apt 3R"),
    Place("US", "90026", "CA", "Los Angeles", "", "2231 Echo Park Ave"),
    Place("GB", "CF10 1BS", "", "Cardiff", "", "3 Castle Street"),
    Place("US", "19103-2921", "PA", "Philadelphia", "", "1700 Market St", "Apt 2204"),  # ZIP+4
    Place("US", "07102", "NJ", "Newark", "", "75 Halsey St", "Apt 6"),  # leading zero
    Place("GB", "W8 6SE", "", "London", "", "221 Kensington High Street", "Flat 12"),
)

EN_CURRENCIES = tuple("GBP" if p.country == "GB" else "USD" for p in EN_PLACES)

EN_TERMS: tuple[Terms, ...] = (
    Terms(4, "1250.00", style="grouped"),
    Terms(30, "8420.00", fees="35.00", months=2, style="grouped"),
    Terms(36, "450.00", True),
    Terms(61, "4820.75", True, "35.00", "500.00", 2, style="grouped"),
    Terms(16, "389.99"),
    Terms(31, "3280.50", True, "40.00", style="grouped"),  # UK B2B: £40 late-payment compensation
    Terms(60, "2310.18", True, "25.00", "300.00", 2, style="grouped"),
    Terms(97, "15600.00", True, "35.00", "2000.00", 3, style="grouped"),
    Terms(23, "129.99"),
    Terms(44, "642.10", True, "25.00"),
    Terms(130, "1999.00", True, "35.00", "250.00", 4, style="grouped"),
    Terms(11, "760.00"),
    Terms(58, "312.45", True, "25.00"),
    Terms(70, "5275.60", True, "35.00", "1000.00", 2, style="grouped"),
    Terms(30, "2045.15", payments="45.15", style="grouped"),
    Terms(31, "948.33", True),
    Terms(210, "3150.00", True, "35.00", "600.00", 6, style="grouped"),
    Terms(28, "11800.00", style="grouped"),
    Terms(49, "76.40", fees="25.00"),
    Terms(61, "9800.00", True, "35.00", months=2, style="grouped"),
    Terms(8, "89.50"),
    Terms(60, "2750.25", True, payments="750.25", style="grouped"),
    Terms(540, "1480.00", True, "35.00", "200.00", 12, style="grouped"),
    Terms(900, "1520.00", True, "70.00", "120.00", 6, style="grouped"),  # £70: debts of £1,000+
)

# ---------------------------------------------------------------------------------------------
# Japanese Excel export in cp932 (accounts_ja_cp932.csv): characters Shift_JIS lacks.

CP932_DEBTORS: tuple[Debtor, ...] = (
    Debtor("㈱サンライズ物産", ORG, attention="経理部 ご担当者様", phone="03-0000-3001"),
    Debtor("髙田 聡", PER, phone="049-000-3002"),
    Debtor("山﨑 隆", PER),  # 﨑: an IBM extension character, cp932 only
    Debtor("合同会社ミドリ技研", ORG, attention="総務部 ご担当者様"),
    Debtor("斉藤 光", PER, email="h.saito@example.com"),
    Debtor("㈲丸髙商店", ORG, attention="店主 髙木 様"),
    Debtor("近藤 美穂", PER),
    Debtor("石川 翼", PER, phone="076-000-3008"),
    Debtor("森 和也", PER),
    Debtor("㈱ひまわり不動産", ORG, attention="管理部 ご担当者様"),
)

CP932_PLACES: tuple[Place, ...] = (
    Place("JP", "101-0054", "東京都", "千代田区", "", "神田錦町3-21", "錦町ビル4階"),
    Place("JP", "350-1123", "埼玉県", "川越市", "", "脇田本町8-1"),
    Place("JP", "590-0078", "大阪府", "堺市", "堺区", "南瓦町3-1"),
    Place("JP", "802-0001", "福岡県", "北九州市", "小倉北区", "浅野2-14-1"),
    Place("JP", "471-0025", "愛知県", "豊田市", "", "元城町3-17", "メゾン元城①号棟 203号室"),
    Place("JP", "390-0811", "長野県", "松本市", "", "中央1-1-1"),
    Place("JP", "040-0063", "北海道", "函館市", "", "若松町12-5"),
    Place("JP", "920-0962", "石川県", "金沢市", "", "広坂1-1-1"),
    Place("JP", "892-0816", "鹿児島県", "鹿児島市", "", "山下町11-1"),
    Place("JP", "880-0805", "宮崎県", "宮崎市", "", "橘通東2-10-1", "ひまわりビル№3 2階"),
)

CP932_TERMS: tuple[Terms, ...] = (
    Terms(10, "384000", months=2, dates="excel"),
    Terms(30, "27500", dates="excel"),
    Terms(31, "64800", True, "550", dates="excel"),
    Terms(45, "1150000", True, payments="150000", months=2, dates="excel", style="grouped"),
    Terms(60, "18700", True, dates="excel"),
    Terms(61, "96250", True, "1100", "20000", 2, "excel"),
    Terms(17, "42900", dates="excel"),
    Terms(88, "13200", True, "550", dates="excel"),
    Terms(150, "308000", True, "1100", "8000", 5, "excel", "grouped"),
    Terms(240, "732600", True, "3300", "100000", 8, "excel"),
)

# ---------------------------------------------------------------------------------------------
# Chinese Excel export in gb18030 (accounts_zh_gb18030.csv): 䶮 is outside GBK (two bytes in
# GB18030), 𫖯 is outside the BMP (four bytes); both are in 通用规范汉字表.

GB_DEBTORS: tuple[Debtor, ...] = (
    Debtor("刘䶮", PER, "男", phone="138 0000 4001"),
    Debtor("赵𫖯", PER, "男"),
    Debtor("广州市鼎盛餐饮管理有限公司", ORG, attention="财务部"),
    Debtor("何欣", PER, "女", email="hexin@example.com"),
    Debtor("罗刚", PER, "男"),
    Debtor("河北恒泰建筑工程有限公司", ORG, attention="财务部 刘会计", phone="0311-0000 4006"),
    Debtor("高敏", PER, "女"),
    Debtor("林晓东", PER, "男", phone="150 0000 4008"),
    Debtor("梁雪", PER, "女"),
    Debtor("宋佳", PER, "女", email="songjia@example.net"),
)

GB_PLACES: tuple[Place, ...] = (
    Place("CN", "518048", "广东省", "深圳市", "福田区", "福华一路88号", "16楼1603室"),
    Place("CN", "313000", "浙江省", "湖州市", "吴兴区", "人民路222号"),
    Place("CN", "510030", "广东省", "广州市", "越秀区", "北京路138号", "3楼"),
    Place("CN", "650032", "云南省", "昆明市", "五华区", "东风西路11号"),
    Place("CN", "530022", "广西壮族自治区", "南宁市", "青秀区", "民族大道136号"),
    Place("CN", "050011", "河北省", "石家庄市", "长安区", "中山东路39号", "恒泰大厦9层"),
    Place("CN", "330006", "江西省", "南昌市", "东湖区", "八一大道357号"),
    Place("CN", "150001", "黑龙江省", "哈尔滨市", "南岗区", "西大直街92号"),
    Place("CN", "130012", "吉林省", "长春市", "朝阳区", "人民大街5988号"),
    Place("CN", "250011", "山东省", "济南市", "历下区", "泉城路180号"),
)

GB_TERMS: tuple[Terms, ...] = (
    Terms(6, "5600.00", dates="excel"),
    Terms(30, "1409.50", dates="excel"),
    Terms(31, "86500.00", True, "100", months=2, dates="excel", style="grouped"),
    Terms(42, "2999.90", True, dates="excel"),
    Terms(60, "12800.00", True, payments="2800", dates="excel"),
    Terms(61, "238000.00", True, "200", "38000", 3, "excel", "grouped"),
    Terms(20, "6007.14", dates="excel"),
    Terms(95, "16409.02", True, "50", months=3, dates="excel"),
    Terms(180, "4200.00", True, "50", "1200", 6, "excel"),
    Terms(730, "9800.00", True, "100", "800", 12, "excel"),
)

# ---------------------------------------------------------------------------------------------
# The bad-rows file: one planted error per rule, each on its own row.


class Plant(NamedTuple):
    """One bad row: a valid base row with some cells changed, and the problem it must cause."""

    base: str  # JP, CN, US or GB: which valid row it starts from
    column: str  # the column the problem is reported in; "" for a whole-row problem
    cells: dict[str, str]
    description: str
    stray: tuple[str, ...] = ()  # cells written after the last header column


PLANTS: tuple[Plant, ...] = (
    Plant("JP", "debtor_name", {"debtor_name": ""}, "required field is empty"),
    Plant("JP", "principal", {"principal": ""}, "required amount is empty"),
    Plant("JP", "debtor_type", {"debtor_type": "個人事業主"}, "unknown debtor type"),
    Plant("US", "gender", {"gender": "Mrs"}, "gender is not f, m or empty"),
    Plant("JP", "language", {"language": "jp"}, "unknown language (jp is a country code)"),
    Plant("CN", "currency", {"currency": "RMB"}, "not an ISO 4217 currency code (RMB for CNY)"),
    Plant("JP", "country", {"country": "JPN"}, "country is not a two-letter code"),
    Plant("JP", "postal_code", {"postal_code": "160-023"}, "JP postal code with 6 digits"),
    Plant("US", "postal_code", {"postal_code": "2116"}, "US ZIP code that lost its leading zero"),
    Plant("CN", "postal_code", {"postal_code": "20012"}, "CN postal code with 5 digits"),
    Plant("GB", "postal_code", {"postal_code": "SW1A 2A"}, "truncated UK postcode"),
    Plant("US", "region", {"region": ""}, "US state missing"),
    Plant("US", "region", {"region": "NYC"}, "not a US state code"),
    Plant("CN", "region", {"region": ""}, "CN province missing"),
    Plant("JP", "principal", {"principal": "12,34"}, "amount with a bad comma group"),
    Plant("JP", "payments", {"payments": "-20000"}, "negative amount"),
    Plant("US", "interest", {"interest": "NaN"}, "amount is not a number"),
    Plant("JP", "principal", {"principal": "1e5"}, "amount in exponent notation"),
    Plant("JP", "principal", {"principal": "1200.5"}, "JPY amount with decimals"),
    Plant("US", "fees", {"fees": "10.005"}, "USD amount with three decimals"),
    Plant("JP", "due_date", {"due_date": "15/10/2026"}, "date in an ambiguous format"),
    Plant(
        "JP",
        "period_end",
        {"period_start": "2026-02-01", "period_end": "2026-02-30"},
        "impossible date",
    ),
    Plant("JP", "contract_date", {"contract_date": "平成31年5月1日"}, "era date after the era ended"),
    Plant(
        "JP",
        "period_end",
        {"period_start": "2026-09-01", "period_end": "2026-08-31"},
        "billing period ends before it starts",
    ),
    Plant("JP", "contract_date", {"contract_date": "2026-10-15"}, "contract date after the due date"),
    Plant(
        "JP",
        "payments",
        {"principal": "50000", "interest": "0", "fees": "0", "payments": "50000"},
        "nothing owed: payments cover the total",
    ),
    Plant("JP", "email", {"email": "tanaka.example.com"}, "email address without @"),
    Plant("JP", "debtor_name", {"debtor_name": "山田\x07太郎"}, "control character (BEL) in the name"),
    Plant("JP", "address_line2", {"address_line2": "新宿\ufffd\ufffdビル 12階"}, "U+FFFD in the address"),
    Plant("JP", "address_line2", {"address_line2": "新宿ビル\uffff 12階"}, "U+FFFF noncharacter"),
    Plant("JP", "account_id", {"account_id": "BAD-0002"}, "duplicate account id (row 2)"),
    Plant("JP", "", {}, "stray cell right of the last column", stray=("", "分割払い相談中")),
)


def _bad_bases() -> dict[str, dict[str, str]]:
    """One valid row per country; every planted row starts from one of them."""
    ja = make_sample(
        0,
        "BAD-0000",
        "SK",
        "ja",
        "JPY",
        Debtor("田中 一郎", PER),
        JA_PLACES[0],
        Terms(45, "120000", True, "1100", "20000"),
    )
    zh = make_sample(1, "BAD-0000", "HT", "zh", "CNY", ZH_DEBTORS[0], ZH_PLACES[0], Terms(45, "1409.50"))
    us = make_sample(2, "BAD-0000", "AGR", "en", "USD", EN_DEBTORS[3], EN_PLACES[3], Terms(45, "1250.00"))
    gb = make_sample(3, "BAD-0000", "AGR", "en", "GBP", EN_DEBTORS[2], EN_PLACES[2], Terms(45, "450.00"))
    return {"JP": csv_cells(ja), "CN": csv_cells(zh), "US": csv_cells(us), "GB": csv_cells(gb)}


def write_bad() -> None:
    """accounts_bad.csv (row 2 valid, then one planted error a row) and its expected problems."""
    bases = _bad_bases()
    rows: list[list[str]] = [list(COLUMNS), list((bases["JP"] | {"account_id": "BAD-0002"}).values())]
    expected: list[str] = []
    for row_number, plant in enumerate(PLANTS, start=3):
        cells = bases[plant.base] | {"account_id": f"BAD-{row_number:04d}"} | plant.cells
        rows.append(list(cells.values()) + list(plant.stray))
        expected.append(f"{row_number}\t{plant.column}\t{plant.description}\n")
    (HERE / "accounts_bad.csv").write_bytes(csv_text(rows, "\n").encode("utf-8"))
    (HERE / "accounts_bad.expected.txt").write_text("".join(expected), encoding="utf-8", newline="\n")


# Loans of a 貸金業者 (letterheads/minato-shinpan): its demands state the amount lent and the rate
# (貸金業法21条2項4号・5号), so these rows add loan_amount and interest_rate; one company name is
# written ㈱… as bank data often has it (the letters write 株式会社 out).
LENDER_COLUMNS = (
    "account_id,debtor_name,debtor_type,attention,language,currency,principal,interest,fees,payments,"
    "due_date,contract_number,contract_date,period_start,period_end,loan_amount,interest_rate,"
    "country,postal_code,region,city,address_line1,address_line2"
)
LENDER_ROWS = (
    "ML-1001,中村 一郎,person,,ja,JPY,286000,3420,0,14000,2026-10-27,MS-2024-0311,2024-03-11,"
    "2026-09-28,2026-10-27,500000,15.0,JP,231-0062,神奈川県,横浜市中区,桜木町1丁目1番地,",
    "ML-1002,㈱港北製作所,organisation,経理部,ja,JPY,1840000,26540,1100,0,2026-09-30,MS-2023-1207,"
    "2023-12-07,2026-09-01,2026-09-30,3000000,12.5,JP,222-0033,神奈川県,横浜市港北区,新横浜2丁目5番10号,港北ビル3階",
)


def write_lender() -> None:
    rows = [LENDER_COLUMNS.split(",")] + [row.split(",") for row in LENDER_ROWS]
    (HERE / "accounts_ja_lender.csv").write_bytes(csv_text(rows, "\r\n").encode("utf-8-sig"))


# ---------------------------------------------------------------------------------------------


def main() -> None:
    ja = make_samples("JA", 1001, "SK", "ja", "JPY", JA_DEBTORS, JA_PLACES, JA_TERMS)
    zh = make_samples("ZH", 1001, "HT", "zh", "CNY", ZH_DEBTORS, ZH_PLACES, ZH_TERMS)
    zh[7] = _with_separator(zh[7], "；")  # full-width separator, as typed with a Chinese IME
    en = make_samples("EN", 1001, "AGR", "en", EN_CURRENCIES, EN_DEBTORS, EN_PLACES, EN_TERMS)
    cp932 = make_samples("JA", 2001, "SK", "ja", "JPY", CP932_DEBTORS, CP932_PLACES, CP932_TERMS)
    gb = make_samples("ZH", 2001, "HT", "zh", "CNY", GB_DEBTORS, GB_PLACES, GB_TERMS)

    write_csv("accounts_ja.csv", ja, encoding="utf-8-sig", newline="\r\n")
    write_csv("accounts_zh.csv", zh, encoding="utf-8-sig", newline="\r\n")
    write_csv("accounts_en.csv", en, encoding="utf-8", newline="\n", zero="")
    write_csv(
        "accounts_ja_cp932.csv",
        cp932,
        encoding="cp932",
        newline="\r\n",
        kinds={"person": "個人", "organisation": "法人"},
    )
    write_csv(
        "accounts_zh_gb18030.csv",
        gb,
        encoding="gb18030",
        newline="\r\n",
        kinds={"person": "个人", "organisation": "企业"},
    )

    mixed = [ja[0], zh[1], en[0], ja[9], zh[5], en[5], ja[18], zh[13], en[12], ja[23], zh[21], en[19]]
    write_json([_renumbered(s, f"MX-{n:04d}") for n, s in enumerate(mixed, start=1)])

    # Ids that look like numbers (leading zeros) must stay text cells.
    sheet = [ja[2], ja[6], ja[12], ja[14], ja[21], zh[3], zh[7], zh[10], zh[16], zh[18]]
    sheet += [en[1], en[8], en[12], en[16], en[22]]
    write_xlsx([_renumbered(s, f"{31001 + n:07d}") for n, s in enumerate(sheet)])

    write_bad()
    write_lender()


def _renumbered(sample: Sample, account_id: str) -> Sample:
    return replace(sample, account_id=account_id)


def _with_separator(sample: Sample, separator: str) -> Sample:
    return replace(sample, ref_separator=separator)


if __name__ == "__main__":
    main()
