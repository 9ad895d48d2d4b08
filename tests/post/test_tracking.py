"""Registered mail: number assignment (pool, range, column), no reuse across runs, labels, delivery import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters, make_plan
from letters.batch.options import Options
from letters.carriers.numbers import make_jp, make_s10, make_usps
from letters.carriers.services import SERVICES
from letters.compose.render_html import Letter
from letters.decide.policy import Policy
from letters.errors import ConfigError, LettersError, ValidationError
from letters.evidence.ledger import Assignment, Ledger
from letters.intake.accounts import Address
from letters.post.tracking import TrackingSetup, assign_tracking, label_for, parse_range
from tests.helpers import make_account

AS_OF = date(2026, 11, 23)


def letters_for(*account_ids: str, lang: str = "ja") -> list[Letter]:
    # en: US businesses, since a collector's first letter to a US consumer is the validation notice
    extra = (
        {"debtor_type": "organisation", "debtor_name": "Doe Trading LLC", "gender": ""}
        if lang == "en"
        else {}
    )
    accounts = [make_account(lang, account_id=a, **extra) for a in account_ids]
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
    setup = TrackingSetup("range", range_prefix="RR", range_start=12345600, range_country="CN")
    first = assign_tracking(letters_for("A", lang="zh"), setup, ledger)
    second = assign_tracking(letters_for("B", "C", lang="zh"), setup, ledger)
    numbers = [lt.tracking_number.replace(" ", "") for lt in first + second]
    assert numbers == [make_s10("RR", 12345600 + i, "CN").number for i in range(3)]
    assert {lt.mail_service for lt in first + second} == {"cn-guahao"}
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
    ("lang", "service", "label"),
    [
        ("ja", "jp-ippan-kakitome", "一般書留 引受番号"),
        ("ja", "jp-kani-kakitome", "簡易書留 引受番号"),
        ("ja", "jp-tokutei-kiroku", "特定記録 お問い合わせ番号"),
        ("ja", "jp-naiyo-haitatsu", "内容証明・配達証明付き一般書留 引受番号"),
        ("zh", "cn-guahao", "挂号信 编号"),
        ("zh", "cn-ems", "特快专递（EMS）邮件号"),
        ("en", "uk-signed-for", "Royal Mail Signed For No."),
        ("en", "uk-special-delivery", "Royal Mail Special Delivery Guaranteed No."),
        ("en", "us-certified", "Certified Mail No."),
        ("en", "us-certified-rr", "Certified Mail, Return Receipt Requested, No."),
        ("en", "us-registered", "Registered Mail No."),
    ],
)
def test_labels_are_the_services_own_names(lang: str, service: str, label: str) -> None:
    assert label_for(lang, SERVICES[service]) == label


def uk_letters(*account_ids: str, kind: str = "demand") -> list[Letter]:
    uk = Address("GB", "SW1A 2AA", "", "London", "", "10 Downing Street", "")
    accounts = [make_account("en", account_id=a, address=uk, currency="GBP") for a in account_ids]
    options = Options(as_of=AS_OF, letter_kind=kind)
    letters, failed = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    assert failed == []
    return letters


def test_range_of_another_countrys_numbers_is_refused_naming_letters_and_assigns_nothing(
    ledger: Ledger,
) -> None:
    letters = uk_letters("UK-1", "UK-2")
    assert {lt.sender.country for lt in letters} == {"GB"}
    setup = TrackingSetup("range", range_prefix="RR", range_start=500, range_country="US")
    with pytest.raises(LettersError) as info:
        assign_tracking(letters, setup, ledger)
    message = str(info.value)
    assert message.startswith("2 tracking number(s) do not fit the letter's mail service; none assigned")
    for letter in letters:
        assert f"letter {letter.id} (account {letter.account.account_id}), uk-signed-for" in message
    assert "ends in US, but the sender posts in GB" in message
    assert ledger.used_numbers(make_s10("RR", 500 + i, "US").number for i in range(2)) == set()
    # The sender's own country's numbers are taken, with the service's own name.
    good = TrackingSetup("range", range_prefix="TT", range_start=500, range_country="GB")
    done = assign_tracking(letters, good, ledger)
    assert [lt.tracking_label for lt in done] == ["Royal Mail Signed For No."] * 2
    assert [lt.mail_service for lt in done] == ["uk-signed-for"] * 2


def test_us_letters_are_certified_by_kind_and_s10_numbers_are_refused(ledger: Ledger) -> None:
    demand = letters_for("US-1", lang="en")
    assert demand[0].sender.country == "US"
    with pytest.raises(LettersError) as info:
        assign_tracking(
            demand, TrackingSetup("range", range_prefix="RR", range_start=1, range_country="US"), ledger
        )
    assert "us-certified" in str(info.value) and "is not a USPS 20- or 22-digit number" in str(info.value)
    number = make_usps("940010000000000000001")
    with_column = [
        replace(lt, planned=replace(lt.planned, account=replace(lt.account, tracking_number=number.display)))
        for lt in demand
    ]
    (done,) = assign_tracking(with_column, TrackingSetup("column"), ledger)
    assert (done.tracking_label, done.mail_service) == ("Certified Mail No.", "us-certified")
    # The policy can send US demands by Registered Mail instead: then an S10 R…US number fits.
    policy = replace(Policy(), mail_services={"US": {"demand": "us-registered"}})
    other = letters_for("US-2", lang="en")
    setup = TrackingSetup("range", range_prefix="RR", range_start=1, range_country="US")
    (registered,) = assign_tracking(other, setup, ledger, policy)
    assert (registered.tracking_label, registered.mail_service) == ("Registered Mail No.", "us-registered")


def test_service_of_another_carrier_is_refused_naming_the_letter(ledger: Ledger) -> None:
    letters = letters_for("A")
    setup = TrackingSetup("range", service="cn-guahao", range_prefix="RR", range_start=1, range_country="CN")
    with pytest.raises(LettersError) as info:
        assign_tracking(letters, setup, ledger)
    assert str(info.value) == (
        f"letter {letters[0].id} (account A): cn-guahao is a china-post service, "
        "but sender sakura-finance posts in JP by japan-post"
    )


def test_japan_post_range_of_s10_is_refused_for_domestic_kakitome(ledger: Ledger) -> None:
    letters = letters_for("A", "B")
    setup = TrackingSetup("range", range_prefix="RR", range_start=1, range_country="JP")
    with pytest.raises(LettersError) as info:
        assign_tracking(letters, setup, ledger)
    assert "jp-kani-kakitome" in str(info.value) and "is not a Japan Post 12-digit number" in str(info.value)


def test_mixed_pool_gives_each_letter_a_label_of_its_service(tmp_path: Path, ledger: Ledger) -> None:
    s10 = make_s10("RR", 42, "CN")
    jp = make_jp(30000000000)
    pool = write_pool(tmp_path / "pool.txt", [s10.display, jp.display])
    letters = letters_for("A") + letters_for("B", lang="zh")
    done = assign_tracking(letters, TrackingSetup("pool", pool=pool), ledger)
    assert [lt.tracking_number for lt in done] == [jp.display, s10.display]
    assert [lt.tracking_label for lt in done] == ["簡易書留 引受番号", "挂号信 编号"]


def test_policy_mail_services_are_checked(tmp_path: Path) -> None:
    from letters.decide.policy import load_policy

    path = tmp_path / "policy.toml"
    path.write_text('[mail_services.GB]\ndemand = "us-certified"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert "[mail_services.GB] demand = 'us-certified': not a royal-mail service" in str(info.value)
    path.write_text('[mail_services.JP]\ndemand = "jp-ippan-kakitome"\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.mail_services["JP"]["demand"] == "jp-ippan-kakitome"
    assert policy.mail_services["JP"]["reminder"] == "jp-tokutei-kiroku"
    path.write_text('[postage.usps]\ncurrency = "USD"\npostage = "0.78"\nfee = "5.30"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"replaced by \[rates.<service>\]"):
        load_policy(path)
    path.write_text(
        '[rates.jp-kani-kakitome]\ncurrency = "USD"\nsteps = [{up_to_g = 50, postage = "1", fee = "2"}]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="japan-post charges in JPY, not USD"):
        load_policy(path)
    path.write_text(
        '[rates.jp-kani-kakitome]\ncurrency = "JPY"\n'
        'steps = [{up_to_g = 50, postage = "110", fee = "360"}, {up_to_g = 40, postage = "1", fee = "1"}]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="step 2: up_to_g must be a whole number of grams above 50"):
        load_policy(path)


def test_delivery_import_records_and_reports_unknown(tmp_path: Path, ledger: Ledger) -> None:
    from letters.post.delivery import import_events

    setup = TrackingSetup("range", range_prefix="RR", range_start=500, range_country="CN")
    letters = assign_tracking(letters_for("A", lang="zh"), setup, ledger)
    ours = letters[0].tracking_number
    stranger = make_s10("RR", 999, "CN").display
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
            other = make_s10("RR", 5000, "CN")
            assert other.number in wanted
            self.record_assignments([Assignment(other.number, "s10", "OTHER-RUN", "X-1", "range")])
        return used


def test_a_number_taken_by_another_run_meanwhile_is_picked_again(tmp_path: Path) -> None:
    # A Chinese sender posts 挂号信 with S10 RR…CN numbers (a Japanese demand needs a 12-digit number).
    raced = _RacedLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        setup = TrackingSetup("range", range_prefix="RR", range_start=5000, range_country="CN")
        (letter,) = assign_tracking(letters_for("A", lang="zh"), setup, raced)
        assert raced.raced
        assert letter.tracking_number == make_s10("RR", 5001, "CN").display
        assert raced.assignments_for([letter.id])[letter.id].number == make_s10("RR", 5001, "CN").number
    finally:
        raced.close()
