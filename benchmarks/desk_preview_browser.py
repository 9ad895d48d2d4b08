"""Desk live preview as a collector sees it: from the last keystroke to the new page image shown.

    .venv/bin/python benchmarks/desk_preview_browser.py [ROUNDS] [KEY_DELAY_MS]

Serves the desk with uvicorn on 127.0.0.1 (the same app `letters desk` serves), drives Debian's
Chromium with Playwright, opens JA-1003's demand, and ROUNDS times (default 15) retypes the
principal key by key, KEY_DELAY_MS apart (default 120 ms, a brisk typist). The page records, in
the browser's own clock, when the last `input` event fired and when the new preview image had
loaded (its `load` event); the difference is the latency the issue's ≤ 0.5 s target is about.
Prints the median and p95, and the server's share (request → response) for comparison.
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from letters.desk.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk_preview import sample_desk

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# In the page: remember the last input event's time, and the time each new #page1 finished loading.
WATCH = """
() => {
  window.__lastInput = 0; window.__shown = [];
  document.addEventListener('input', () => { window.__lastInput = performance.now(); }, true);
  document.addEventListener('load', (e) => {
    if (e.target && e.target.id === 'page1') window.__shown.push(performance.now());
  }, true);
}
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(rounds: int = 15, key_delay: int = 120) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = sample_desk(tmp)
        port = _port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        latencies: list[float] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(locale="ja", viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/?ui=ja")
                page.fill("#q", "JA-1003")
                page.click("#find-button")
                page.locator("tr", has_text="JA-1003").locator("button.open").click()
                page.locator("#page1").wait_for(timeout=60_000)
                page.evaluate(WATCH)
                for n in range(rounds + 1):
                    page.evaluate("window.__shown = []")
                    page.click("#f-principal", click_count=3)
                    page.keyboard.type(str(61_000 + 37 * n), delay=key_delay)
                    last = page.evaluate("window.__lastInput")
                    page.wait_for_function(
                        "last => window.__shown.some(t => t > last)", arg=last, timeout=30_000
                    )
                    # Let any stale response land too, then take the last image shown.
                    time.sleep(1.0)
                    shown = page.evaluate("window.__shown")
                    if n:  # the first round warms the page's own code paths
                        latencies.append((max(shown) - last) / 1000)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
    print(
        f"desk preview in Chromium, {rounds} edits typed {key_delay} ms a key: last keystroke → new image "
        f"shown: median {statistics.median(latencies):.3f} s, p95 {p95:.3f} s, max {latencies[-1]:.3f} s"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
