"""The policy's [signing] table → which letter kinds get a PAdES signature, visible or not, and the TSA.

Signing is opt-in per kind because it costs about as much as rendering the letter (and a request to
the timestamp authority per letter). By default only lawyer's letters are signed — when a keystore
is given at all (`letters render --sign-with`): a lawyer's letter is the one a court is most likely
to be shown, and a signature there proves which firm sent it. A signature is invisible unless the
policy says ``visible = true`` (a visible box covers part of the last page's layout).

[signing]
kinds = ["lawyer"]          # any of the letter kinds
visible = false
tsa_url = "https://tsa.example/"   # RFC 3161; without it the signature is PAdES B-B, not B-T
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from letters.decide.kinds import KINDS
from letters.errors import ConfigError

_KEYS = frozenset({"kinds", "visible", "tsa_url"})


@dataclass(frozen=True)
class SigningPolicy:
    kinds: tuple[str, ...] = ("lawyer",)
    visible: bool = False
    tsa_url: str | None = None

    def signs(self, kind: str) -> bool:
        return kind in self.kinds


def load_signing(raw: Any, source: str) -> SigningPolicy:
    """[signing] from a policy file; unknown keys and kinds are errors."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [signing] must be a table")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ConfigError(f"{source}: [signing]: unknown setting(s) {', '.join(unknown)}")
    defaults = SigningPolicy()
    kinds = raw.get("kinds", list(defaults.kinds))
    if not isinstance(kinds, list) or not all(k in KINDS for k in kinds):
        raise ConfigError(f"{source}: [signing] kinds must be a list of {', '.join(KINDS)}")
    visible = raw.get("visible", defaults.visible)
    if not isinstance(visible, bool):
        raise ConfigError(f"{source}: [signing] visible must be true or false")
    tsa_url = raw.get("tsa_url")
    if tsa_url is not None and (
        not isinstance(tsa_url, str) or not tsa_url.startswith(("http://", "https://"))
    ):
        raise ConfigError(f"{source}: [signing] tsa_url must be an http:// or https:// URL")
    return SigningPolicy(tuple(kinds), visible, tsa_url)
