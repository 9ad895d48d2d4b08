"""The policy's [timestamps] table → which RFC 3161 TSAs to ask and which roots to trust."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letters.errors import ConfigError


@dataclass(frozen=True)
class TimestampSettings:
    """No TSA configured: batches complete and are recorded "not timestamped"."""

    tsa_urls: tuple[str, ...] = ()
    trust_roots: tuple[Path, ...] = ()  # PEM/DER files; relative paths are from the policy's folder
    timeout_seconds: int = 10


def load_settings(
    raw: Mapping[str, Any], source: str = "policy", base: Path | None = None
) -> TimestampSettings:
    """[timestamps]
    tsa_urls = ["https://freetsa.org/tsr"]      # asked in order; the first good answer wins
    trust_roots = ["tsa-roots.pem"]             # the TSA's root CA(s), checked by `letters verify`
    timeout_seconds = 10
    """
    unknown = sorted(set(raw) - {"tsa_urls", "trust_roots", "timeout_seconds"})
    if unknown:
        raise ConfigError(f"{source}: [timestamps]: unknown setting(s) {', '.join(unknown)}")
    urls = raw.get("tsa_urls", [])
    if not isinstance(urls, list) or not all(
        isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls
    ):
        raise ConfigError(f"{source}: [timestamps] tsa_urls must be a list of http(s) URLs")
    roots = raw.get("trust_roots", [])
    if not isinstance(roots, list) or not all(isinstance(r, str) and r for r in roots):
        raise ConfigError(f"{source}: [timestamps] trust_roots must be a list of certificate file paths")
    if urls and not roots:
        raise ConfigError(f"{source}: [timestamps] tsa_urls needs trust_roots to check the tokens against")
    timeout = raw.get("timeout_seconds", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 120:
        raise ConfigError(f"{source}: [timestamps] timeout_seconds must be a whole number from 1 to 120")
    folder = base or Path()
    return TimestampSettings(
        tsa_urls=tuple(urls),
        trust_roots=tuple(folder / r for r in roots),
        timeout_seconds=timeout,
    )
