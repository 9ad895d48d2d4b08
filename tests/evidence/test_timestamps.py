"""RFC 3161 tokens from a real TSA on 127.0.0.1 (HTTP POST of a TimeStampReq): verified or refused by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from letters.evidence.timestamps import (
    TimestampError,
    TimestampUnavailableError,
    load_roots,
    request_token,
    verify_token,
)
from tests.tsa import Issued, make_root, make_tsa, serve_tsa, write_pem


@pytest.fixture(scope="module")
def pki() -> dict[str, Issued]:
    root = make_root("letters test root")
    return {
        "root": root,
        "tsa": make_tsa(root, "letters test TSA"),
        "expired": make_tsa(root, "letters expired TSA", expired=True),
        "stranger_root": (stranger := make_root("someone else's root")),
        "stranger": make_tsa(stranger, "untrusted TSA"),
    }


@pytest.fixture(scope="module")
def roots(pki: dict[str, Issued], tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return load_roots([write_pem(tmp_path_factory.mktemp("roots") / "root.pem", pki["root"])])


@pytest.fixture(scope="module")
def tsa_url(pki: dict[str, Issued]) -> Iterator[str]:
    with serve_tsa(pki["tsa"], pki["root"]) as url:
        yield url


def test_a_good_token_verifies_and_gives_the_tsa_time(tsa_url: str, roots: list[Any]) -> None:
    token = request_token(b"chain head 1", [tsa_url])
    assert token.tsa_url == tsa_url
    assert verify_token(token.der, b"chain head 1", roots) == token.gen_time


def test_the_first_tsa_that_answers_is_used(tsa_url: str, roots: list[Any]) -> None:
    token = request_token(b"x", ["http://127.0.0.1:9/down", tsa_url], timeout=2)
    assert token.tsa_url == tsa_url


def test_a_token_for_other_data_is_refused(tsa_url: str, roots: list[Any]) -> None:
    token = request_token(b"the real anchor", [tsa_url])
    with pytest.raises(TimestampError, match=r"is for other data \(its imprint differs\)"):
        verify_token(token.der, b"a forged anchor", roots)


def test_an_untrusted_tsa_is_refused(pki: dict[str, Issued], roots: list[Any]) -> None:
    with serve_tsa(pki["stranger"], pki["stranger_root"]) as url:
        token = request_token(b"data", [url])
    with pytest.raises(TimestampError, match="does not chain to the policy's trust roots"):
        verify_token(token.der, b"data", roots)


def test_an_expired_tsa_certificate_is_refused(pki: dict[str, Issued], roots: list[Any]) -> None:
    with serve_tsa(pki["expired"], pki["root"]) as url:
        token = request_token(b"data", [url])
    with pytest.raises(TimestampError, match="not valid at the token's time"):
        verify_token(token.der, b"data", roots)


def test_no_tsa_reachable_is_its_own_error_naming_each_url() -> None:
    with pytest.raises(TimestampUnavailableError, match=r"no TSA answered \(http://127.0.0.1:9/down: "):
        request_token(b"x", ["http://127.0.0.1:9/down"], timeout=2)
    with pytest.raises(TimestampUnavailableError, match="no TSA configured"):
        request_token(b"x", [])


def test_a_tsa_answering_for_other_data_is_no_answer(pki: dict[str, Issued]) -> None:
    with (
        serve_tsa(pki["tsa"], pki["root"], other_imprint=True) as url,
        pytest.raises(TimestampUnavailableError) as refused,
    ):
        request_token(b"data", [url])
    assert f"{url}: answered with a token for other data" in str(refused.value)


def test_no_trust_roots_is_refused_not_waved_through(tsa_url: str) -> None:
    token = request_token(b"x", [tsa_url])
    with pytest.raises(TimestampError, match="no trust roots"):
        verify_token(token.der, b"x", [])


def test_garbage_is_not_a_token(roots: list[Any]) -> None:
    with pytest.raises(TimestampError, match="not an RFC 3161 timestamp token"):
        verify_token(b"\x30\x03\x02\x01\x00", b"x", roots)


def test_a_bad_trust_root_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "roots.pem"
    bad.write_bytes(b"not a certificate")
    with pytest.raises(TimestampError, match=f"{bad}: not a certificate"):
        load_roots([bad])


def test_openssl_ts_verify_accepts_the_token(tsa_url: str, pki: dict[str, Issued], tmp_path: Path) -> None:
    import subprocess

    token = request_token(b"anchor text\n", [tsa_url])
    (tmp_path / "data.txt").write_bytes(b"anchor text\n")
    (tmp_path / "token.tsr").write_bytes(token.der)
    root = write_pem(tmp_path / "root.pem", pki["root"])
    argv = ["openssl", "ts", "-verify", "-token_in", "-in", str(tmp_path / "token.tsr")]
    good = subprocess.run(
        [*argv, "-data", str(tmp_path / "data.txt"), "-CAfile", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert good.returncode == 0 and "Verification: OK" in good.stdout, good.stderr
    (tmp_path / "data.txt").write_bytes(b"anchor text!\n")
    bad = subprocess.run(
        [*argv, "-data", str(tmp_path / "data.txt"), "-CAfile", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0
