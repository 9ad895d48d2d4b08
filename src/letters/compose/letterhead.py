"""Load a letterhead folder (letterhead.toml, logo, seal) into a checked Letterhead record."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from letters.errors import ConfigError
from letters.intake.parse import known_currency

LetterheadKind = Literal["company", "law_firm"]
Paper = Literal["A4", "Letter"]
SealKind = Literal["kakuin", "gongzhang", "signature"]

_LANG_KEYS = frozenset(
    {"name", "address", "registration", "signatory", "department", "contact", "reference_prefix"}
    | {"contact_name", "hours", "language_access", "licence"}
)
_TOP_KEYS = frozenset(
    {"kind", "country", "paper", "logo", "seal", "seal_kind", "signature", "phone", "fax", "email", "website"}
    | {"ja", "zh", "en", "bank", "debt_collector", "moneylender", "nyc_licensed"}
)


@dataclass(frozen=True)
class LetterheadText:
    """What a letterhead says in one language."""

    name: str
    address: tuple[str, ...]  # lines, top to bottom
    registration: str  # licence / registration number line; may be empty
    signatory: str  # the person signing, with title (代表取締役 … / Managing Partner …)
    department: str  # e.g. 債権管理部, 法务部; may be empty
    contact: str  # contact person line; may be empty
    reference_prefix: str  # law firms: firm code for letter references (沪明理律函字); may be empty
    # The name alone of the person in charge (担当者氏名): a 貸金業者's demand must name who sends
    # it (貸金業法21条2項2号); ``contact`` is a free line and may hold a desk or a number only.
    contact_name: str = ""
    # When the phone number is answered, as a phrase ("Monday to Friday, 9 a.m. to 5 p.m. ET"): the
    # US validation notice gives one number and its hours in one sentence.
    hours: str = ""
    # The language access services the sender offers, in a sentence (NYC DCWP rules; see
    # compose/required/us_states.py); required when the letterhead is NYC-licensed.
    language_access: str = ""
    licence: str = ""  # the signing lawyer's practising certificate number (律师执业证号); may be empty


@dataclass(frozen=True)
class Letterhead:
    """A sender: company or law firm, with its texts per language, bank details, logo and seal."""

    id: str
    folder: Path
    kind: LetterheadKind
    country: str
    paper: Paper
    logo: Path
    seal: Path
    seal_kind: SealKind
    phone: str
    fax: str
    email: str
    website: str
    texts: Mapping[str, LetterheadText]
    bank: Mapping[str, Mapping[str, str]]  # currency → language → payment instructions
    # A US third-party debt collector (FDCPA §1692a(6)): its first letter to a US consumer is the
    # validation notice, and nothing it sends may overshadow the validation period.
    debt_collector: bool = False
    # A Japanese 貸金業者 (registered money lender, 貸金業法3条): its reminders and demands, and a
    # lawyer's letter written for it, carry the items of 貸金業法21条2項 (compose/required/jp.py).
    moneylender: bool = False
    # Licensed by New York City's Department of Consumer and Worker Protection as a debt collection
    # agency: its letters to New York consumers carry the DCWP language-access statement.
    nyc_licensed: bool = False
    # The signing lawyer's handwritten signature (a 律师函 is signed by the lawyer in charge, beside
    # the firm's seal); None when the letterhead has none.
    signature: Path | None = None

    def text(self, lang: str) -> LetterheadText:
        try:
            return self.texts[lang]
        except KeyError:
            raise ConfigError(
                f"letterhead {self.id!r} has no [{lang}] section; "
                f"add one to {self.folder / 'letterhead.toml'}"
            ) from None

    def bank_details(self, currency: str, lang: str) -> str:
        """Payment instructions for a currency, in a language; an error if the letterhead lacks them."""
        try:
            return self.bank[currency][lang]
        except KeyError:
            raise ConfigError(
                f"letterhead {self.id!r} has no bank details for {currency} in {lang}; "
                f'add [bank.{currency}] {lang} = "…" to {self.folder / "letterhead.toml"}'
            ) from None


def load_letterhead(folder: Path) -> Letterhead:
    """Read and check ``folder/letterhead.toml``; unknown keys and missing files are errors."""
    config = folder / "letterhead.toml"
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no letterhead at {folder}: {config.name} is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{config}: unknown setting(s) {', '.join(unknown)}")

    def need(key: str, allowed: tuple[str, ...] | None = None) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{config}: {key} is required (a text value)")
        if allowed is not None and value not in allowed:
            raise ConfigError(f"{config}: {key} must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def asset(key: str) -> Path:
        name = need(key)
        path = (folder / name).resolve()
        if folder.resolve() not in path.parents:
            raise ConfigError(f"{config}: {key} must be a file inside the letterhead folder")
        if not path.is_file():
            raise ConfigError(f"{config}: {key} file {name!r} does not exist")
        return path

    texts: dict[str, LetterheadText] = {}
    for lang in ("ja", "zh", "en"):
        if lang in data:
            texts[lang] = _text_block(config, lang, data[lang])
    if not texts:
        raise ConfigError(f"{config}: needs at least one of the [ja], [zh], [en] sections")
    bank: dict[str, dict[str, str]] = {}
    raw_bank = data.get("bank", {})
    if not isinstance(raw_bank, dict):
        raise ConfigError(f"{config}: bank must be tables like [bank.JPY] with ja / zh / en texts")
    for currency, by_lang in raw_bank.items():
        if not known_currency(currency):
            raise ConfigError(f"{config}: [bank.{currency}] is not an ISO 4217 currency code")
        if not isinstance(by_lang, dict) or not all(isinstance(v, str) for v in by_lang.values()):
            raise ConfigError(f"{config}: [bank.{currency}] must map languages to text")
        odd = sorted(set(by_lang) - {"ja", "zh", "en"})
        if odd:
            raise ConfigError(f"{config}: [bank.{currency}] has unknown language(s) {', '.join(odd)}")
        bank[currency] = dict(by_lang)
    for key in ("phone", "fax", "email", "website"):
        if not isinstance(data.get(key, ""), str):
            raise ConfigError(f"{config}: {key} must be text")
    kind = need("kind", ("company", "law_firm"))
    collector = data.get("debt_collector", False)
    lender = data.get("moneylender", False)
    nyc = data.get("nyc_licensed", False)
    for key, flag in (("debt_collector", collector), ("moneylender", lender), ("nyc_licensed", nyc)):
        if not isinstance(flag, bool):
            raise ConfigError(f"{config}: {key} must be true or false")
    paper = need("paper", ("A4", "Letter"))
    seal_kind = need("seal_kind", ("kakuin", "gongzhang", "signature"))
    return Letterhead(
        id=folder.name,
        folder=folder.resolve(),
        kind=kind,  # type: ignore[arg-type]  # checked by need() against the Literal's values
        country=need("country"),
        paper=paper,  # type: ignore[arg-type]
        logo=asset("logo"),
        seal=asset("seal"),
        seal_kind=seal_kind,  # type: ignore[arg-type]
        phone=str(data.get("phone", "")),
        fax=str(data.get("fax", "")),
        email=str(data.get("email", "")),
        website=str(data.get("website", "")),
        texts=texts,
        bank=bank,
        debt_collector=collector,
        moneylender=lender,
        nyc_licensed=nyc,
        signature=asset("signature") if "signature" in data else None,
    )


# A department named at the start of a contact line: 客户服务部 联系人：… / 債権管理部 担当：… /
# Customer Service: …  A letter must name one department (the letterhead's) wherever it names one.
_UNIT = {
    "zh": re.compile(r"^(\S+?(?:部|中心|科|处|室))(?=[\s：:])"),
    "ja": re.compile(r"^(\S+?(?:部|課|室|センター|グループ))(?=[\s：:　])"),
    "en": re.compile(r"^([A-Z][\w’' ]*?(?:Department|Dept\.?|Team|Unit|Desk|Group|Services?))(?=[\s:,])"),
}


def contact_department(lang: str, contact: str) -> str:
    """The department a contact line names at its start, or ""."""
    pattern = _UNIT.get(lang)
    found = pattern.match(contact.strip()) if pattern else None
    return found.group(1) if found else ""


def _text_block(config: Path, lang: str, block: Any) -> LetterheadText:
    if not isinstance(block, dict):
        raise ConfigError(f"{config}: [{lang}] must be a table")
    unknown = sorted(set(block) - _LANG_KEYS)
    if unknown:
        raise ConfigError(f"{config}: unknown setting(s) in [{lang}]: {', '.join(unknown)}")
    for key in ("name", "address", "signatory"):
        if not block.get(key):
            raise ConfigError(f"{config}: [{lang}] {key} is required")
    address = block["address"]
    if isinstance(address, str):
        address = [address]
    if not isinstance(address, list) or not all(isinstance(line, str) for line in address):
        raise ConfigError(f"{config}: [{lang}] address must be a list of lines")
    department = str(block.get("department", ""))
    named = contact_department(lang, str(block.get("contact", "")))
    if named and named != department:
        # The letterhead says one department and the contact line another: the debtor would not
        # know whom to call, and the letter reads as assembled from parts.
        raise ConfigError(
            f"{config}: [{lang}] contact names the department {named!r} but the letterhead's "
            f"department is {department or '(none)'!r}; use the same name in both"
        )
    return LetterheadText(
        name=str(block["name"]),
        address=tuple(address),
        registration=str(block.get("registration", "")),
        signatory=str(block["signatory"]),
        department=str(block.get("department", "")),
        contact=str(block.get("contact", "")),
        reference_prefix=str(block.get("reference_prefix", "")),
        contact_name=str(block.get("contact_name", "")),
        hours=str(block.get("hours", "")),
        language_access=str(block.get("language_access", "")),
        licence=str(block.get("licence", "")),
    )


def find_letterhead(name: str, root: Path) -> Letterhead:
    """A letterhead by name from the letterheads folder; names are plain folder names, never paths."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ConfigError(f"letterhead name {name!r} is not a plain folder name")
    folder = root / name
    if not folder.is_dir():
        available = sorted(p.name for p in root.iterdir() if (p / "letterhead.toml").is_file())
        raise ConfigError(f"no letterhead {name!r} in {root}; available: {', '.join(available) or 'none'}")
    return load_letterhead(folder)
