"""A DeskConfig → the app served by uvicorn (access log off: no personal data in logs)."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from letters.desk.app import create_app
from letters.desk.config import DeskConfig


def desk_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve_desk(
    config: DeskConfig, *, port: int, open_browser: bool = False, announce: Callable[[str], None] = print
) -> None:
    """Build the app (WeasyPrint warmed), print the URL, serve until interrupted."""
    import uvicorn

    app = create_app(config)
    url = desk_url(config.host, port)
    announce(f"letters desk: {url}")
    if open_browser:
        webbrowser.open(url)
    uvicorn.run(app, host=config.host, port=port, access_log=False, log_level="warning")
