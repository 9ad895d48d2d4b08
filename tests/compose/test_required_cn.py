"""China's required elements of a 律师函 (compose/required/cn.py): each is in the printed letter,
and a letter without its data (or a template without the sentence) is refused, naming it."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from letters.compose.render_html import Letter, letter_facts, render_html
from letters.compose.required import applicable
from letters.compose.required import cn as cn_rules
from letters.errors import RenderError
from tests.conftest import ROOT
from tests.render_helpers import letter_for, letter_pdf

CN_KEYS = {e.key for e in cn_rules.ELEMENTS}


def _text(letter: Letter, tmp_path: Path) -> str:
    pdf = tmp_path / f"{letter.id}.pdf"
    pdf.write_bytes(letter_pdf(letter, render_html(letter, ROOT / "templates").html).data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.replace("\n", "")


def test_every_element_of_the_lawyers_letter_is_printed(tmp_path: Path) -> None:
    letter = letter_for("zh", "lawyer")
    assert {e.key for e in applicable(letter_facts(letter))} >= CN_KEYS
    assert letter.client is not None and letter.sender.signature is not None
    text = _text(letter, tmp_path)
    zh = letter.sender.text("zh")
    for key, printed in {
        "cn.lawyer.reference": letter.reference,  # （2026）沪明理律函字第0001号
        "cn.lawyer.client": f"接受{letter.client.text('zh').name}（以下简称“委托人”）的委托",
        "cn.lawyer.facts": f"合同编号：{letter.account.contract_number}",
        "cn.lawyer.legal_basis": "第五百七十七条规定",
        "cn.lawyer.deadline": "请于2026年12月7日前",
        "cn.lawyer.contact": "承办律师：王立明 电话：021-5555-0266",
        "cn.lawyer.lawyer": zh.signatory,
        "cn.lawyer.licence": f"执业证号：{zh.licence}",
    }.items():
        assert printed in text, key
    assert letter.reference.startswith("（2026）沪明理律函字第")
    assert len(zh.licence) == 17


def test_the_lawyers_signature_image_is_drawn_beside_the_name(tmp_path: Path) -> None:
    letter = letter_for("zh", "lawyer")
    html = render_html(letter, ROOT / "templates").html
    signature = letter.sender.signature
    assert signature is not None and signature.parent == letter.sender.folder
    assert (
        f'<img class="lawyer-signature" data-required="cn.lawyer.signature" src="{signature.as_uri()}"'
        in html
    )
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(letter_pdf(letter, html).data)
    with pikepdf.open(pdf) as doc:
        last = doc.pages[-1]
        sizes = {(int(img.Width), int(img.Height)) for img in last.get_images().values()}
    assert (420, 140) in sizes  # the signature (3:1), beside the seal (260 × 260) on the last page


def _sender_without(letter: Letter, **changes: str) -> Letter:
    text = dataclasses.replace(letter.sender.text("zh"), **changes)  # type: ignore[arg-type]  # str fields only
    return dataclasses.replace(
        letter, sender=dataclasses.replace(letter.sender, texts={**letter.sender.texts, "zh": text})
    )


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda lt: dataclasses.replace(lt, reference=""), "cn.lawyer.reference"),
        (lambda lt: _sender_without(lt, licence=""), "cn.lawyer.licence"),
        (lambda lt: _sender_without(lt, signatory=" "), "cn.lawyer.lawyer"),
        (lambda lt: _sender_without(lt, contact=""), None),  # falls back to the firm's phone
        (
            lambda lt: dataclasses.replace(lt, sender=dataclasses.replace(lt.sender, signature=None)),
            "cn.lawyer.signature",
        ),
        (
            lambda lt: dataclasses.replace(
                lt,
                client=dataclasses.replace(
                    lt.client, texts={"zh": dataclasses.replace(lt.client.text("zh"), name="")}
                ),
            ),
            "cn.lawyer.client",
        ),
    ],
)
def test_a_lawyers_letter_without_its_data_is_refused(change: object, key: str | None) -> None:
    letter = change(letter_for("zh", "lawyer"))  # type: ignore[operator]
    if key is None:
        html = render_html(letter, ROOT / "templates").html
        assert 'data-required="cn.lawyer.contact"><span class="nobreak">021-5555-0260</span>' in html
        no_phone = dataclasses.replace(letter, sender=dataclasses.replace(letter.sender, phone=""))
        with pytest.raises(RenderError, match=r"\[cn.lawyer.contact\]"):
            render_html(no_phone, ROOT / "templates")
        return
    with pytest.raises(RenderError, match=rf"lacks what it must contain: .*\[{key}\] \("):
        render_html(letter, ROOT / "templates")


@pytest.mark.parametrize("key", ["cn.lawyer.facts", "cn.lawyer.legal_basis", "cn.lawyer.deadline"])
def test_a_template_without_the_fixed_sentence_is_refused(tmp_path: Path, key: str) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    lawyer = templates / "zh" / "lawyer.html"
    lawyer.write_text(
        lawyer.read_text(encoding="utf-8").replace(f' data-required="{key}"', ""), encoding="utf-8"
    )
    with pytest.raises(RenderError, match=rf"\[{key}\] \(《民法典》"):
        render_html(letter_for("zh", "lawyer"), templates)


def test_the_rules_apply_to_lawyers_letters_to_china_only() -> None:
    assert not CN_KEYS & {e.key for e in applicable(letter_facts(letter_for("zh", "demand")))}
    assert not CN_KEYS & {e.key for e in applicable(letter_facts(letter_for("ja", "lawyer")))}
    facts = dataclasses.replace(letter_facts(letter_for("zh", "lawyer")), sender_kind="company")
    # a company's own 律师函-kind letter has no lawyer to sign it: no lawyer, licence or signature
    assert {e.key for e in applicable(facts)} & CN_KEYS == CN_KEYS - {
        "cn.lawyer.lawyer",
        "cn.lawyer.licence",
        "cn.lawyer.signature",
    }


def test_a_marked_image_counts_when_it_has_a_source() -> None:
    from letters.compose.required import present_keys

    assert present_keys('<div><img data-required="sig" src="file:///x/signature.png" alt=""></div>') == {
        "sig"
    }
    assert present_keys('<img data-required="sig" src=" " alt="">') == frozenset()
    assert present_keys('<img data-required="sig" alt="王立明">') == frozenset()  # alt text is no signature
