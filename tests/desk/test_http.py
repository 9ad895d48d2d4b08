"""The desk over HTTP (Starlette's TestClient): pages, validation, send, holds, token, CSRF, traversal."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from letters.desk.app import create_app
from letters.desk.config import DeskConfig
from letters.desk.downloads import NotServableError, servable
from letters.errors import ConfigError
from letters.evidence.ledger import Ledger
from tests.desk.helpers import csrf_of, desk_config, form_values
from tests.helpers import deliberately_broken

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("desk")


@pytest.fixture(scope="module")
def client(tmp: Path) -> Iterator[TestClient]:
    with TestClient(create_app(desk_config(tmp))) as client:
        yield client


def _start(client: TestClient, account_id: str, kind: str = "demand") -> dict[str, str]:
    csrf = csrf_of(client.get("/").text)
    page = client.post("/compose", data={"csrf": csrf, "account_id": account_id})
    assert page.status_code == 200
    return {**form_values(page.text), "csrf": csrf, "kind": kind}


def test_index_sets_strict_httponly_cookie(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert page.status_code == 200
    assert "催收工作台" in page.text
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_find_shows_balance_days_plan_and_limitation(client: TestClient) -> None:
    csrf = csrf_of(client.get("/").text)
    found = client.post("/find", data={"csrf": csrf, "q": "佐藤"})
    assert found.status_code == 200
    assert "JA-1003" in found.text
    assert "JPY 45,969" in found.text  # 45,800 principal + 169 interest
    assert ">45<" in found.text  # days overdue on 2026-11-23 (due 2026-10-09)
    assert "demand (45 days past due" in found.text
    assert "2031-10-09" in found.text  # JP: five years from the due date
    by_phone = client.post("/find", data={"csrf": csrf, "q": "03-0000-2001"})
    assert "JA-1002" in by_phone.text and "JA-1003" not in by_phone.text
    assert "<th>Days overdue</th>" in found.text  # the columns are named, in the UI's language
    by_id = client.post("/find", data={"csrf": csrf, "q": "JA-1003"})
    assert "ZH-1003" not in by_id.text  # whose phone ends in 1003: an id is not a phone number


def test_compose_prefills_from_the_account(client: TestClient) -> None:
    values = _start(client, "ZH-1003")
    assert values["account_id"] == "ZH-1003"
    assert values["language"] == "zh"
    assert values["debtor_name"] == "王芳"
    page = client.post("/compose", data={"csrf": values["csrf"], "account_id": "ZH-1003"})
    assert '<option value="demand" selected>Formal demand</option>' in page.text  # what `letters plan` sends
    ja = client.post(
        "/compose",
        data={"csrf": csrf_of(page.text), "account_id": "JA-1003"},
        headers={"accept-language": "ja"},
    )
    assert '<option value="reminder" >督促状</option>' in ja.text  # kinds named in the UI's language


def test_preview_is_a_png_of_page_one(client: TestClient) -> None:
    page = client.post("/preview", data=_start(client, "EN-1003"))
    assert page.status_code == 200
    found = re.search(r'src="data:image/png;base64,([^"]+)"', page.text)
    assert found, page.text
    image = Image.open(io.BytesIO(base64.b64decode(found.group(1))))
    assert image.format == "PNG"
    assert image.height > image.width  # a portrait page


def test_preview_error_sits_next_to_the_field(client: TestClient) -> None:
    values = _start(client, "JA-1003")
    page = client.post("/preview", data={**values, "principal": "12abc"})
    assert page.status_code == 200
    assert "data:image/png" not in page.text
    principal = re.search(r'id="err-principal" hx-swap-oob="true">([^<]*)<', page.text)
    assert principal and principal.group(1).startswith("not an amount")
    page = client.post("/preview", data={**values, "principal": "12abc"}, headers={"accept-language": "zh"})
    principal = re.search(r'id="err-principal" hx-swap-oob="true">([^<]*)<', page.text)
    assert principal and principal.group(1).startswith("不是有效的金额（not an amount")
    page = client.post("/preview", data={**values, "due_date": ""}, headers={"accept-language": "ja"})
    due = re.search(r'id="err-due_date" hx-swap-oob="true">([^<]*)<', page.text)
    assert due and "必須項目です" in due.group(1)


def test_send_writes_records_and_archives(client: TestClient, tmp: Path) -> None:
    values = {**_start(client, "JA-1003"), "principal": "51234"}
    sent = client.post("/send", data=values)
    assert sent.status_code == 200, sent.text
    assert "ledger #" in sent.text
    book = Ledger(f"sqlite:///{tmp / 'ledger.sqlite'}")
    try:
        records = book.history("JA-1003")
        assert [r.kind for r in records] == ["demand"]
        batch = book.batch(records[0].batch_id)
        assert batch is not None and batch.operator == "collector-7"
    finally:
        book.close()
    bags = list((tmp / "out" / "archive").glob(f"{records[0].batch_id}*"))
    assert bags and (bags[0] / "data" / "manifest.json").is_file()
    handle = re.search(r'href="/download/([^"]+)"', sent.text)
    assert handle
    pdf = client.get(f"/download/{handle.group(1)}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "51,403" in text.replace("，", ",")  # 51,234 + 169 interest
    # The history shows the letter, with a link to the archived PDF.
    history = client.post("/history", data={"csrf": values["csrf"], "account_id": "JA-1003"})
    assert "demand (ja) 20261123-demand-JA-1003" in history.text
    archived = re.search(r'class="archived" href="/download/([^"]+)"', history.text)
    assert archived and client.get(f"/download/{archived.group(1)}").content[:5] == b"%PDF-"


def test_held_account_is_refused_without_a_reason(client: TestClient, tmp: Path) -> None:
    values = _start(client, "JA-1002")
    refused = client.post("/send", data=values)
    assert refused.status_code == 409
    assert "on hold (debtor disputes the debt)" in refused.text
    sent = client.post("/send", data={**values, "override": "paid in part, client asks to go on"})
    assert sent.status_code == 200 and "ledger #" in sent.text
    book = Ledger(f"sqlite:///{tmp / 'ledger.sqlite'}")
    try:
        batch = book.batch(book.history("JA-1002")[0].batch_id)
        assert batch is not None
        assert batch.operator == "collector-7 (hold override: paid in part, client asks to go on)"
    finally:
        book.close()


def test_post_without_csrf_is_refused(client: TestClient) -> None:
    values = _start(client, "JA-1003")
    values.pop("csrf")
    assert client.post("/send", data=values).status_code == 403
    assert client.post("/find", data={"q": "JA", "csrf": "forged"}).status_code == 403


def test_download_of_unknown_or_traversing_handle_is_404(client: TestClient) -> None:
    assert client.get("/download/nothing").status_code == 404
    assert client.get("/download/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_servable_refuses_paths_outside_the_roots(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    deliberately_broken(root / "a.pdf")  # a stand-in, not a PDF: the session's PDF check skips it
    (root / "a.pdf").write_bytes(b"%PDF-")
    assert servable(root / "a.pdf", (root,)) == (root / "a.pdf").resolve()
    (tmp_path / "secret.txt").write_text("x")
    (root / "link.pdf").symlink_to(tmp_path / "secret.txt")
    deliberately_broken(root / "link.pdf")
    for bad in (root / ".." / "secret.txt", root / "link.pdf", Path("/etc/passwd")):
        with pytest.raises(NotServableError):
            servable(bad, (root,))


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    csrf = csrf_of(client.get("/").text)
    assert client.post("/find", data={"csrf": csrf, "q": "x" * 70_000}).status_code == 413


def test_network_bind_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--token"):
        desk_config(tmp_path, host="0.0.0.0")  # noqa: S104 - the refusal is the point
    config: DeskConfig = desk_config(tmp_path, host="0.0.0.0", token="s3cret-token-for-tests")  # noqa: S104, S106 - a test token
    with TestClient(create_app(config, warm=False)) as client:
        assert client.get("/").status_code == 401
        assert client.post("/find", data={"q": "JA"}).status_code == 401
        assert client.get("/", headers={"authorization": "Bearer wrong-token-wrong"}).status_code == 401
        ok = client.get("/", headers={"authorization": "Bearer s3cret-token-for-tests"})
        assert ok.status_code == 200
        login = client.post("/login", data={"token": "s3cret-token-for-tests"}, follow_redirects=False)
        assert login.status_code == 303 and "httponly" in login.headers["set-cookie"].lower()
        assert client.get("/").status_code == 200  # the cookie now


def test_send_with_tracking_and_delivery_in_history(tmp_path: Path) -> None:
    from datetime import date

    from letters.evidence.ledger import DeliveryEvent
    from letters.post.tracking import TrackingSetup

    tracking = TrackingSetup(
        "range", range_prefix="RR", range_start=12345600, range_country="CN"
    )  # 挂号信: S10 RR…CN
    with TestClient(create_app(desk_config(tmp_path, tracking=tracking), warm=False)) as client:
        values = _start(client, "ZH-1001", kind="reminder")
        sent = client.post("/send", data=values)
        assert sent.status_code == 200, sent.text
        shown = re.search(r"RR[ \d]{11,13} CN", sent.text)
        assert shown, sent.text
        book = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
        try:
            number = book.history("ZH-1001")[0].tracking_number
            assert number.replace(" ", "") == shown.group(0).replace(" ", "")
            book.record_events(
                [DeliveryEvent(number, "delivered", date(2026, 11, 25), "signed", True)], "test"
            )
        finally:
            book.close()
        history = client.post("/history", data={"csrf": values["csrf"], "account_id": "ZH-1001"})
        assert '2026-11-25</time> <span class="what">Delivery</span> delivered — signed' in history.text


def test_find_reaches_accounts_only_the_ledger_knows(tmp: Path, client: TestClient) -> None:
    # The module's desk sent JA-1003 (test_send_writes_records_and_archives); a desk without files:
    values = _start(client, "JA-1003")
    client.post("/send", data=values)
    with TestClient(create_app(desk_config(tmp, accounts=()), warm=False)) as bare:
        csrf = csrf_of(bare.get("/").text)
        found = bare.post("/find", data={"csrf": csrf, "q": "JA-1003"})
        assert 'name="account_id" value="JA-1003"' in found.text
        assert bare.post("/find", data={"csrf": csrf, "q": "JA-9999"}).text.count('class="none"') == 1


@pytest.mark.parametrize(
    ("account_id", "kind", "extra"),
    [
        ("JA-1003", "lawyer", {}),
        ("JA-1003", "demand", {"naiyo": "26x20"}),
        # One installment: chinese-calendar knows no year after 2026 yet, and a CN due date in an
        # unknown year is refused rather than guessed.
        ("ZH-1003", "payment-plan", {"installments": "1"}),
        ("EN-1001", "validation-notice", {}),
        ("EN-1003", "reminder", {}),
    ],
)
def test_every_kind_previews(client: TestClient, account_id: str, kind: str, extra: dict[str, str]) -> None:
    page = client.post("/preview", data={**_start(client, account_id, kind=kind), **extra})
    assert page.status_code == 200
    assert 'src="data:image/png;base64,' in page.text, page.text[:500]


def test_naiyo_only_for_japanese_demands(client: TestClient) -> None:
    page = client.post("/preview", data={**_start(client, "EN-1003", kind="reminder"), "naiyo": "26x20"})
    assert "naiyo: 内容証明 is for Japanese demand and lawyer&#39;s letters" in page.text


def test_preview_writes_nothing(tmp_path: Path) -> None:
    with TestClient(create_app(desk_config(tmp_path), warm=False)) as client:
        page = client.post("/preview", data=_start(client, "JA-1003", kind="lawyer"))
        assert 'src="data:image/png;base64,' in page.text
    assert not (tmp_path / "ledger.sqlite").exists()
    assert not (tmp_path / "out").exists()


def test_renderer_refuses_when_the_queue_is_full() -> None:
    import threading

    from letters.batch.options import Options
    from letters.desk.renderer import PreviewRenderer, RendererBusyError

    renderer = PreviewRenderer(Options(), queue=0)
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(10)

    worker = threading.Thread(target=renderer.exclusive, args=(hold,))
    worker.start()
    started.wait(10)
    try:
        with pytest.raises(RendererBusyError, match="busy"):
            renderer.exclusive(lambda: None)
    finally:
        release.set()
        worker.join()
    assert renderer.exclusive(lambda: 7) == 7


def test_letterhead_and_docx_choice_reach_the_sent_letter(client: TestClient) -> None:
    # A JPY account written in English: the policy's en sender (Thames, GBP only) cannot bill it.
    values = {
        **_start(client, "JA-1003", kind="reminder"),
        **{"language": "en", "debtor_name": "Hanako Sato", "address_line1": "1-3-1 Umeda"},
        **{"address_line2": "", "city": "Osaka", "region": "Osaka", "district": "Kita-ku"},
        **{"account_id": "JA-1003-EN", "letterhead": "sakura-finance", "docx": "on"},
    }
    sent = client.post("/send", data=values)
    assert sent.status_code == 200, sent.text
    handles = dict(
        (name, handle)
        for handle, name in re.findall(r'href="/download/([^"]+)" download>[^:]*: ([^<]+)<', sent.text)
    )
    assert sorted(Path(name).suffix for name in handles) == [".docx", ".pdf"], sent.text
    pdf = next(client.get(f"/download/{h}").content for n, h in handles.items() if n.endswith(".pdf"))
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Sakura Finance" in text and "Hanako Sato" in text


def test_letterhead_must_be_one_of_the_list(client: TestClient) -> None:
    page = client.post("/preview", data={**_start(client, "EN-1003"), "letterhead": "../templates"})
    assert "data:image/png" not in page.text
    assert "letterhead: choose one of" in page.text


def test_a_hold_in_the_ledger_refuses_and_the_override_is_recorded(tmp_path: Path) -> None:
    from letters.decide.holds import Hold
    from letters.desk.config import ledger_hold_check
    from letters.evidence.holds import overrides_for, place_hold

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    book = Ledger(db)
    try:
        place_hold(
            book, Hold("JA-1003", "dispute", date(2026, 11, 1), note="letter of 1 Nov", operator="bob")
        )
    finally:
        book.close()
    config = desk_config(tmp_path, db=db, hold_check=ledger_hold_check(db, date(2026, 11, 23)))
    with TestClient(create_app(config)) as client:
        values = _start(client, "JA-1003")
        refused = client.post("/send", data=values)
        assert refused.status_code == 409
        assert "dispute since 2026-11-01" in refused.text
        sent = client.post("/send", data={**values, "override": "debtor asked for the demand in writing"})
        assert sent.status_code == 200 and "ledger #" in sent.text
        # The history is a timeline of the hold, the letter sent despite it (who, why) and the letter.
        history = client.post("/history", data={"csrf": values["csrf"], "account_id": "JA-1003"}).text
        assert (
            '2026-11-01</time> <span class="what">Hold</span> dispute · letter of 1 Nov · by bob' in history
        )
        assert "Sent despite hold</span> demand 20261123-demand-JA-1003 · by collector-7" in history
        assert "why: debtor asked for the demand in writing" in history
        assert history.index("Hold</span> dispute") < history.index("Letter</span> demand (ja)")
    book = Ledger(db)
    try:
        (override,) = overrides_for(book, "JA-1003")
        assert override.why == "debtor asked for the demand in writing"
        assert "dispute" in override.holds and override.kind == "demand"
    finally:
        book.close()
