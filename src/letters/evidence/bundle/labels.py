"""What an evidence bundle prints besides documents: its words in ja / zh / en, and the Bates format."""

from __future__ import annotations

import re
from collections.abc import Mapping

from letters.errors import ConfigError

BUNDLE_LANGUAGES: tuple[str, ...] = ("ja", "zh", "en")
# Here rather than in bundle.py so that the CLI can show the default without importing pypdf.
DEFAULT_BATES_PREFIX = "LETTERS"
BATES_WIDTH = 6
_BATES_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}")

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "bundle": "Evidence bundle",
        "case": "Case",
        "parties": "Parties",
        "creditor": "Creditor",
        "counsel": "Creditor's counsel",
        "original_creditor": "Original creditor",
        "debtor": "Debtor",
        "account": "Account",
        "date": "Date",
        "prepared_by": "Prepared by",
        "contents": "Contents",
        "contents_value": "{documents} documents, {pages} pages",
        "bates": "Bates numbers",
        "integrity": (
            "Every letter and mailing list in this bundle was checked, before it was included, against "
            "the SHA-256 recorded in the ledger and in the archive (BagIt). The last page lists the "
            "SHA-256 of every document."
        ),
        "versus": "{creditor} v. {debtor}",
        "index": "Index",
        "col_no": "No.",
        "col_date": "Date",
        "col_document": "Document",
        "col_page": "Page",
        "col_pages": "Pages",
        "col_bates": "Bates numbers",
        "letter": "{kind} {letter_id}",
        "letter_registered": "{kind} {letter_id}, registered mail {tracking}",
        "mailing": "Mailing list, {carrier}, {date}",
        "mailing_pages": "Mailing list, {carrier}, {date} (page {pages} of {total})",
        "deliveries": "Delivery events",
        "timeline": "Correspondence timeline",
        "extra": "Supplied document: {name}",
        "digest": "SHA-256 digests of the documents",
        "col_tracking": "Tracking number",
        "col_letter": "Letter",
        "col_event": "Event",
        "col_note": "Note",
        "col_recorded": "Imported from",
        "no_events": "The ledger holds no delivery events for the tracking numbers of these letters.",
        "no_tracking": "None of these letters was sent with a tracking number.",
        "sent": "{kind} {letter_id} written and sent",
        "handed": "Handed to {carrier}, {tracking}",
        "event_entry": "{event}: {tracking}",
        "see": "(see No. {n})",
        "override": "{letter_id} sent despite a hold, on {operator}'s authority: {why} (hold: {holds})",
        "col_file": "File",
        "col_sha256": "SHA-256",
        "digest_intro": (
            "SHA-256 of each file exactly as archived (letters, mailing lists) or as supplied (other "
            "documents), computed when this bundle was made. Pages of the bundle carry an added page "
            "number and Bates number, so the files, not these pages, are what the digests identify."
        ),
        "generated": "generated from the ledger for this bundle",
        "chain": "Ledger batches of these letters (hash chain)",
        "col_batch": "Batch",
        "col_seq": "Seq.",
        "col_hash": "Chain hash",
        "page_label": "Page {n} of {total}",
        "none": "—",
        "cover": "Cover",
    },
    "ja": {
        "bundle": "証拠書類綴",
        "case": "事件名",
        "parties": "当事者",
        "creditor": "債権者",
        "counsel": "債権者代理人",
        "original_creditor": "原債権者",
        "debtor": "債務者",
        "account": "顧客番号",
        "date": "作成日",
        "prepared_by": "作成者",
        "contents": "内容",
        "contents_value": "書類{documents}点・全{pages}頁",
        "bates": "通し番号",
        "integrity": (
            "本綴の各書簡および差出票は、綴込み前に、台帳およびアーカイブ（BagIt）に記録された"
            "SHA-256と照合済みです。最終頁に全書類のSHA-256を掲載しています。"
        ),
        "versus": "{creditor} 対 {debtor}",
        "index": "目次",
        "col_no": "番号",
        "col_date": "日付",
        "col_document": "書類",
        "col_page": "頁",
        "col_pages": "頁数",
        "col_bates": "通し番号",
        "letter": "{kind}（{letter_id}）",
        "letter_registered": "{kind}（{letter_id}、書留 {tracking}）",
        "mailing": "差出票（{carrier}、{date}）",
        "mailing_pages": "差出票（{carrier}、{date}、全{total}頁中{pages}頁）",
        "deliveries": "配達記録",
        "timeline": "書簡送付の経過",
        "extra": "追加書類：{name}",
        "digest": "書類のSHA-256ハッシュ値一覧",
        "col_tracking": "お問い合わせ番号",
        "col_letter": "書簡",
        "col_event": "内容",
        "col_note": "備考",
        "col_recorded": "取込元",
        "no_events": "これらの書簡のお問い合わせ番号について、台帳に配達記録はありません。",
        "no_tracking": "これらの書簡はいずれも追跡番号なしで送付されています。",
        "sent": "{kind}（{letter_id}）を作成・発送",
        "handed": "{carrier}に差出（{tracking}）",
        "event_entry": "{event}（{tracking}）",
        "see": "（番号{n}参照）",
        "override": "保留中の口座に{letter_id}を送付（承認：{operator}、理由：{why}。保留：{holds}）",
        "col_file": "ファイル",
        "col_sha256": "SHA-256",
        "digest_intro": (
            "各ファイルのSHA-256は、アーカイブに保存されたとおりの（書簡・差出票）または提出されたとおりの"
            "（その他の書類）ファイルについて、本綴の作成時に計算したものです。本綴の各頁には頁番号と"
            "通し番号が付加されているため、ハッシュ値が示すのは各頁ではなく元のファイルです。"
        ),
        "generated": "台帳から本綴のために作成",
        "chain": "これらの書簡の台帳バッチ（ハッシュチェーン）",
        "col_batch": "バッチ",
        "col_seq": "連番",
        "col_hash": "チェーンハッシュ",
        "page_label": "{n} / {total} 頁",
        "none": "—",
        "cover": "表紙",
    },
    "zh": {
        "bundle": "证据材料汇编",
        "case": "案件名称",
        "parties": "当事人",
        "creditor": "债权人",
        "counsel": "债权人代理律师",
        "original_creditor": "原债权人",
        "debtor": "债务人",
        "account": "客户编号",
        "date": "制作日期",
        "prepared_by": "制作人",
        "contents": "内容",
        "contents_value": "共{documents}份材料，{pages}页",
        "bates": "连续编号",
        "integrity": (
            "本汇编中的每封函件及交寄清单，在编入前均已与台账及归档（BagIt）中记录的SHA-256核对一致。"
            "最后一页列出全部材料的SHA-256。"
        ),
        "versus": "{creditor} 与 {debtor}",
        "index": "目录",
        "col_no": "序号",
        "col_date": "日期",
        "col_document": "材料名称",
        "col_page": "页码",
        "col_pages": "页数",
        "col_bates": "连续编号",
        "letter": "{kind}（{letter_id}）",
        "letter_registered": "{kind}（{letter_id}，挂号 {tracking}）",
        "mailing": "交寄清单（{carrier}，{date}）",
        "mailing_pages": "交寄清单（{carrier}，{date}，共{total}页中第{pages}页）",
        "deliveries": "投递记录",
        "timeline": "函件往来时间线",
        "extra": "补充材料：{name}",
        "digest": "材料SHA-256哈希值清单",
        "col_tracking": "邮件号码",
        "col_letter": "函件",
        "col_event": "状态",
        "col_note": "备注",
        "col_recorded": "导入来源",
        "no_events": "台账中没有这些函件邮件号码的投递记录。",
        "no_tracking": "这些函件均未使用邮件号码寄出。",
        "sent": "制作并寄出{kind}（{letter_id}）",
        "handed": "交{carrier}寄递（{tracking}）",
        "event_entry": "{event}（{tracking}）",
        "see": "（见序号{n}）",
        "override": "在暂停催收期间经{operator}批准发出{letter_id}（理由：{why}；暂停：{holds}）",
        "col_file": "文件",
        "col_sha256": "SHA-256",
        "digest_intro": (
            "各文件的SHA-256系于制作本汇编时，按归档原样（函件、交寄清单）或按提交原样（其他材料）计算。"
            "本汇编各页另加了页码和连续编号，因此哈希值对应的是原文件，而非本汇编的页面。"
        ),
        "generated": "根据台账为本汇编生成",
        "chain": "这些函件所在的台账批次（哈希链）",
        "col_batch": "批次",
        "col_seq": "序号",
        "col_hash": "链哈希",
        "page_label": "第 {n} 页 / 共 {total} 页",
        "none": "—",
        "cover": "封面",
    },
}

_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "reminder": "Payment reminder",
        "demand": "Demand letter",
        "lawyer": "Lawyer's letter",
        "payment-plan": "Payment plan",
        "validation-notice": "Validation notice",
    },
    "ja": {
        "reminder": "お支払いのお願い",
        "demand": "催告書",
        "lawyer": "通知書（弁護士）",
        "payment-plan": "お支払計画のご確認",
        "validation-notice": "債権確認通知",
    },
    "zh": {
        "reminder": "付款提醒函",
        "demand": "催款函",
        "lawyer": "律师函",
        "payment-plan": "分期还款确认函",
        "validation-notice": "债务确认通知",
    },
}

_EVENTS: dict[str, dict[str, str]] = {
    "en": {
        "delivered": "Delivered",
        "returned": "Returned to sender",
        "refused": "Refused",
        "unknown_address": "Addressee unknown",
    },
    "ja": {
        "delivered": "配達済み",
        "returned": "返送",
        "refused": "受取拒否",
        "unknown_address": "宛所尋ねあたらず",
    },
    "zh": {"delivered": "已妥投", "returned": "退回", "refused": "拒收", "unknown_address": "地址不详"},
}

_CARRIERS: dict[str, dict[str, str]] = {
    "en": {
        "japan-post": "Japan Post",
        "china-post": "China Post",
        "usps": "USPS",
        "royal-mail": "Royal Mail",
    },
    "ja": {
        "japan-post": "日本郵便",
        "china-post": "中国郵政",
        "usps": "米国郵便公社",
        "royal-mail": "英国郵便",
    },
    "zh": {
        "japan-post": "日本邮政",
        "china-post": "中国邮政",
        "usps": "美国邮政",
        "royal-mail": "英国皇家邮政",
    },
}


def check_language(lang: str) -> str:
    if lang not in BUNDLE_LANGUAGES:
        raise ConfigError(f"bundle language {lang!r} is not one of {', '.join(BUNDLE_LANGUAGES)}")
    return lang


def labels(lang: str) -> Mapping[str, str]:
    return _LABELS[check_language(lang)]


def kind_label(kind: str, lang: str) -> str:
    """A letter kind as the bundle names it; a kind added later shows under its own name until translated."""
    return _KINDS[check_language(lang)].get(kind, kind)


def event_label(event: str, lang: str) -> str:
    return _EVENTS[check_language(lang)].get(event, event)


def carrier_label(carrier: str, lang: str) -> str:
    return _CARRIERS[check_language(lang)].get(carrier, carrier)


def check_bates_prefix(prefix: str) -> str:
    if not _BATES_PREFIX.fullmatch(prefix):
        raise ConfigError(
            f"Bates prefix {prefix!r}: use 1–30 letters, digits, '.', '_' or '-', starting with a letter "
            "or digit (e.g. SAKURA)"
        )
    return prefix


def bates(prefix: str, page: int) -> str:
    """The Bates number of a bundle page: SAKURA-000001."""
    if page >= 10**BATES_WIDTH:
        raise ConfigError(f"a bundle of {page} pages does not fit {BATES_WIDTH}-digit Bates numbers")
    return f"{prefix}-{page:0{BATES_WIDTH}d}"
