"""Mail services per carrier (簡易書留, Certified Mail, 挂号信 …): names, number formats, forms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from letters.carriers.numbers import Scheme, TrackingNumber

# The carrier follows the sender's country (the letterhead's `country`): letters are handed in at
# the sender's post office, whatever the debtor's country.
CARRIER_OF_COUNTRY: dict[str, str] = {
    "JP": "japan-post",
    "CN": "china-post",
    "US": "usps",
    "GB": "royal-mail",
}


@dataclass(frozen=True)
class MailService:
    """One accountable-mail service of one carrier, and what its numbers and forms look like.

    `schemes`: the number formats the carrier issues for it.  `s10_first`: for S10 numbers, the
    letters the service indicator may start with ("" = any the carrier allocates); an S10 number
    must always end in the sender's country code, since it is the issuing post's country.
    `names`: the service's own name before the number on the letter, per letter language.
    `form`: the carrier's list of accountable items for it; `fee_name`: that form's fee column.
    """

    key: str
    carrier: str
    schemes: tuple[Scheme, ...]
    s10_first: str
    names: Mapping[str, str]
    form: str
    fee_name: str
    source: str


SERVICES: dict[str, MailService] = {
    s.key: s
    for s in (
        MailService(
            "jp-tokutei-kiroku",
            "japan-post",
            ("jp",),
            "",
            {
                "ja": "特定記録 お問い合わせ番号",
                "en": "Japan Post Tokutei Kiroku (recorded) No.",
                "zh": "特定记录 编号",
            },
            "書留・特定記録郵便物等差出票（特定記録）",
            "特定記録料金",
            "日本郵便「特定記録」(引受を記録、受領印なし); 差出票は「書留・特定記録郵便物等差出票」",
        ),
        MailService(
            "jp-kani-kakitome",
            "japan-post",
            ("jp",),
            "",
            {
                "ja": "簡易書留 引受番号",
                "en": "Japan Post Kani Kakitome (simple registered) No.",
                "zh": "简易挂号 编号",
            },
            "書留・特定記録郵便物等差出票（簡易書留）",
            "簡易書留料金",
            "郵便法第45条第4項 (簡易書留); 日本郵便「書留」; 差出票は「書留・特定記録郵便物等差出票」",
        ),
        MailService(
            "jp-ippan-kakitome",
            "japan-post",
            ("jp",),
            "",
            {
                "ja": "一般書留 引受番号",
                "en": "Japan Post Ippan Kakitome (registered) No.",
                "zh": "一般挂号 编号",
            },
            "書留・特定記録郵便物等差出票（一般書留）",
            "一般書留料金",
            "郵便法第45条 (書留); 日本郵便「書留」; 差出票は「書留・特定記録郵便物等差出票」",
        ),
        MailService(
            "jp-naiyo-haitatsu",
            "japan-post",
            ("jp",),
            "",
            {
                "ja": "内容証明・配達証明付き一般書留 引受番号",
                "en": "Japan Post contents-certified registered mail with proof of delivery No.",
                "zh": "内容证明・投递证明 挂号 编号",
            },
            "書留・特定記録郵便物等差出票（一般書留・内容証明・配達証明）",
            "書留・内容証明・配達証明料金",
            "郵便法第45条 (書留), 第47条 (配達証明), 第48条 (内容証明); 内容証明郵便物は一般書留に限る",
        ),
        MailService(
            "us-certified",
            "usps",
            ("usps",),
            "",
            {"en": "Certified Mail No.", "ja": "USPS Certified Mail No.", "zh": "USPS Certified Mail No."},
            "Firm Mailing Book for Accountable Mail (PS Form 3877) — Certified Mail",
            "Certified Fee",
            "USPS DMM 503.3 (Certified Mail; 20/22-digit IMpb numbers, DMM 708.5); PS Form 3877",
        ),
        MailService(
            "us-certified-rr",
            "usps",
            ("usps",),
            "",
            {
                "en": "Certified Mail, Return Receipt Requested, No.",
                "ja": "USPS Certified Mail, Return Receipt No.",
                "zh": "USPS Certified Mail, Return Receipt No.",
            },
            "Firm Mailing Book for Accountable Mail (PS Form 3877) — Certified Mail, Return Receipt",
            "Certified + Return Receipt Fee",
            "USPS DMM 503.3 (Certified Mail), 503.6 (Return Receipt, PS Form 3811); PS Form 3877",
        ),
        MailService(
            "us-registered",
            "usps",
            ("s10",),
            "R",
            {"en": "Registered Mail No.", "ja": "USPS Registered Mail No.", "zh": "USPS Registered Mail No."},
            "Firm Mailing Book for Accountable Mail (PS Form 3877) — Registered Mail",
            "Registered Fee",
            "USPS DMM 503.2 (Registered Mail, PS Form 3806 labels: S10 numbers R…US); PS Form 3877",
        ),
        MailService(
            "uk-signed-for",
            "royal-mail",
            ("s10",),
            "",
            {
                "en": "Royal Mail Signed For No.",
                "ja": "Royal Mail Signed For No.",
                "zh": "Royal Mail Signed For No.",
            },
            "Royal Mail Certificate of Posting — Royal Mail Signed For",
            "Signed For Fee",
            "Royal Mail Signed For (Royal Mail Inland Letter Post Scheme; S10-format barcodes ending GB)",
        ),
        MailService(
            "uk-special-delivery",
            "royal-mail",
            ("s10",),
            "",
            {
                "en": "Royal Mail Special Delivery Guaranteed No.",
                "ja": "Royal Mail Special Delivery Guaranteed No.",
                "zh": "Royal Mail Special Delivery Guaranteed No.",
            },
            "Royal Mail Certificate of Posting — Special Delivery Guaranteed",
            "Special Delivery Fee",
            "Royal Mail Special Delivery Guaranteed by 1pm (Inland Letter Post Scheme; S10-format ending GB)",
        ),
        MailService(
            "cn-guahao",
            "china-post",
            ("s10",),
            "R",
            {"zh": "挂号信 编号", "ja": "中国郵政 挂号信 番号", "en": "China Post registered letter No."},
            "中国邮政 挂号信函交寄清单",
            "挂号费",
            "《邮政法》第四十五条、第四十七条 (给据邮件); UPU S10 (R = registered letter post, …CN)",
        ),
        MailService(
            "cn-ems",
            "china-post",
            ("s10",),
            "E",
            {"zh": "特快专递（EMS）邮件号", "ja": "中国郵政 EMS 番号", "en": "China Post EMS No."},
            "中国邮政 特快专递（EMS）交寄清单",
            "EMS 资费",
            "中国邮政速递物流 EMS; UPU S10 (E = EMS, …CN)",
        ),
    )
}


def carrier_for_country(country: str) -> str | None:
    """The carrier letters from a sender in `country` go by (JP → japan-post …), or None."""
    return CARRIER_OF_COUNTRY.get(country)


def number_problem(service: MailService, number: TrackingNumber, sender_country: str) -> str | None:
    """Why `number` cannot be a `service` number posted in `sender_country`, or None when it fits."""
    if number.scheme not in service.schemes:
        wanted = {
            "usps": "a USPS 20- or 22-digit number",
            "jp": "a Japan Post 12-digit number",
            "s10": "an S10 number",
        }
        needs = " or ".join(wanted[s] for s in service.schemes)
        return f"{number.display} is not {needs} as {service.key} needs"
    if number.scheme == "s10":
        if number.country != sender_country:
            return (
                f"{number.display} ends in {number.country}, but the sender posts in {sender_country} "
                f"(an S10 number ends with the issuing post's country)"
            )
        if service.s10_first and number.number[0] not in service.s10_first:
            return f"{number.display}: {service.key} numbers start with {service.s10_first}"
    return None
