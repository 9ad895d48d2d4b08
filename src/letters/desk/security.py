"""Requests → refused or let through: token, CSRF, body size; and the desk's cookie settings.

Pure ASGI middleware, so a refusal happens before any route reads the body.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

AUTH_COOKIE = "desk_auth"
CSRF_COOKIE = "desk_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
COOKIE_FLAGS = {"httponly": True, "samesite": "strict", "path": "/"}
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar.load(value.decode("latin-1"))
    return {key: morsel.value for key, morsel in jar.items()}


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return ""


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_LOGIN = (
    '<!doctype html><meta charset="utf-8"><title>letters desk</title>'
    '<form method="post" action="/login"><label>Token <input type="password" name="token" autofocus></label>'
    "<button>OK</button></form>"
)


class TokenGate:
    """Every request but the login form's needs the token (cookie or Bearer header): else 401."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or scope["path"] in ("/login", "/static/desk.css"):
            await self.app(scope, receive, send)
            return
        given = _cookies(scope).get(AUTH_COOKIE, "")
        bearer = _header(scope, b"authorization")
        if bearer.startswith("Bearer "):
            given = bearer.removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            await _refuse(send, 401, _LOGIN)
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Requests with a body over the limit get 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.limit:
            await _refuse(send, 413, "request too large")
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLargeError
            return message

        try:
            await self.app(scope, bounded, send)
        except BodyTooLargeError:
            await _refuse(send, 413, "request too large")


class BodyTooLargeError(Exception):
    """A streamed body passed the limit."""


class CsrfGuard:
    """State-changing requests must echo the CSRF cookie in the form field or the X-CSRF-Token header.

    The header is checked here; a form field is checked by the route (it needs the parsed body):
    ``csrf_ok``. Cross-site requests carry no SameSite=Strict cookie at all, so they fail either way.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in _SAFE and scope["path"] != "/login":
            cookie = _cookies(scope).get(CSRF_COOKIE, "")
            header = _header(scope, CSRF_HEADER.encode())
            scope.setdefault("state", {})["csrf_header_ok"] = bool(cookie) and hmac.compare_digest(
                cookie.encode(), header.encode()
            )
            scope["state"]["csrf_cookie"] = cookie
        await self.app(scope, receive, send)


def csrf_ok(state: Any, form_value: str) -> bool:
    """True when the header matched, or the form's field equals the cookie."""
    if getattr(state, "csrf_header_ok", False):
        return True
    cookie = str(getattr(state, "csrf_cookie", ""))
    return bool(cookie) and hmac.compare_digest(cookie.encode(), form_value.encode())
