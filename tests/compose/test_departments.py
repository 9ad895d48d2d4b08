"""The sender's department is the same everywhere in a letter: the letterhead's department line and
the contact line (compose/letterhead.py refuses a letterhead whose contact names another)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from letters.compose.letterhead import contact_department, load_letterhead
from letters.errors import ConfigError
from tests.compose.test_render_html import html_for, letter_for
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("lang", "contact", "named"),
    [
        ("zh", "客户服务部 联系人：陈静 电话：021-5555-0188", "客户服务部"),
        ("zh", "催收部 联系人：陈静", "催收部"),
        ("zh", "联系人：佐藤花子（+81-3-5555-0123）", ""),
        ("zh", "承办律师：王立明 电话：021-5555-0266", ""),
        ("ja", "債権管理部　担当：佐藤 花子", "債権管理部"),
        ("ja", "担当：佐藤 花子（03-5555-0123）", ""),
        ("en", "Customer Service: Chen Jing, +86 21 5555 0188", "Customer Service"),
        ("en", "Collections Department: Chen Jing", "Collections Department"),
        ("en", "Call (212) 555-0147, Mon–Fri 9 a.m.–5 p.m. ET", ""),
        ("en", "Direct line 020 7946 0163", ""),
    ],
)
def test_the_department_a_contact_line_names(lang: str, contact: str, named: str) -> None:
    assert contact_department(lang, contact) == named


def test_a_letterhead_whose_contact_names_another_department_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "huaxia-credit"
    shutil.copytree(ROOT / "letterheads" / "huaxia-credit", folder)
    config = folder / "letterhead.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('contact = "催收部 联系人', 'contact = "客户服务部 联系人'), encoding="utf-8"
    )
    with pytest.raises(
        ConfigError, match=r"\[zh\] contact names the department '客户服务部' but .* is '催收部'"
    ):
        load_letterhead(folder)


def test_every_shipped_letterhead_names_one_department() -> None:
    for folder in sorted((ROOT / "letterheads").iterdir()):
        if (folder / "letterhead.toml").is_file():
            for lang, text in load_letterhead(folder).texts.items():
                named = contact_department(lang, text.contact)
                assert named in ("", text.department), (folder.name, lang)


@pytest.mark.parametrize("kind", ["reminder", "demand"])
def test_a_zh_letter_names_the_same_department_in_letterhead_and_contact_line(kind: str) -> None:
    html = html_for(letter_for("zh", kind))
    header = html[html.index('<header class="letterhead">') : html.index("</header>")]
    assert "<div>催收部</div>" in header
    contact = re.search(r'<p class="contact">(.*?)</p>', html, re.S)
    assert contact is not None
    assert re.sub(r"<[^>]+>", "", contact.group(1)).startswith("催收部 联系人：陈静")
    assert "客户服务部" not in html
