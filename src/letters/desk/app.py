"""HTTP requests → the desk's pages: find, compose, live preview, send, history, downloads.

Routes are thin: each parses the form, calls one function of the desk's modules (or the batch), and
renders a template. Every account value reaches the page only as escaped template data.
"""

from __future__ import annotations

import base64
import hmac
import itertools
import threading
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from letters.batch.options import Options
from letters.compose.templates import template_environment
from letters.decide.kinds import KINDS
from letters.decide.plan import plan_letters
from letters.decide.policy import load_policy
from letters.desk import security
from letters.desk.config import DeskConfig
from letters.desk.downloads import Downloads, NotServableError
from letters.desk.find import find_accounts
from letters.desk.forms import FIELDS, GRIDS, CheckedForm, check_form, prefill
from letters.desk.history import account_timeline
from letters.desk.holds import HeldAccountError, check_hold, operator_with_override
from letters.desk.i18n import UI_LANGS, field_error, pick_language, words
from letters.desk.letter import company_letterheads, options_for, preview_letter
from letters.desk.renderer import PreviewRenderer, RendererBusyError, SupersededError
from letters.errors import LettersError
from letters.intake.accounts import Account
from letters.intake.validate import REQUIRED, load_accounts

HERE = Path(__file__).parent


class Desk:
    """The app's state: config, loaded accounts, the warm renderer, download handles."""

    def __init__(self, config: DeskConfig) -> None:
        self.config = config
        loaded: dict[str, Account] = {}
        for path in config.accounts:
            for account in load_accounts(str(path)).accounts:
                loaded.setdefault(account.account_id, account)
        self.accounts = loaded
        self.policy = load_policy(config.policy)
        self.renderer = PreviewRenderer(Options(policy=config.policy), queue=config.queue)
        self.downloads = Downloads((config.outdir, config.archive_root))
        self.env = template_environment(HERE / "templates")
        self.letterheads = company_letterheads(Options().letterheads)
        # The newest preview asked for per form session (its CSRF token): older ones still waiting
        # for the renderer are dropped, so the one after the last keystroke never queues behind them.
        self._newest: dict[str, int] = {}
        self._asked = itertools.count(1)
        self._newest_lock = threading.Lock()

    def ask_preview(self, session: str) -> Callable[[], bool]:
        """Register a preview request; the returned check says whether it is still the newest."""
        with self._newest_lock:
            number = next(self._asked)
            self._newest[session] = number
            if len(self._newest) > 1000:  # forgotten sessions must not grow the desk's memory
                self._newest = {session: number}
        return lambda: self._newest.get(session) == number

    def as_of(self) -> date:
        return self.config.as_of or date.today()


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language", ""), request.cookies.get("desk_lang"))


def _page(desk: Desk, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = _lang(request)
    csrf = request.cookies.get(security.CSRF_COOKIE) or security.new_token()
    html = desk.env.get_template(name).render(
        w=words(lang),
        lang=lang,
        langs=UI_LANGS,
        csrf=csrf,
        kinds=KINDS,
        grids=GRIDS,
        # The code, not the sign: JPY and CNY share ¥, and one result list may hold both.
        money=lambda amount, currency: f"{currency} {amount:,}",
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["cache-control"] = "no-store"
    # Only the desk's own script and styles run; page images are data: URLs; no framing (clickjacking).
    response.headers["content-security-policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'"
    )
    response.headers["x-frame-options"] = "DENY"
    response.headers["referrer-policy"] = "no-referrer"
    if request.cookies.get(security.CSRF_COOKIE) != csrf:
        response.set_cookie(security.CSRF_COOKIE, csrf, **security.COOKIE_FLAGS)  # type: ignore[arg-type]
    return response


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if not security.csrf_ok(request.state, values.get(security.CSRF_FIELD, "")):
        raise PermissionError("CSRF token missing or wrong")
    return values


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


async def index(request: Request) -> Response:
    desk = _desk(request)
    chosen = request.query_params.get("ui")
    if chosen not in UI_LANGS:
        return _page(desk, request, "page.html")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie("desk_lang", chosen, **security.COOKIE_FLAGS)  # type: ignore[arg-type]
    return response


async def login(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("token", ""))
    expected = _desk(request).config.token
    if expected is None or not hmac.compare_digest(token.encode(), expected.encode()):
        return HTMLResponse(security._LOGIN, status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(security.AUTH_COOKIE, token, **security.COOKIE_FLAGS)  # type: ignore[arg-type]
    return response


def _ledger_history(desk: Desk, account_ids: list[str]) -> dict[str, list[tuple[str, date]]]:
    from letters.evidence.ledger import Ledger

    book = Ledger(desk.config.db)
    try:
        rows = book.last_letters(account_ids)
    finally:
        book.close()
    return {
        key: [(r.kind, date.fromisoformat(r.letter_date)) for r in records] for key, records in rows.items()
    }


def _ledger_knows(desk: Desk, account_id: str) -> bool:
    from letters.evidence.ledger import Ledger

    book = Ledger(desk.config.db)
    try:
        return bool(book.history(account_id))
    finally:
        book.close()


async def find(request: Request) -> Response:
    desk = _desk(request)
    form = await _form(request)
    query = form.get("q", "")[:100].strip()
    ids = [a.account_id for a in desk.accounts.values()]
    history = await run_in_threadpool(_ledger_history, desk, ids)
    found = find_accounts(
        list(desk.accounts.values()),
        query,
        as_of=desk.as_of(),
        policy=desk.policy,
        hold_check=desk.config.hold_check,
        history=history,
    )
    # An account the ledger knows but no loaded file has: found by its exact id, for its history.
    ledger_only = ""
    if query and query not in desk.accounts and await run_in_threadpool(_ledger_knows, desk, query):
        ledger_only = query
    return _page(desk, request, "results.html", found=found, ledger_only=ledger_only)


async def compose(request: Request) -> Response:
    desk = _desk(request)
    form = await _form(request)
    account = desk.accounts.get(form.get("account_id", ""))
    values = prefill(account) if account else {name: "" for name in FIELDS}
    if account is None:
        values["language"] = _lang(request)
    hold = desk.config.hold_check(values["account_id"]) if account else None
    checked = CheckedForm(values, None, None)
    kind = ""
    if account is not None:  # the kind `letters plan` would send is chosen to start with
        planned = plan_letters([account], desk.policy, desk.as_of()).letters
        kind = planned[0].kind if planned else ""
    return _page(
        desk,
        request,
        "compose.html",
        form=checked,
        fields=FIELDS,
        required=REQUIRED,
        hold=hold,
        kind=kind,
        letterheads=desk.letterheads,
    )


def _errors(lang: str, checked: CheckedForm) -> dict[str, list[str]]:
    return {
        name: [field_error(lang, reason) for reason in reasons] for name, reasons in checked.by_field.items()
    }


async def preview(request: Request) -> Response:
    desk = _desk(request)
    form = await _form(request)
    checked = check_form(form, desk.letterheads)
    lang = _lang(request)
    image = ""
    general = list(checked.general)
    if checked.accounts is not None and checked.choice is not None:
        options = options_for(desk.config, checked.choice, operator=None)
        wanted = desk.ask_preview(form.get(security.CSRF_FIELD, ""))
        try:
            letter = await run_in_threadpool(preview_letter, checked.accounts, options)
            png = await run_in_threadpool(partial(desk.renderer.render_png, letter, wanted=wanted))
            image = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        except SupersededError:
            # htmx swaps nothing on 204: the newer request's answer is the one the collector sees.
            return Response(status_code=204, headers={"cache-control": "no-store"})
        except RendererBusyError as exc:
            return _page(
                desk,
                request,
                "preview.html",
                status=503,
                image="",
                general=[str(exc)],
                errors={},
                fields=FIELDS,
            )
        except LettersError as exc:
            general.append(str(exc))
    return _page(
        desk,
        request,
        "preview.html",
        image=image,
        general=general,
        errors=_errors(lang, checked),
        fields=FIELDS,
    )


def _send(desk: Desk, checked: CheckedForm, operator: str | None, override: str | None) -> Any:
    from letters.batch.pipeline import run_batch

    assert checked.accounts is not None and checked.choice is not None  # noqa: S101 - checked by caller
    options = options_for(desk.config, checked.choice, operator=operator, override_hold=override)
    return run_batch(checked.accounts, options)


async def send(request: Request) -> Response:
    desk = _desk(request)
    form = await _form(request)
    checked = check_form(form, desk.letterheads)
    lang = _lang(request)
    if checked.accounts is None or checked.choice is None:
        return _page(
            desk,
            request,
            "preview.html",
            status=422,
            image="",
            general=list(checked.general),
            errors=_errors(lang, checked),
            fields=FIELDS,
        )
    account_id = checked.accounts.accounts[0].account_id
    operator = desk.config.operator
    try:
        override = check_hold(desk.config.hold_check, account_id, form.get("override", ""))
    except HeldAccountError as exc:
        return _page(desk, request, "sent.html", status=409, result=None, error=str(exc), links=[])
    if override is not None:
        operator = operator_with_override(operator or Options().operator or "desk", override)
    try:
        result = await run_in_threadpool(desk.renderer.exclusive, _send, desk, checked, operator, override)
    except LettersError as exc:
        return _page(desk, request, "sent.html", status=422, result=None, error=str(exc), links=[])
    error = "; ".join(f.error for f in result.failed) or "; ".join(s.reason for s in result.plan.skipped)
    links = []
    for item in result.written:
        for path in (item.path, *item.extra_files):
            links.append((path.name, desk.downloads.offer(path)))
    return _page(desk, request, "sent.html", result=result, error=error, links=links)


async def history(request: Request) -> Response:
    desk = _desk(request)
    form = await _form(request)
    account_id = form.get("account_id", "")[:200]

    def timeline() -> list[Any]:
        from letters.evidence.ledger import Ledger

        book = Ledger(desk.config.db)
        try:
            return account_timeline(book, account_id, desk.config.archive_root, desk.config.hold_check)
        finally:
            book.close()

    events = await run_in_threadpool(timeline)
    rows = [(event, desk.downloads.offer(event.file) if event.file else "") for event in events]
    return _page(desk, request, "history.html", rows=rows, account_id=account_id)


async def download(request: Request) -> Response:
    desk = _desk(request)
    try:
        path = desk.downloads.get(request.path_params["handle"])
    except NotServableError:
        return Response("not found", status_code=404)
    media = "application/pdf" if path.suffix == ".pdf" else "application/octet-stream"
    return FileResponse(path, media_type=media, filename=path.name, headers={"cache-control": "no-store"})


def _guard(handler: Any) -> Any:
    """A refused CSRF check is 403, never a traceback."""

    async def wrapped(request: Request) -> Response:
        try:
            response: Response = await handler(request)
        except PermissionError as exc:
            return Response(str(exc), status_code=403)
        return response

    return wrapped


def create_app(config: DeskConfig, *, warm: bool = True) -> Starlette:
    """The desk as an ASGI app: token gate, body limit and CSRF guard around the routes."""
    desk = Desk(config)
    if warm:
        desk.renderer.warm()
    routes = [
        Route("/", index),
        Route("/login", login, methods=["POST"]),
        Route("/find", _guard(find), methods=["POST"]),
        Route("/compose", _guard(compose), methods=["POST"]),
        Route("/preview", _guard(preview), methods=["POST"]),
        Route("/send", _guard(send), methods=["POST"]),
        Route("/history", _guard(history), methods=["POST"]),
        Route("/download/{handle}", download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(security.TokenGate, token=config.token),
        Middleware(security.BodyLimit, limit=config.max_body),
        Middleware(security.CsrfGuard),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.desk = desk
    return app
