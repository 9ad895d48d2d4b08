"""`letters desk` through click's CliRunner: the config it builds, and refusals as one line, exit 1/2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from letters.cli import cli
from letters.desk import serve
from letters.desk.config import DeskConfig
from tests.desk.helpers import SAMPLES


def test_network_bind_without_token_is_refused() -> None:
    result = CliRunner().invoke(cli, ["desk", "--host", "0.0.0.0"])  # noqa: S104 - refused
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --host 0.0.0.0 serves the desk to the network: give --token or --password-file"
    )


def test_desk_builds_its_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def fake_serve(config: DeskConfig, **kwargs: Any) -> None:
        seen["config"], seen["kwargs"] = config, kwargs

    monkeypatch.setattr(serve, "serve_desk", fake_serve)
    secret = tmp_path / "token"
    secret.write_text("a-long-desk-token\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "desk",
            "--host",
            "192.0.2.10",
            "--port",
            "9000",
            "--accounts",
            str(SAMPLES[0]),
            "--password-file",
            str(secret),
            "--operator",
            "kim",
            "--tracking-range",
            "RR:12345600:JP",
        ],
    )
    assert result.exit_code == 0, result.output
    config: DeskConfig = seen["config"]
    assert config.token == "a-long-desk-token"  # noqa: S105 - a test token
    assert config.accounts == (SAMPLES[0],)
    assert config.operator == "kim"
    assert config.tracking is not None and config.tracking.range_prefix == "RR"
    assert seen["kwargs"]["port"] == 9000


def test_both_tracking_sources_is_a_usage_error(tmp_path: Path) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("RR123456785JP\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["desk", "--tracking-range", "RR:1:JP", "--tracking-pool", str(pool)])
    assert result.exit_code == 2
    assert "choose one of --tracking-range, --tracking-pool" in result.stderr
