"""The browser's language (or the switch) → the desk's UI words in ja, zh or en."""

from __future__ import annotations

UI_LANGS = ("ja", "zh", "en")

_WORDS: dict[str, dict[str, str]] = {
    "title": {"ja": "督促デスク", "zh": "催收工作台", "en": "Collector desk"},
    "find": {"ja": "検索", "zh": "查找", "en": "Find"},
    "query": {"ja": "口座番号・氏名・電話", "zh": "账号、姓名或电话", "en": "Account id, name or phone"},
    "balance": {"ja": "残高", "zh": "余额", "en": "Balance"},
    "overdue": {"ja": "延滞日数", "zh": "逾期天数", "en": "Days overdue"},
    "hold": {"ja": "保留", "zh": "暂停", "en": "Hold"},
    "limitation": {"ja": "時効", "zh": "诉讼时效", "en": "Limitation"},
    "plan": {"ja": "予定", "zh": "计划", "en": "Plan"},
    "compose": {"ja": "作成", "zh": "撰写", "en": "Compose"},
    "history": {"ja": "履歴", "zh": "记录", "en": "History"},
    "kind": {"ja": "種類", "zh": "类型", "en": "Kind"},
    "installments": {"ja": "分割回数", "zh": "分期数", "en": "Installments"},
    "naiyo": {"ja": "内容証明", "zh": "内容证明", "en": "内容証明 grid"},
    "letterhead": {"ja": "レターヘッド", "zh": "信头", "en": "Letterhead"},
    "policy": {"ja": "方針どおり", "zh": "按策略", "en": "as the policy says"},
    "docx": {"ja": "DOCXも作成", "zh": "同时生成DOCX", "en": "Also DOCX"},
    "override": {"ja": "保留解除の理由", "zh": "解除暂停的理由", "en": "Hold override reason"},
    "send": {"ja": "送付（記録）", "zh": "发送（记录）", "en": "Send (record)"},
    "preview": {"ja": "プレビュー", "zh": "预览", "en": "Preview"},
    "sent": {"ja": "送付しました", "zh": "已发送", "en": "Sent"},
    "download": {"ja": "PDFをダウンロード", "zh": "下载PDF", "en": "Download PDF"},
    "none": {"ja": "該当なし", "zh": "无结果", "en": "Nothing found"},
    "required": {"ja": "必須項目です", "zh": "必填项", "en": "required"},
    "fix": {"ja": "入力を確認してください", "zh": "请检查输入", "en": "Please check the fields"},
    "login": {"ja": "トークン", "zh": "令牌", "en": "Token"},
    "held": {"ja": "この口座は保留中です", "zh": "该账户已暂停", "en": "This account is on hold"},
    "account": {"ja": "口座番号", "zh": "账号", "en": "Account"},
    "name": {"ja": "氏名・名称", "zh": "姓名/名称", "en": "Name"},
    # The letter kinds as the collector knows them (the option values stay the CLI's --letter names).
    "kind.reminder": {"ja": "督促状", "zh": "催款通知书", "en": "Payment reminder"},
    "kind.demand": {"ja": "催告書", "zh": "催告函", "en": "Formal demand"},
    "kind.lawyer": {"ja": "弁護士名義の通知書", "zh": "律师函", "en": "Lawyer's letter"},
    "kind.validation-notice": {
        "ja": "債務確認通知（米国）",
        "zh": "债务确认通知（美国）",
        "en": "Validation notice (US)",
    },
    "event.letter": {"ja": "送付", "zh": "发送", "en": "Letter"},
    "event.delivery": {"ja": "配達", "zh": "投递", "en": "Delivery"},
    "event.hold": {"ja": "保留", "zh": "暂停", "en": "Hold"},
    "event.release": {"ja": "保留解除", "zh": "解除暂停", "en": "Hold released"},
    "event.override": {"ja": "保留中の送付", "zh": "暂停期间发送", "en": "Sent despite hold"},
    "event.payment": {"ja": "入金", "zh": "收款", "en": "Payment"},
    "kind.payment-plan": {"ja": "分割払いのご案内", "zh": "分期还款计划", "en": "Payment plan"},
}


def pick_language(accept: str, chosen: str | None) -> str:
    """The switch's language, else the first of the browser's languages the desk speaks, else en."""
    if chosen in UI_LANGS:
        return chosen
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in UI_LANGS:
            return code
    return "en"


def words(lang: str) -> dict[str, str]:
    """Every UI word in one language."""
    return {key: by_lang[lang] for key, by_lang in _WORDS.items()}


# The validation rules' reasons (intake/validate.py, intake/parse.py) by how they begin, in ja and zh;
# the rule's own English text follows in brackets, as it carries the details (examples, limits).
_REASONS: tuple[tuple[str, dict[str, str]], ...] = (
    ("required", {"ja": "必須項目です", "zh": "必填项"}),
    ("not an amount", {"ja": "金額として読めません", "zh": "不是有效的金额"}),
    ("amounts may not be negative", {"ja": "金額は負にできません", "zh": "金额不能为负数"}),
    ("more decimal places", {"ja": "小数点以下の桁数が多すぎます", "zh": "小数位数过多"}),
    ("not a date", {"ja": "日付として読めません", "zh": "不是有效的日期"}),
    ("no such date", {"ja": "存在しない日付です", "zh": "日期不存在"}),
    ("not an email address", {"ja": "メールアドレスではありません", "zh": "不是有效的电子邮箱"}),
    ("not an ISO 4217", {"ja": "通貨コードが正しくありません", "zh": "货币代码不正确"}),
    ("must be an ISO 3166", {"ja": "国コードが正しくありません", "zh": "国家代码不正确"}),
    ("must be ", {"ja": "選択肢から選んでください", "zh": "请从选项中选择"}),
)


def field_error(lang: str, reason: str) -> str:
    """A validation reason in the UI language (with the rule's own text for the details)."""
    if lang == "en":
        return reason
    for start, by_lang in _REASONS:
        if reason.startswith(start):
            return (
                by_lang[lang]
                if reason in ("required", "required field is empty")
                else f"{by_lang[lang]}（{reason}）"
            )
    return reason
