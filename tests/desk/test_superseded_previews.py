"""Live preview under typing: only the newest preview of a form is drawn, and it is drawn from a
draft (uncompressed) PDF that says exactly what the letter will say."""

from __future__ import annotations

import dataclasses
import io
import threading
from pathlib import Path

import pypdf
import pytest
from starlette.testclient import TestClient

from letters.batch.options import Options
from letters.desk.app import Desk, create_app
from letters.desk.forms import LetterChoice
from letters.desk.letter import options_for, preview_letter
from letters.desk.renderer import PreviewRenderer, SupersededError
from letters.intake.validate import load_accounts
from tests.desk.helpers import SAMPLES, csrf_of, desk_config, form_values

pytestmark = pytest.mark.slow


def test_only_the_newest_ask_of_a_session_is_wanted(tmp_path: Path) -> None:
    desk = Desk(desk_config(tmp_path))
    first = desk.ask_preview("session-a")
    other = desk.ask_preview("session-b")
    assert first() and other()
    second = desk.ask_preview("session-a")
    assert not first(), "an older preview of the same form is still wanted"
    assert second() and other(), "a newer ask must not cancel another form's preview"


def test_a_superseded_preview_is_not_drawn(tmp_path: Path) -> None:
    renderer = PreviewRenderer(Options())
    accounts = load_accounts(str(SAMPLES[0]))
    letter = preview_letter(
        dataclasses.replace(accounts, accounts=accounts.accounts[:1]),
        options_for(desk_config(tmp_path), LetterChoice(kind="reminder"), operator=None),
    )
    with pytest.raises(SupersededError, match="superseded"):
        renderer.render_pdf(letter, wanted=lambda: False)
    draft = renderer.render_pdf(letter, wanted=lambda: True, draft=True)
    final = renderer.render_pdf(letter)
    draft_pdf, final_pdf = pypdf.PdfReader(io.BytesIO(draft)), pypdf.PdfReader(io.BytesIO(final))
    assert [p.extract_text() for p in draft_pdf.pages] == [p.extract_text() for p in final_pdf.pages]
    # The page's drawing is left uncompressed in the draft (no deflate on the way in, nor inflate
    # in PDFium on the way out); the letter as sent keeps it compressed.
    draft_page = draft_pdf.pages[0]["/Contents"].get_object()
    final_page = final_pdf.pages[0]["/Contents"].get_object()
    assert isinstance(draft_page, pypdf.generic.StreamObject)
    assert isinstance(final_page, pypdf.generic.StreamObject)
    assert "/Filter" not in draft_page and "/Filter" in final_page
    assert draft_pdf.pages[0].mediabox == final_pdf.pages[0].mediabox


def test_a_preview_waiting_behind_a_newer_one_answers_204(tmp_path: Path) -> None:
    with TestClient(create_app(desk_config(tmp_path))) as client:
        csrf = csrf_of(client.get("/").text)
        page = client.post("/compose", data={"csrf": csrf, "account_id": "JA-1003"})
        values = {**form_values(page.text), "csrf": csrf, "kind": "demand"}
        desk: Desk = client.app.state.desk  # type: ignore[attr-defined]
        busy, release = threading.Event(), threading.Event()

        def occupy() -> None:  # the renderer busy with a send (or an earlier keystroke's preview)
            busy.set()
            release.wait(30)

        holder = threading.Thread(target=desk.renderer.exclusive, args=(occupy,))
        holder.start()
        busy.wait(10)
        answers: dict[str, int] = {}

        def ask(name: str, principal: str) -> None:
            answer = client.post("/preview", data={**values, "principal": principal})
            answers[name] = answer.status_code
            if answer.status_code == 200:
                answers[name + "-image"] = int('src="data:image/png;base64,' in answer.text)

        older = threading.Thread(target=ask, args=("older", "45801"))
        older.start()
        # The older request must be waiting for the renderer before the newer one is asked.
        for _ in range(200):
            if desk.renderer._slots._value < desk.config.queue:
                break
            threading.Event().wait(0.05)
        newer = threading.Thread(target=ask, args=("newer", "45802"))
        newer.start()
        newer.join(0.5)  # it waits too: the renderer is still held
        release.set()
        holder.join(30)
        older.join(60)
        newer.join(60)
    assert answers["older"] == 204, answers
    assert answers["newer"] == 200 and answers["newer-image"] == 1, answers
