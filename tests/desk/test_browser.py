"""A collector in a real browser (Playwright driving Debian's Chromium) against the desk on 127.0.0.1.

Finds the account, changes the amount, sees the preview change, sends, and downloads a PDF whose text
has the new amount — in ja, zh and en. Without /usr/bin/chromium the test is skipped locally and fails
under CI=true. LETTERS_DESK_SCREENSHOT=1 writes docs/desk.png (the README's screenshot).
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.desk.helpers import ROOT, desk_config

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _need_chromium() -> None:
    if CHROMIUM.is_file():
        return
    message = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def desk_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from letters.desk.app import create_app

    _need_chromium()
    tmp = tmp_path_factory.mktemp("desk-browser")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(desk_config(tmp)), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the desk did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize(
    ("ui", "account_id", "principal"),
    [("ja", "JA-1003", "61234"), ("zh", "ZH-1003", "61234"), ("en", "EN-1003", "6123.40")],
)
def test_collector_changes_amount_previews_and_sends(
    desk_url: str, tmp_path: Path, ui: str, account_id: str, principal: str
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(
                locale=ui, viewport={"width": 1400, "height": 1000}, accept_downloads=True
            )
            page = context.new_page()
            page.goto(f"{desk_url}/?ui={ui}")
            assert page.locator("html").get_attribute("lang") == ui
            page.fill("#q", account_id)
            page.click("#find-button")
            page.locator("tr", has_text=account_id).locator("button.open").click()
            image = page.locator("#page1")
            image.wait_for(timeout=30_000)
            before_src = image.get_attribute("src")
            before = image.screenshot()
            values = {name: page.input_value(f"#f-{name}") for name in ("interest", "fees", "payments")}
            page.fill("#f-principal", principal)
            page.wait_for_function(
                "old => document.querySelector('#page1') && document.querySelector('#page1').src !== old",
                arg=before_src,
                timeout=30_000,
            )
            after = page.locator("#page1").screenshot()
            assert after != before, "the preview did not change with the amount"
            if os.environ.get("LETTERS_DESK_SCREENSHOT") and ui == "ja":
                page.screenshot(path=str(ROOT / "docs" / "desk.png"))
            page.screenshot(path=str(tmp_path / f"desk-{ui}.png"))
            page.click("#send")
            link = page.locator("a.download").first
            link.wait_for(timeout=60_000)
            with page.expect_download() as download_info:
                link.click()
            target = tmp_path / "letter.pdf"
            download_info.value.save_as(target)
        finally:
            browser.close()
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True).stdout.decode()
    total = (
        Decimal(principal)
        + sum((Decimal(v or "0") for v in (values["interest"], values["fees"])), Decimal(0))
        - Decimal(values["payments"] or "0")
    )
    shown = f"{total:,}"
    assert shown in text.replace("，", ","), f"{shown} not in the downloaded letter"
