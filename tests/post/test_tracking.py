"""Registered mail: number assignment (pool, range, column), no reuse across runs, labels, delivery import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters, make_plan
from letters.batch.options import Options
from letters.carriers.numbers import make_jp, make_s10
from letters.compose.render_html import Letter
from letters.decide.policy import Policy
from letters.errors import ConfigError, LettersError, ValidationError
from letters.evidence.ledger import Assignment, Ledger
from letters.post.tracking import TrackingSetup, assign_tracking, label_for, parse_range
from tests.helpers import make_account

AS_OF = date(2026, 11, 23)


def letters_for(*account_ids: str, lang: str = "ja") -> list[Letter]:
    accounts = [make_account(lang, account_id=a) for a in account_ids]
    options = Options(as_of=AS_OF, letter_kind="demand")
    letters, failed = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    assert failed == []
    return letters


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


def write_pool(path: Path, numbers: list[str]) -> Path:
    path.write_text("# labels from the post office\n" + "\n".join(numbers) + "\n", encoding="utf-8")
    return path


def test_pool_assigns_in_order_and_never_reuses_across_runs(tmp_path: Path, ledger: Ledger) -> None:
    pool = write_pool(tmp_path / "pool.txt", [make_jp(10000000000 + i).display for i in range(5)])
    setup = TrackingSetup("pool", pool=pool)
    first = assign_tracking(letters_for("A", "B"), setup, ledger)
    assert [lt.tracking_number for lt in first] == [
        make_jp(10000000000).display,
        make_jp(10000000001).display,
    ]
    # A later run, with other letters, continues after the used labels — across a fresh connection.
    again = Ledger(ledger.url)
    second = assign_tracking(letters_for("C", "D"), setup, again)
    assert [lt.tracking_number for lt in second] == [
        make_jp(10000000002).display,
        make_jp(10000000003).display,
    ]
    # Re-running the first batch (same letter ids, e.g. after a crash) gives the same numbers back.
    rerun = assign_tracking(letters_for("A", "B"), setup, again)
    assert [lt.tracking_number for lt in rerun] == [lt.tracking_number for lt in first]


def test_pool_exhaustion_is_an_error_and_assigns_nothing(tmp_path: Path, ledger: Ledger) -> None:
    pool = write_pool(tmp_path / "pool.txt", [make_jp(20000000000 + i).display for i in range(2)])
    setup = TrackingSetup("pool", pool=pool)
    with pytest.raises(LettersError) as info:
        assign_tracking(letters_for("A", "B", "C"), setup, ledger)
    assert str(info.value) == (
        f"tracking pool {pool} is exhausted: 3 letters need numbers, 2 unused numbers left (of 2); "
        "add labels to the pool"
    )
    assert ledger.used_numbers(make_jp(20000000000 + i).number for i in range(2)) == set()


def test_bad_number_in_pool_names_line_and_expected_digit(tmp_path: Path) -> None:
    from letters.post.tracking import load_pool

    good = make_s10("RR", 12345600, "JP").number
    bad = good[:10] + str((int(good[10]) + 1) % 10) + good[11:]
    pool = write_pool(tmp_path / "pool.txt", [good, bad])
    with pytest.raises(ConfigError) as info:
        load_pool(pool)
    assert f"{pool}, line 3: {bad}: check digit is {bad[10]}, expected {good[10]}" in str(info.value)


def test_range_skips_numbers_already_used(ledger: Ledger) -> None:
    setup = TrackingSetup("range", range_prefix="RR", range_start=12345600, range_country="JP")
    first = assign_tracking(letters_for("A"), setup, ledger)
    second = assign_tracking(letters_for("B", "C"), setup, ledger)
    numbers = [lt.tracking_number.replace(" ", "") for lt in first + second]
    assert numbers == [make_s10("RR", 12345600 + i, "JP").number for i in range(3)]
    assert parse_range("rr:12345600:jp") == ("RR", 12345600, "JP")


def test_column_numbers_must_be_unused(ledger: Ledger) -> None:
    number = make_s10("RR", 11111111, "CN").number
    letters = letters_for("A", lang="zh")
    letters = [
        replace(
            letters[0],
            planned=replace(letters[0].planned, account=replace(letters[0].account, tracking_number=number)),
        )
    ]
    assign_tracking(letters, TrackingSetup("column"), ledger)
    other = letters_for("B", lang="zh")
    other = [
        replace(
            other[0],
            planned=replace(other[0].planned, account=replace(other[0].account, tracking_number=number)),
        )
    ]
    with pytest.raises(LettersError) as info:
        assign_tracking(other, TrackingSetup("column"), ledger)
    assert str(info.value) == f"tracking number(s) already used by other letters: {number}"


@pytest.mark.parametrize(
    ("lang", "number", "service", "label"),
    [
        ("ja", make_jp(12345678901), "registered", "一般書留 引受番号"),
        ("ja", make_jp(12345678901), "simple-registered", "簡易書留 引受番号"),
        ("zh", make_s10("RR", 1, "CN"), "registered", "挂号信 编号"),
        ("zh", make_s10("EE", 1, "CN"), "registered", "EMS 编号"),
        ("en", make_s10("RR", 1, "GB"), "registered", "Registered Mail No."),
        ("en", make_s10("RR", 1, "US"), "certified", "Certified Mail No."),
    ],
)
def test_labels(lang: str, number: object, service: str, label: str) -> None:
    assert label_for(lang, number, service) == label  # type: ignore[arg-type]


def test_delivery_import_records_and_reports_unknown(tmp_path: Path, ledger: Ledger) -> None:
    from letters.post.delivery import import_events

    setup = TrackingSetup("range", range_prefix="RR", range_start=500, range_country="JP")
    letters = assign_tracking(letters_for("A"), setup, ledger)
    ours = letters[0].tracking_number
    stranger = make_s10("RR", 999, "JP").display
    report = tmp_path / "events.csv"
    report.write_text(
        f"tracking_number,event,date,note\n{ours},delivered,2026-11-26,本人受領\n{stranger},returned,2026/11/27,\n",
        encoding="utf-8",
    )
    result = import_events(report, ledger)
    assert result.recorded == 2
    assert result.unknown == (stranger.replace(" ", ""),)
    events = ledger.events_for(ours.replace(" ", ""))
    assert [(e.event, e.event_date, e.note, e.matched) for e in events] == [
        ("delivered", date(2026, 11, 26), "本人受領", True)
    ]


def test_delivery_import_bad_rows_name_row_and_column(tmp_path: Path, ledger: Ledger) -> None:
    from letters.post.delivery import import_events

    report = tmp_path / "events.csv"
    report.write_text(
        "tracking_number,event,date\nRR000000005JP,lost,2026-11-26\nRR123,delivered,2026-11-26\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as info:
        import_events(report, ledger)
    lines = [str(p) for p in info.value.problems]
    assert (
        lines[0]
        == f"{report}, row 2, column event: must be delivered, returned, refused or unknown_address (value: 'lost')"
    )
    assert lines[1].startswith(f"{report}, row 3, column tracking_number: ")
    assert ledger.events_for("RR000000005JP") == []


class _RacedLedger(Ledger):
    """A real ledger on which another run records the first number this run chooses, just after
    this run looked it up as free: the race two batches on one range have."""

    raced = False

    def used_numbers(self, numbers: Iterable[str]) -> set[str]:
        wanted = list(numbers)
        used = super().used_numbers(wanted)
        if not self.raced:
            self.raced = True
            other = make_s10("RR", 5000, "JP")
            assert other.number in wanted
            self.record_assignments([Assignment(other.number, "s10", "OTHER-RUN", "X-1", "range")])
        return used


def test_a_number_taken_by_another_run_meanwhile_is_picked_again(tmp_path: Path) -> None:
    raced = _RacedLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        setup = TrackingSetup("range", range_prefix="RR", range_start=5000, range_country="JP")
        (letter,) = assign_tracking(letters_for("A"), setup, raced)
        assert raced.raced
        assert letter.tracking_number == make_s10("RR", 5001, "JP").display
        assert raced.assignments_for([letter.id])[letter.id].number == make_s10("RR", 5001, "JP").number
    finally:
        raced.close()
