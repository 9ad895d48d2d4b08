"""`letters hold`, `letters holds`, and holds through `plan`, `render` (file, --letter, --set) and `history`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from letters.cli import cli
from tests.conftest import EN_ROW, CsvWriter

ONE_OFF = [
    "--set", "account_id=EN-0001", "--set", "debtor_name=Jane Doe", "--set", "principal=100.00",
    "--set", "currency=USD", "--set", "due_date=2026-10-01", "--set", "contract_number=C-1",
    "--set", "contract_date=2025-01-01", "--set", "period_start=2026-09-01", "--set", "period_end=2026-09-30",
    "--set", "country=US", "--set", "postal_code=10001", "--set", "region=NY", "--set", "city=New York",
    "--set", "address_line1=350 Fifth Avenue", "--set", "language=en", "--set", "debtor_type=organisation",
]  # fmt: skip


def run(*argv: str) -> Result:
    return CliRunner().invoke(cli, list(argv))


def test_hold_list_release_and_history(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    placed = run("hold", "A-1", "--reason", "dispute", "--note", "letter of 1 Nov", "--operator", "alice",
                 "--since", "2026-11-02", "--db", db)  # fmt: skip
    assert placed.exit_code == 0, placed.output
    assert (
        placed.stdout == "hold #1: A-1\tdispute hold since 2026-11-02 by alice (letter of 1 Nov) [ledger]\n"
    )
    run("hold", "B-2", "--reason", "bankruptcy", "--until", "2027-01-31", "--db", db, "--operator", "bob")
    listed = run("holds", "--db", db)
    assert [line.split("\t")[1] for line in listed.stdout.splitlines()] == ["A-1", "B-2"]
    only = run("holds", "--reason", "bankruptcy", "--db", db)
    assert only.stdout.splitlines() == ["#2\tB-2\tbankruptcy hold since " + only.stdout.split("since ")[1][:10]
                                        + " until 2027-01-31 by bob [ledger]"]  # fmt: skip
    released = run("hold", "A-1", "--release", "--reason", "dispute", "--note", "verification mailed",
                   "--operator", "carol", "--db", db)  # fmt: skip
    assert released.exit_code == 0, released.output
    assert "A-1" not in run("holds", "--db", db).stdout
    shown = run("holds", "--all", "--account", "A-1", "--db", db).stdout
    assert "released " in shown and "by carol (verification mailed)" in shown
    again = run("hold", "A-1", "--release", "--db", db)
    assert again.exit_code == 1 and "A-1: no hold in force to release" in again.stderr
    history = run("history", "A-1", "--db", db).stdout
    assert "hold #1\tdispute hold since 2026-11-02 by alice" in history and "by carol" in history


def test_hold_usage_errors(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    assert run("hold", "A-1", "--db", db).exit_code == 2  # no reason
    assert run("hold", "A-1", "--reason", "sleepy", "--db", db).exit_code == 2
    late = run(
        "hold", "A-1", "--reason", "plan", "--since", "2026-12-01", "--until", "2026-11-01", "--db", db
    )
    assert late.exit_code == 2 and "before the hold starts" in late.stderr


def test_plan_skips_held_account_with_its_reason_and_override(tmp_path: Path, write_csv: CsvWriter) -> None:
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    en = EN_ROW | {"creditor": "Empire Harbor Bank"}
    rows = [en | {"status": ""}, en | {"account_id": "EN-2", "status": "active"}]
    path = write_csv([*rows, en | {"account_id": "EN-3", "status": "cease"}])
    run("hold", EN_ROW["account_id"], "--reason", "attorney", "--note", "Smith & Co", "--db", db)
    for letter, expected in (([], "validation-notice"), (["--letter", "demand"], "-")):
        out = run("plan", str(path), "--as-of", "2026-11-23", "--db", db, *letter)
        assert out.exit_code == 0, out.output
        lines = {line.split("\t")[0]: line for line in out.stdout.splitlines()[1:]}
        # EN-2 (a US consumer, no hold) gets the validation notice first, and no forced demand
        assert lines["EN-2"].split("\t")[2] == expected
        assert "\t-\ton hold: attorney hold since" in lines[EN_ROW["account_id"]]
        assert "(Smith & Co)" in lines[EN_ROW["account_id"]] and "§1692c(a)(2)" in lines[EN_ROW["account_id"]]
        assert "on hold: cease hold since 2026-11-23" in lines["EN-3"]
        assert "[accounts file, status column]" in lines["EN-3"]
    out = run("plan", str(path), "--as-of", "2026-11-23", "--db", db, "--override-hold", "lawyer agreed")
    assert out.stdout.startswith("as of 2026-11-23: 3 letters, 0 skipped")
    assert "attorney hold overridden: lawyer agreed" in out.stdout
    assert out.stdout.count("\tvalidation-notice\t") == 3


def test_render_one_off_on_hold_then_overridden_and_recorded(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    run("hold", "EN-0001", "--reason", "deceased", "--note", "estate of J. Doe", "--db", db)
    common = ["render", "--silent", "--db", db, "--letter", "reminder", "--as-of", "2026-11-23", *ONE_OFF]
    held = run(*common, "-o", str(tmp_path / "a"))
    assert held.exit_code == 0, held.output
    assert "0 written, 0 failed, 1 skipped" in held.stdout
    assert "skipped EN-0001: on hold: deceased hold since" in held.stderr
    assert not list((tmp_path / "a").glob("*.pdf"))
    sent = run(*common, "-o", str(tmp_path / "b"), "--override-hold", "heir asked for a statement",
               "--operator", "dana")  # fmt: skip
    assert sent.exit_code == 0, sent.output
    assert len(list((tmp_path / "b").glob("0*.pdf"))) == 1
    history = run("history", "EN-0001", "--db", db).stdout.splitlines()
    assert history[0].startswith("2026-11-23\treminder\ten\t")
    (override,) = [line for line in history if line.startswith("override\t")]
    assert "\treminder\tby dana\t" in override
    assert "why: heir asked for a statement" in override and "deceased hold since" in override


def test_render_records_the_status_column_as_a_hold(tmp_path: Path, write_csv: CsvWriter) -> None:
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    path = write_csv([EN_ROW | {"status": "bankruptcy"}])
    out = run("render", str(path), "--silent", "--db", db, "--as-of", "2026-11-23", "-o", str(tmp_path / "o"),
              "--operator", "erin")  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "0 written" in out.stdout
    listed = run("holds", "--db", db).stdout
    assert f"{EN_ROW['account_id']}\tbankruptcy hold since" in listed and "by erin" in listed
    assert "[accounts file, status column]" in listed
    run("render", str(path), "--silent", "--db", db, "--as-of", "2026-11-23", "-o", str(tmp_path / "o"))
    assert len(run("holds", "--db", db).stdout.splitlines()) == 1  # not imported twice


def test_a_payment_plan_letter_holds_the_account_until_the_first_due_date_plus_grace(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    from tests.conftest import JA_ROW

    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    path = write_csv([JA_ROW])
    out = run("render", str(path), "--silent", "--db", db, "--as-of", "2026-11-23", "-o", str(tmp_path / "o"),
              "--letter", "payment-plan", "--installments", "3", "--operator", "fay")  # fmt: skip
    assert out.exit_code == 0, out.output
    # first installment = the pay-by date, 7 December 2026; the policy's grace: 7 days
    listed = run("holds", "--db", db).stdout
    assert "JA-0001\tplan hold since 2026-11-23 until 2026-12-14 by fay" in listed
    assert "first installment due 2026-12-07" in listed and "[payment-plan letter]" in listed
    during = run("plan", str(path), "--as-of", "2026-12-14", "--db", db).stdout
    assert "JA-0001\tja\t-\ton hold: plan hold since 2026-11-23 until 2026-12-14" in during
    after = run("plan", str(path), "--as-of", "2026-12-15", "--db", db).stdout
    assert after.splitlines()[1].startswith("JA-0001\tja\tlawyer\t")


def test_payments_import_keeps_or_ends_a_payment_plan(tmp_path: Path, write_csv: CsvWriter) -> None:
    from tests.conftest import JA_ROW

    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    two = write_csv([JA_ROW, JA_ROW | {"account_id": "JA-2"}])
    out = run("render", str(two), "--silent", "--db", db, "--as-of", "2026-11-23", "-o", str(tmp_path / "o"),
              "--letter", "payment-plan", "--installments", "2")  # fmt: skip
    assert out.exit_code == 0, out.output
    # balance ¥101,500 in two installments: ¥50,750 due 7 December 2026 and 7 January 2027
    pay = tmp_path / "payments.csv"
    pay.write_text(
        'account_id,date,amount,currency\nJA-0001,2026-12-07,"50,750",JPY\nJA-2,2026-12-01,50000,JPY\n',
        encoding="utf-8",
    )
    result = run("payments", "import", str(pay), "--as-of", "2026-12-20", "--db", db, "--operator", "gil")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2 payment(s) recorded"
    assert "JA-0001\tplan kept: next installment 2 due 2027-01-07 (plan hold until 2027-01-14)" in lines
    assert (
        "JA-2\tplan ended, plan hold released: installment 1 due 2026-12-07 missed: 50000 received by "
        "2026-12-14, 50750 due by then"
    ) in lines
    listed = run("holds", "--db", db).stdout
    assert "JA-0001\tplan hold since 2026-11-23 until 2027-01-14 by gil" in listed and "JA-2" not in listed
    after = run("plan", str(two), "--as-of", "2026-12-20", "--db", db).stdout
    assert "JA-2\tja\tlawyer\t" in after and "JA-0001\tja\t-\ton hold: plan" in after


def test_payments_file_errors_name_row_and_column(tmp_path: Path) -> None:
    pay = tmp_path / "payments.csv"
    pay.write_text(
        "account_id,date,amount,currency\nA,2026-12-01,-5,JPY\nB,someday,5,JPY\n", encoding="utf-8"
    )
    result = run("payments", "import", str(pay), "--db", f"sqlite:///{tmp_path / 'l.sqlite'}")
    assert result.exit_code == 1
    assert f"{pay}, row 2, column amount" in result.stderr and f"{pay}, row 3, column date" in result.stderr
