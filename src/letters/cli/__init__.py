"""The `letters` command line: parse options, call one library function, turn errors into exit codes."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click

from letters import __version__
from letters.batch.options import DEFAULT_NAME_PATTERN, Options
from letters.cli.evidence import bundle
from letters.decide.kinds import KINDS
from letters.decide.policy import load_policy
from letters.errors import LettersError
from letters.intake.accounts import LANGUAGES, AccountSet
from letters.intake.parse import parse_date
from letters.intake.sources import FORMATS, Format
from letters.post.tracking import SERVICES, Service

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LettersGroup(click.Group):
    """Maps every LettersError raised by a command to a message on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LettersError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            # The machine's problem (disk full, permissions), not a bug: one line, not a traceback.
            raise click.ClickException(str(exc)) from exc


@click.group(cls=LettersGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="letters")
def cli() -> None:
    """Collections correspondence: reminders, demand letters and lawyer's letters in ja / zh / en."""


encoding_option = click.option(
    "--encoding",
    metavar="NAME",
    help="Text encoding of a CSV: utf-8 (default, BOM allowed), cp932 or gb18030.",
)
format_option = click.option(
    "--input-format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Input format; by default from the file extension (or the content, for stdin).",
)


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@format_option
def validate(file: str, encoding: str | None, fmt: Format | None) -> None:
    """Check an accounts FILE (CSV, XLSX, JSON, JSON Lines; - for stdin) and report every problem."""
    from letters.intake.validate import validate_file

    report = validate_file(file, encoding=encoding, fmt=fmt)
    table = report.table
    click.echo(
        f"{table.name}: {len(table.rows)} rows ({table.format}"
        + (f", {table.encoding}" if table.encoding else "")
        + ")"
    )
    click.echo(f"valid accounts: {len(report.accounts)}")
    if report.languages:
        langs = ", ".join(f"{lang} {n}" for lang, n in sorted(report.languages.items()))
        click.echo(f"languages: {langs}")
    for currency, total in sorted(report.totals.items()):
        click.echo(f"total owed {currency}: {total:,}")
    if report.problems:
        count = len(report.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''}:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo("no problems found")


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


as_of_option = click.option(
    "--as-of",
    metavar="DATE",
    callback=_parse_as_of,
    help="Date the letters are written on and days past due are counted to (default: today).",
)
policy_option = click.option(
    "--policy",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Escalation policy TOML (default: reminder ≤ 30 days, demand 31–60, lawyer > 60).",
)
letter_option = click.option(
    "--letter", "letter_kind", type=click.Choice(KINDS), help="Write this kind of letter for every account."
)
lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), help="Write every letter in this language."
)
set_option = click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="FIELD=VALUE",
    help="One-off letter: give the account's fields on the command line instead of a FILE.",
)


def _accounts(
    file: str | None, settings: tuple[str, ...], encoding: str | None, fmt: Format | None, lang: str | None
) -> AccountSet:
    from letters.intake.oneoff import account_from_settings
    from letters.intake.validate import load_accounts

    if file and settings:
        raise click.UsageError("give either FILE or --set FIELD=VALUE …, not both")
    if settings:
        return account_from_settings(settings, lang=lang)
    if not file:
        raise click.UsageError(
            "give an accounts FILE (or - for stdin), or --set FIELD=VALUE … for one letter"
        )
    return load_accounts(file, encoding=encoding, fmt=fmt)


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@format_option
@as_of_option
@policy_option
@letter_option
@click.option("--db", metavar="URL", help="Ledger with the letters already sent (default: local SQLite).")
def plan(
    file: str,
    encoding: str | None,
    fmt: Format | None,
    as_of: date | None,
    policy: Path | None,
    letter_kind: str | None,
    db: str | None,
) -> None:
    """Show which letter each account in FILE gets, and why (or why it gets none)."""
    from letters.batch.pipeline import make_plan
    from letters.evidence.ledger import Ledger
    from letters.intake.validate import load_accounts

    accounts = load_accounts(file, encoding=encoding, fmt=fmt)
    options = Options(as_of=as_of, policy=policy, letter_kind=letter_kind, db=db)
    book = Ledger(db)
    try:
        history = book.last_letters(a.account_id for a in accounts.accounts)
    finally:
        book.close()
    result = make_plan(accounts.accounts, options, load_policy(policy), history)
    click.echo(
        f"as of {result.as_of.isoformat()}: {len(result.letters)} letters, {len(result.skipped)} skipped"
    )
    for planned in result.letters:
        click.echo(f"{planned.account.account_id}\t{planned.lang}\t{planned.kind}\t{planned.reason}")
    for skipped in result.skipped:
        click.echo(f"{skipped.account.account_id}\t{skipped.account.language}\t-\t{skipped.reason}")
    rules = load_policy(policy).limitation
    for row in _limitation_rows(accounts.accounts, result.as_of, db, policy):
        if row.days_left <= rules.warn_days:
            click.echo(
                f"warning: {row.account_id}: limitation period ends {row.expiry.isoformat()} "
                f"({row.days_left} days); {row.next_step}",
                err=True,
            )


def _limitation_rows(accounts: Any, as_of: date, db: str | None, policy: Path | None) -> list[Any]:
    from letters.decide.limitation import report_rows
    from letters.evidence.ledger import Ledger, delivered_demands

    book = Ledger(db)
    try:
        demands = delivered_demands(book, (a.account_id for a in accounts))
    finally:
        book.close()
    return report_rows(accounts, as_of, demands=demands, settings=load_policy(policy).limitation)


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@format_option
@as_of_option
@policy_option
@click.option("--db", metavar="URL", help="Ledger with delivered demands (default: local SQLite).")
def report(
    file: str,
    encoding: str | None,
    fmt: Format | None,
    as_of: date | None,
    policy: Path | None,
    db: str | None,
) -> None:
    """Limitation watch: every account in FILE by the date its limitation period ends, soonest first."""
    from letters.intake.validate import load_accounts

    accounts = load_accounts(file, encoding=encoding, fmt=fmt)
    day = as_of or date.today()
    click.echo("account\tjurisdiction\texpiry\tdays_left\tbasis\tnext")
    for row in _limitation_rows(accounts.accounts, day, db, policy):
        click.echo(
            f"{row.account_id}\t{row.jurisdiction}\t{row.expiry.isoformat()}\t{row.days_left}\t"
            f"{row.basis}\t{row.next_step or '-'}"
        )


@cli.command(context_settings=CONTEXT)
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
    type=click.Choice(SERVICES),
    default="registered",
    show_default=True,
    help="How the number is labelled on the letter (一般書留 / 簡易書留 / Certified Mail / EMS).",
)
@click.option("--no-qr", is_flag=True, help="Do not print the verification QR code.")
@click.option(
    "--qr-pattern",
    default="LETTERS:1:{id}:{sha256}",
    show_default=True,
    help="QR payload, e.g. https://verify.example.com/{id}?h={sha256}.",
)
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
@click.option("--pdfa", is_flag=True, help="PDF/A-3b with the letter's merged data embedded (for archiving).")
@click.option(
    "--archive-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the batch's BagIt bag goes (default: OUTPUT/archive).",
)
@click.option("--no-archive", is_flag=True, help="Write letters only: no bag, no ledger record.")
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
    default=35,
    show_default=True,
    help="validation-notice: the validation period ends this many days after the letter date.",
)
@click.option("--no-spanish", is_flag=True, help="validation-notice: leave out the Spanish-language offer.")
@click.option("--dispute-url", default="", help="validation-notice: where the consumer can dispute online.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Render processes (default: the cores this process may use, container CPU limits included).",
)
@click.option("--silent", is_flag=True, help="No progress bar.")
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
    mail_service: Service,
    no_qr: bool,
    qr_pattern: str,
    db: str | None,
    pdfa: bool,
    archive_dir: Path | None,
    no_archive: bool,
    operator: str | None,
    naiyo: str | None,
    naiyo_docx: bool,
    installments: int | None,
    first_due: date | None,
    every: str,
    validation_days: int,
    no_spanish: bool,
    dispute_url: str,
    workers: int | None,
    silent: bool,
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
        pdfa=pdfa,
        archive=not no_archive,
        archive_dir=archive_dir,
        operator=operator,
    )
    if workers is not None:
        options = replace(options, workers=workers)
    if naiyo is not None and letter_kind not in ("demand", "lawyer"):
        raise click.UsageError(
            "--naiyo is for demand and lawyer's letters: add --letter demand or --letter lawyer"
        )
    if naiyo_docx and naiyo is None:
        raise click.UsageError("--naiyo-docx needs --naiyo GRID")
    if letter_kind == "payment-plan" and installments is None:
        raise click.UsageError("--letter payment-plan needs --installments N")
    from letters.compose.naiyo import parse_grid

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
    )
    if silent:
        result = run_batch(accounts, options)
    else:
        with click.progressbar(length=len(accounts.accounts), label="letters", file=sys.stderr) as bar:
            last = [0]

            def advance(done: int, total: int) -> None:
                bar.update(done - last[0])
                last[0] = done

            result = run_batch(accounts, options, progress=advance)
    for item in result.written:
        click.echo(
            f"{item.path}\t{item.pages} page(s)\t{item.letter.planned.kind}\t{item.letter.account.account_id}"
        )
    for print_file in result.print_files:
        click.echo(f"print PDF: {print_file} (duplex-ready)")
    if result.print_files:
        click.echo(f"print pages: {result.print_pages} (every letter starts on an odd page)")
    for listing in result.mailing_lists:
        click.echo(f"mailing list: {listing}")
    if result.archive is not None:
        click.echo(f"archive: {result.archive}")
    if result.batch is not None:
        click.echo(
            f"ledger: batch {result.batch.batch_id} (#{result.batch.seq}, hash {result.batch.hash[:16]}…)"
        )
    for letter in result.already_recorded:
        click.echo(f"already sent {letter.id}: recorded in the ledger by an earlier run", err=True)
    click.echo(
        f"{len(result.written)} written, {len(result.failed)} failed, {len(result.plan.skipped)} skipped"
    )
    for skipped in result.plan.skipped:
        click.echo(f"skipped {skipped.account.account_id}: {skipped.reason}", err=True)
    for failure in result.failed:
        click.echo(f"FAILED {failure.error}", err=True)
    if result.worker_deaths:
        click.echo(
            f"warning: a worker process died {result.worker_deaths} time(s) (killed, e.g. for lack of "
            "memory, or crashed); the letters it had in hand were rendered again in a fresh one",
            err=True,
        )
    if result.failed:
        sys.exit(1)


@cli.command(context_settings=CONTEXT)
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
) -> None:
    """Render one letter and save page 1 as a PNG, to look at before sending."""
    from letters.batch.preview import preview_letter

    accounts = _accounts(file, settings, encoding, None, lang)
    options = Options(as_of=as_of, policy=policy, letter_kind=letter_kind, lang=lang, combined=False)
    path = preview_letter(accounts, options, output, account_id=account_id, dpi=dpi)
    click.echo(str(path))


@cli.group(context_settings=CONTEXT, cls=LettersGroup)
def mail() -> None:
    """Registered mail: delivery events for the numbers letters has assigned."""


@mail.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
def mail_import(file: Path, db: str | None) -> None:
    """Record delivery events from a CSV: tracking_number, event, date[, note]."""
    from letters.evidence.ledger import Ledger
    from letters.post.delivery import import_events

    ledger = Ledger(db)
    try:
        result = import_events(file, ledger)
    finally:
        ledger.close()
    click.echo(f"{result.recorded} event(s) recorded")
    if result.unknown:
        click.echo(
            f"{len(result.unknown)} number(s) not assigned by letters (recorded, unmatched): "
            + ", ".join(result.unknown),
            err=True,
        )
        sys.exit(1)


@cli.command("verify", context_settings=CONTEXT)
@click.argument("archive", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--db", metavar="URL", help="Ledger to check the archive against (default: the local ledger).")
@click.option("--no-ledger", is_flag=True, help="Check the bag and its manifest only.")
def verify(archive: Path, db: str | None, no_ledger: bool) -> None:
    """Check an archived batch: every file's SHA-256 (full fixity), the manifest, and the ledger."""
    from letters.evidence.archive import verify_archive
    from letters.evidence.ledger import Ledger

    ledger = None if no_ledger else Ledger(db)
    try:
        problems = verify_archive(archive, ledger)
    finally:
        if ledger is not None:
            ledger.close()
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        sys.exit(1)
    click.echo(f"{archive}: verified (bag fixity, manifest" + ("" if no_ledger else ", ledger") + ")")


@cli.group(context_settings=CONTEXT, cls=LettersGroup)
def ledger() -> None:
    """The ledger of every letter sent: a hash chain of batches."""


@ledger.command("verify", context_settings=CONTEXT)
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
def ledger_verify(db: str | None) -> None:
    """Re-compute the hash chain and name the first broken link."""
    from letters.evidence.ledger import Ledger

    book = Ledger(db)
    try:
        problems = book.verify_chain()
    finally:
        book.close()
    if problems:
        click.echo(f"first broken link: {problems[0]}", err=True)
        for problem in problems[1:]:
            click.echo(f"also: {problem}", err=True)
        sys.exit(1)
    click.echo("ledger chain intact")


@cli.command("history", context_settings=CONTEXT)
@click.argument("account")
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
def history(account: str, db: str | None) -> None:
    """List every letter sent to ACCOUNT, oldest first."""
    from letters.evidence.ledger import Ledger

    book = Ledger(db)
    try:
        rows = book.history(account)
    finally:
        book.close()
    if not rows:
        click.echo(f"no letters recorded for {account}")
        return
    for row in rows:
        click.echo(
            f"{row.letter_date}\t{row.kind}\t{row.lang}\t{row.letter_id}\t{row.tracking_number or '-'}"
            f"\tbatch {row.batch_id}\tpdf sha256 {row.pdf_sha256}"
        )


cli.add_command(bundle)


def main() -> None:
    """Console-script entry point: run the command, then leave without the interpreter's teardown.

    Unloading the ~900 modules a render imports (WeasyPrint, SQLAlchemy, fontTools …) takes ~0.3 s,
    a fifth of a one-off letter, and nothing needs it: every file is written, synced and closed,
    the ledger is closed, WeasyPrint's font copies live in the batch's own folder (removed with
    it), and the atexit handlers (logging, temporary folders) still run here.
    """
    try:
        cli(prog_name="letters")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: `letters history … | head`
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)
