"""Chinese letters: 邮编 first in the address block, and salutations by debtor type and known gender."""

from __future__ import annotations

import re

import pytest

from letters.compose.addressing import address_lines, recipient_lines, salutation
from letters.intake.accounts import Address
from tests.compose.test_render_html import html_for, letter_for
from tests.helpers import make_account

SHANGHAI = Address("CN", "200120", "上海市", "上海市", "浦东新区", "世纪大道100号", "A座1203室")
GUANGDONG = Address("CN", "518048", "广东省", "深圳市", "福田区", "深南大道88号", "")


def test_the_postcode_comes_first_as_on_a_chinese_envelope() -> None:
    assert address_lines(SHANGHAI, "zh", "CN") == ["邮编：200120", "上海市浦东新区世纪大道100号", "A座1203室"]
    assert address_lines(GUANGDONG, "zh", "CN") == ["邮编：518048", "广东省深圳市福田区深南大道88号"]
    # from abroad the country still closes the block (the destination post reads it last)
    assert address_lines(GUANGDONG, "zh", "JP") == ["邮编：518048", "广东省深圳市福田区深南大道88号", "中国"]


@pytest.mark.parametrize("kind", ["reminder", "demand", "lawyer"])
def test_the_rendered_window_reads_postcode_then_address_then_name(kind: str) -> None:
    html = html_for(letter_for("zh", kind))
    window = html[html.index('<section class="window">') : html.index("</section>")]
    lines = re.findall(r"<div>([^<]+)</div>", window)
    assert lines[:4] == ["邮编：200120", "上海市浦东新区世纪大道100号", "A座1203室", "张伟先生"]


@pytest.mark.parametrize(
    ("gender", "envelope", "opening"),
    [("m", "张伟先生", "张伟先生："), ("f", "张伟女士", "张伟女士："), ("", "张伟", "张伟：")],
)
def test_a_person_gets_xiansheng_or_nvshi_only_when_the_gender_is_known(
    gender: str, envelope: str, opening: str
) -> None:
    account = make_account("zh", gender=gender)
    assert recipient_lines(account, "zh") == [envelope]
    assert salutation(account, "zh") == opening
    for kind in ("reminder", "demand", "lawyer"):
        html = html_for(letter_for("zh", kind, gender=gender))
        assert "先生/女士" not in html and "/女士" not in html
        if not gender:
            assert "先生" not in html.replace("承办律师", "") and "女士" not in html, kind


def test_organisations_are_addressed_by_name_and_desk_and_called_guigongsi() -> None:
    account = make_account("zh", debtor_type="organisation", debtor_name="上海恒通贸易有限公司", gender="")
    assert salutation(account, "zh") == "上海恒通贸易有限公司："
    with_desk = make_account(
        "zh", debtor_type="organisation", debtor_name="上海恒通贸易有限公司", gender="", attention="财务部"
    )
    assert salutation(with_desk, "zh") == "上海恒通贸易有限公司财务部："
    assert recipient_lines(with_desk, "zh") == ["上海恒通贸易有限公司", "财务部"]
    for kind in ("reminder", "demand"):
        html = html_for(
            letter_for("zh", kind, debtor_type="organisation", debtor_name="上海恒通贸易有限公司", gender="")
        )
        assert "贵公司" in html, kind
        assert "贵司" not in html and "您" not in html, kind
    reminder = html_for(
        letter_for(
            "zh", "reminder", debtor_type="organisation", debtor_name="上海恒通贸易有限公司", gender=""
        )
    )
    assert '<p class="no-indent salutation">尊敬的上海恒通贸易有限公司：</p>' in reminder
    assert "好！" not in reminder  # never 贵司好 / 贵公司好: a company is not greeted like a person


def test_a_person_is_greeted_nin_hao_in_the_reminder() -> None:
    html = html_for(letter_for("zh", "reminder", gender="f"))
    assert '<p class="no-indent salutation">尊敬的张伟女士：</p>' in html
    assert "<p>您好！首先感谢您" in html
