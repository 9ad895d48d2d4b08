"""The `letters render` and `letters preview` commands: write the letters, or look at one first."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from letters.batch.options import DEFAULT_NAME_PATTERN, Options
from letters.carriers.services import SERVICES
from letters.cli.holds import override_hold_option
from letters.cli.options import (
    CONTEXT,
    _accounts,
    _parse_as_of,
    as_of_option,
    encoding_option,
    format_option,
    lang_option,
    letter_option,
    policy_option,
    set_option,
)
from letters.intake.sources import Format

if TYPE_CHECKING:
    from letters.batch.results import BatchResult


@click.command(context_settings=CONTEXT)
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for the letters (created 0700).",
)
@set_option
@lang_option
@letter_option
@as_of_option
@policy_option
@encoding_option
@format_option
@click.option(
    "--name",
    "name_pattern",
    default=DEFAULT_NAME_PATTERN,
    show_default=True,
    help="File name pattern: {seq} {date} {lang} {kind} {account} {id}.",
)
@click.option(
    "--format",
    "formats",
    default="pdf",
    show_default=True,
    metavar="pdf[,docx]",
    help="Outputs per letter: pdf, docx, or both (pdf,docx) — the DOCX says exactly what the PDF says.",
)
@click.option("--no-combined", is_flag=True, help="Do not write the combined print PDF.")
@click.option("--era/--no-era", "era_dates", default=None, help="Japanese letters: dates in 和暦 (令和8年…).")
@click.option(
    "--tracking-column",
    is_flag=True,
    help="Registered mail: take each letter's number from the tracking_number column.",
)
@click.option(
    "--tracking-pool",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Registered mail: assign numbers in order from this file of pre-printed labels.",
)
@click.option(
    "--tracking-range",
    metavar="PREFIX:SERIAL:COUNTRY",
    help="Registered mail: S10 numbers from a range, e.g. RR:12345600:JP.",
)
@click.option(
    "--mail-service",
    type=click.Choice(list(SERVICES)),
    default=None,
    help="Send every letter by this service (it must be the sender country's carrier's) instead of "
    "the policy's service per letter kind ([mail_services]).",
)
@click.option("--no-qr", is_flag=True, help="Do not print the verification QR code.")
@click.option(
    "--qr-pattern",
    default="LETTERS:1:{id}:{sha256}",
    show_default=True,
    help="QR payload, e.g. https://verify.example.com/{id}?h={sha256}.",
)
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
@click.option(
    "--new-ledger",
    is_flag=True,
    help="Start a new ledger on purpose where the state folder remembers batches it lacks (recorded).",
)
@click.option("--pdfa", is_flag=True, help="PDF/A-3b with the letter's merged data embedded (for archiving).")
@click.option(
    "--archive-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the batch's BagIt bag goes (default: OUTPUT/archive).",
)
@click.option(
    "--no-archive", is_flag=True, help="Drafts: no bag, no ledger record, no law-firm reference number."
)
@click.option(
    "--operator", help="Who runs the batch, for the manifest (default: $LETTERS_OPERATOR or $USER)."
)
@click.option(
    "--naiyo",
    type=click.Choice(["26x20", "20x26", "13x40"]),
    help="ja demand / lawyer's letters as 内容証明 on this grid (chars × lines per page).",
)
@click.option("--naiyo-docx", is_flag=True, help="With --naiyo: also write the e内容証明 Word file.")
@click.option(
    "--installments", type=click.IntRange(1, 120), help="payment-plan letters: number of installments."
)
@click.option(
    "--first-due", metavar="DATE", callback=_parse_as_of, help="payment-plan: first installment date."
)
@click.option(
    "--every", type=click.Choice(["monthly", "biweekly", "weekly"]), default="monthly", show_default=True
)
@click.option(
    "--validation-days",
    type=click.IntRange(30, 365),
    default=None,
    help="validation-notice: end the period no earlier than this many days after the letter date "
    "(default: 30 days after receipt, assumed 5 business days after the letter date, Reg F).",
)
@click.option("--no-spanish", is_flag=True, help="validation-notice: leave out the Spanish-language offer.")
@click.option("--dispute-url", default="", help="validation-notice: where the consumer can dispute online.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Render processes (default: the cores this process may use, container CPU limits included).",
)
@click.option(
    "--sign-with",
    metavar="KEYSTORE.p12",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Sign the letter kinds the policy's [signing] names (default: lawyer) with this PKCS#12 "
    "keystore (PAdES); its password from $LETTERS_SIGN_PASSWORD or --sign-password-file.",
)
@click.option(
    "--sign-password-file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the keystore password from the first line of FILE.",
)
@click.option(
    "--cluster",
    default=None,
    metavar="ADDRESS",
    help="Render on a Dask cluster: tcp://HOST:8786 (a running scheduler) or local:N (N local worker "
    "processes). Without it, --workers processes on this machine.",
)
@click.option(
    "--part-size",
    type=click.IntRange(1, 1_000_000),
    default=1000,
    show_default=True,
    metavar="N",
    help="A file of more accounts runs in parts of N, one after another, each a batch of its own "
    "(print files, mailing lists, archive, ledger record), so memory stays flat however many accounts.",
)
@click.option(
    "--letter-timeout",
    type=click.FloatRange(0, 86400),
    default=120.0,
    show_default=True,
    metavar="SECONDS",
    help="A letter that takes longer to render fails, named (0: no limit).",
)
@click.option(
    "--reviewed-by",
    metavar="NAME",
    help="US lawyer's letters: the attorney who reviewed each account (printed, kept in the manifest "
    "and the ledger). Without it a letter says no attorney has reviewed the account.",
)
@click.option(
    "--no-attorney-review",
    is_flag=True,
    help="US lawyer's letters: send more than one without an attorney's review, each saying so.",
)
@click.option("--silent", is_flag=True, help="No progress bar.")
@override_hold_option
def render(
    file: str | None,
    outdir: Path,
    settings: tuple[str, ...],
    lang: str | None,
    letter_kind: str | None,
    as_of: date | None,
    policy: Path | None,
    encoding: str | None,
    fmt: Format | None,
    name_pattern: str,
    formats: str,
    no_combined: bool,
    era_dates: bool | None,
    tracking_column: bool,
    tracking_pool: Path | None,
    tracking_range: str | None,
    mail_service: str | None,
    no_qr: bool,
    qr_pattern: str,
    db: str | None,
    new_ledger: bool,
    pdfa: bool,
    archive_dir: Path | None,
    no_archive: bool,
    operator: str | None,
    naiyo: str | None,
    naiyo_docx: bool,
    installments: int | None,
    first_due: date | None,
    every: str,
    validation_days: int | None,
    no_spanish: bool,
    dispute_url: str,
    workers: int | None,
    sign_with: Path | None,
    sign_password_file: Path | None,
    cluster: str | None,
    part_size: int,
    letter_timeout: float,
    reviewed_by: str | None,
    no_attorney_review: bool,
    silent: bool,
    override_hold: str | None,
) -> None:
    """Write a PDF per letter for the accounts in FILE (or one --set account) into OUTPUT."""
    from letters.batch.pipeline import run_batch
    from letters.post.tracking import TrackingSetup, parse_range

    if settings and letter_kind is None:
        raise click.UsageError("a one-off letter needs --letter reminder|demand|lawyer")
    chosen = [
        flag
        for flag, on in (
            ("--tracking-column", tracking_column),
            ("--tracking-pool", tracking_pool is not None),
            ("--tracking-range", tracking_range is not None),
        )
        if on
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of {', '.join(chosen)}")
    tracking: TrackingSetup | None = None
    if tracking_column:
        tracking = TrackingSetup("column", mail_service)
    elif tracking_pool is not None:
        tracking = TrackingSetup("pool", mail_service, pool=tracking_pool)
    elif tracking_range is not None:
        prefix, start, country = parse_range(tracking_range)
        tracking = TrackingSetup(
            "range", mail_service, range_prefix=prefix, range_start=start, range_country=country
        )
    accounts = _accounts(file, settings, encoding, fmt, lang)
    options = Options(
        outdir=outdir,
        as_of=as_of,
        policy=policy,
        letter_kind=letter_kind,
        lang=lang,
        name_pattern=name_pattern,
        formats=tuple(part.strip() for part in formats.split(",") if part.strip()),
        combined=not no_combined,
        era_dates=era_dates,
        tracking=tracking,
        qr=not no_qr,
        qr_pattern=qr_pattern,
        db=db,
        new_ledger=new_ledger,
        pdfa=pdfa,
        archive=not no_archive,
        archive_dir=archive_dir,
        operator=operator,
        override_hold=override_hold,
        letter_timeout=letter_timeout,
        part_size=part_size,
        reviewed_by=reviewed_by,
        no_attorney_review=no_attorney_review,
    )
    if workers is not None:
        options = replace(options, workers=workers)
    if cluster is not None:
        from letters.batch.cluster import parse_cluster

        parse_cluster(cluster)
        options = replace(options, cluster=cluster)
    if naiyo is not None and letter_kind not in ("demand", "lawyer"):
        raise click.UsageError(
            "--naiyo is for demand and lawyer's letters: add --letter demand or --letter lawyer"
        )
    if naiyo_docx and naiyo is None:
        raise click.UsageError("--naiyo-docx needs --naiyo GRID")
    if letter_kind == "payment-plan" and installments is None:
        raise click.UsageError("--letter payment-plan needs --installments N")
    from letters.compose.naiyo_grid import parse_grid

    options = replace(
        options,
        naiyo=parse_grid(naiyo) if naiyo else None,
        naiyo_docx=naiyo_docx,
        installments=installments,
        first_due=first_due,
        every=every,
        validation_days=validation_days,
        spanish=not no_spanish,
        dispute_url=dispute_url,
        sign_with=sign_with,
        sign_password_file=sign_password_file,
    )

    def waiting(message: str) -> None:
        click.echo(f"waiting: {message}; this run goes on when that one is done", err=True)

    written, skipped = [0], [0]

    def show_part(part: BatchResult) -> None:
        """A finished part (the whole batch when it has one): its files, printed as it finishes;
        its letters and skipped accounts are not kept after (run_batch)."""
        written[0] += len(part.written)
        skipped[0] += len(part.plan.skipped)
        for letter in part.already_recorded:
            click.echo(f"already sent {letter.id}: recorded in the ledger by an earlier run", err=True)
        for skip in part.plan.skipped:
            click.echo(f"skipped {skip.account.account_id}: {skip.reason}", err=True)
        for item in part.written:
            kind, account = item.letter.planned.kind, item.letter.account.account_id
            click.echo(f"{item.path}\t{item.pages} page(s)\t{kind}\t{account}")
        if part.part[1] > 1:
            click.echo(f"part {part.part[0]} of {part.part[1]}: {len(part.written)} written")
        for print_file in part.print_files:
            click.echo(f"print PDF: {print_file} (duplex-ready)")
        if part.print_files:
            click.echo(f"print pages: {part.print_pages} (every letter starts on an odd page)")
        for listing in part.mailing_lists:
            click.echo(f"mailing list: {listing}")
        if part.archive is not None:
            click.echo(f"archive: {part.archive}")
        if part.batch is not None:
            record = part.batch
            click.echo(f"ledger: batch {record.batch_id} (#{record.seq}, hash {record.hash[:16]}…)")
        if part.seal is not None and part.seal.stamped_at is not None:
            click.echo(f"timestamp: {part.seal.stamped_at.isoformat()} (RFC 3161, {part.seal.tsa_url})")
        elif part.seal is not None:
            click.echo(
                f"timestamp: none, batch {part.seal.batch_id} is not timestamped ({part.seal.note}); "
                "`letters timestamp --pending` adds the token later"
            )

    if silent:
        result = run_batch(accounts, options, notice=waiting, on_part=show_part)
    else:
        with click.progressbar(length=len(accounts.accounts), label="letters", file=sys.stderr) as bar:
            last = [0]

            def advance(done: int, total: int) -> None:
                bar.update(done - last[0])
                last[0] = done

            result = run_batch(accounts, options, progress=advance, notice=waiting, on_part=show_part)
    click.echo(f"{written[0]} written, {len(result.failed)} failed, {skipped[0]} skipped")
    for failure in result.failed:
        click.echo(f"FAILED {failure.error}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.worker_deaths:
        click.echo(
            f"warning: a worker process died {result.worker_deaths} time(s) (killed, e.g. for lack of "
            "memory, or crashed); the letters it had in hand were rendered again in a fresh one",
            err=True,
        )
    if result.failed:
        sys.exit(1)


@click.command(context_settings=CONTEXT)
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("preview.png"),
    show_default=True,
    help="PNG file for page 1.",
)
@click.option("--account", "account_id", help="Which account of FILE to preview (default: the first letter).")
@set_option
@lang_option
@letter_option
@as_of_option
@policy_option
@encoding_option
@click.option("--dpi", type=click.IntRange(30, 300), default=110, show_default=True)
@click.option(
    "--override-hold",
    metavar="WHY",
    help="Preview an account on hold too: the page is marked as a held account's draft and "
    "nothing is recorded (render --override-hold records the override).",
)
def preview(
    file: str | None,
    output: Path,
    account_id: str | None,
    settings: tuple[str, ...],
    lang: str | None,
    letter_kind: str | None,
    as_of: date | None,
    policy: Path | None,
    encoding: str | None,
    dpi: int,
    override_hold: str | None,
) -> None:
    """Render one letter and save page 1 as a PNG, to look at before sending."""
    from letters.batch.preview import preview_letter

    accounts = _accounts(file, settings, encoding, None, lang)
    options = Options(
        as_of=as_of,
        policy=policy,
        letter_kind=letter_kind,
        lang=lang,
        combined=False,
        override_hold=override_hold,
    )
    path = preview_letter(accounts, options, output, account_id=account_id, dpi=dpi)
    click.echo(str(path))
