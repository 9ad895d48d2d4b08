"""PAdES signatures with pyHanko: a test PKI signs, `pyhanko sign validate` accepts, a changed byte is caught."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from letters.errors import ConfigError
from letters.evidence.signing import (
    PASSWORD_VARIABLE,
    SigningError,
    SigningOptions,
    load_signer,
    read_password,
    sign_pdf,
    sign_with_options,
)
from tests.tsa import PASSWORD, Pki, dummy_timestamper, local_tsa, make_pki

pytestmark = pytest.mark.slow

PYHANKO = Path(sys.executable).parent / "pyhanko"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    import weasyprint

    html = "<h1>弁護士通知書</h1><p>Lawyer's letter LETTER-SIGN-MARKER</p>"
    return bytes(weasyprint.HTML(string=html).write_pdf())


def validate(path: Path, pki: Pki) -> subprocess.CompletedProcess[str]:
    """pyHanko's own command-line validator, trusting only the test root."""
    return subprocess.run(
        [
            *(str(PYHANKO), "sign", "validate", "--pretty-print", "--no-revocation-check"),
            *("--trust", str(pki.root_pem), "--trust-replace", str(path)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_b_t_signature_validates_with_pyhankos_cli(pki: Pki, letter_pdf: bytes, tmp_path: Path) -> None:
    signed = sign_pdf(letter_pdf, load_signer(pki.keystore, PASSWORD), timestamper=dummy_timestamper(pki))
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    assert signed.startswith(letter_pdf)  # an incremental update: the letter's bytes are untouched
    result = validate(path, pki)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signature is judged VALID." in result.stdout
    assert "The signer's certificate is trusted." in result.stdout
    assert "This timestamp is backed by a time stamping authority." in result.stdout
    assert "The TSA certificate is trusted." in result.stdout
    field = PdfReader(path).get_fields()["LettersSignature"]  # type: ignore[index]
    signature = field["/V"]
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7.detached
    assert "LETTER-SIGN-MARKER" in PdfReader(path).pages[0].extract_text()


def test_a_changed_byte_after_signing_is_detected(pki: Pki, letter_pdf: bytes, tmp_path: Path) -> None:
    signed = bytearray(
        sign_pdf(letter_pdf, load_signer(pki.keystore, PASSWORD), timestamper=dummy_timestamper(pki))
    )
    # The binary comment on the PDF's second line: changing it breaks nothing but the signed digest.
    at = signed.index(b"\n") + 2
    signed[at] ^= 0x01
    path = tmp_path / "changed.pdf"
    path.write_bytes(bytes(signed))
    result = validate(path, pki)
    assert result.returncode != 0
    assert "VALID." not in result.stdout.replace("INVALID.", "")


def test_untrusted_signer_is_not_valid(pki: Pki, letter_pdf: bytes, tmp_path: Path) -> None:
    other = make_pki(tmp_path)  # another root: the signature is sound but not trusted
    path = tmp_path / "signed.pdf"
    path.write_bytes(
        sign_pdf(letter_pdf, load_signer(pki.keystore, PASSWORD), timestamper=dummy_timestamper(pki))
    )
    assert validate(path, other).returncode != 0


def test_visible_signature_over_http_tsa_and_b_b_without(pki: Pki, letter_pdf: bytes, tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_bytes(PASSWORD + b"\n")
    with local_tsa(pki) as url:
        sign = sign_with_options(SigningOptions(pki.keystore, password_file, url, visible=True))
        visible = tmp_path / "visible.pdf"
        visible.write_bytes(sign(letter_pdf, "letter"))
    result = validate(visible, pki)
    assert result.returncode == 0 and "backed by a time stamping authority" in result.stdout
    (widget,) = [a.get_object() for a in PdfReader(visible).pages[-1]["/Annots"]]  # type: ignore[attr-defined]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 20  # a box a reader sees
    plain = tmp_path / "b-b.pdf"
    plain.write_bytes(sign_with_options(SigningOptions(pki.keystore, password_file))(letter_pdf, "letter"))
    result = validate(plain, pki)
    assert result.returncode == 0 and "Signature timestamp token" not in result.stdout
    (widget,) = [a.get_object() for a in PdfReader(plain).pages[-1]["/Annots"]]  # type: ignore[attr-defined]
    assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]  # invisible


def test_password_comes_from_a_file_or_the_environment_never_argv(
    pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    with pytest.raises(ConfigError, match=PASSWORD_VARIABLE):
        read_password(None)
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong")
    with pytest.raises(SigningError, match=r"signer\.p12: cannot open the keystore"):
        load_signer(pki.keystore, read_password(None))
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD.decode())
    assert load_signer(pki.keystore, read_password(None)) is not None


def run_letters(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "letters", *args], capture_output=True, text=True, env=env, check=False
    )


def test_render_signs_the_kinds_the_policy_names_and_verify_accepts_them(pki: Pki, tmp_path: Path) -> None:
    import os

    from tests.conftest import JA_ROW, csv_text

    accounts = tmp_path / "accounts.csv"
    accounts.write_text(csv_text([JA_ROW]))
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    env = dict(os.environ, LETTERS_SIGN_PASSWORD=PASSWORD.decode())
    with local_tsa(pki) as url:
        policy = tmp_path / "policy.toml"
        policy.write_text(f'[signing]\nkinds = ["lawyer"]\nvisible = true\ntsa_url = "{url}"\n')
        runs = {}
        for kind in ("lawyer", "demand"):
            out = tmp_path / kind
            result = run_letters(
                [
                    *("render", str(accounts), "-o", str(out), "--letter", kind, "--as-of", "2026-11-23"),
                    *("--db", db, "--silent", "--policy", str(policy), "--sign-with", str(pki.keystore)),
                ],
                env,
            )
            assert result.returncode == 0, result.stderr
            (pdf,) = sorted(out.glob("*.pdf"))
            (bag,) = sorted((out / "archive").iterdir())
            runs[kind] = (pdf, bag)
    lawyer, lawyer_bag = runs["lawyer"]
    validated = validate(lawyer, pki)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "backed by a time stamping authority" in validated.stdout
    assert "LettersSignature" in (PdfReader(lawyer).get_fields() or {})
    demand, _ = runs["demand"]
    assert not PdfReader(demand).get_fields()  # a demand is not signed: the policy names lawyer only
    # The ledger and the bag hold the signed bytes: `letters verify` accepts the signed letter.
    verified = run_letters(["verify", str(lawyer_bag), "--db", db], env)
    assert verified.returncode == 0, verified.stderr


def test_signing_policy_is_checked() -> None:
    from letters.decide.signing_policy import SigningPolicy, load_signing

    assert load_signing({}, "p.toml") == SigningPolicy(("lawyer",), False, None)
    with pytest.raises(ConfigError, match=r"p\.toml: \[signing\] kinds must be a list of"):
        load_signing({"kinds": ["lawyers"]}, "p.toml")
    with pytest.raises(ConfigError, match="tsa_url must be an http"):
        load_signing({"tsa_url": "file:///etc/passwd"}, "p.toml")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_signing({"visble": True}, "p.toml")
