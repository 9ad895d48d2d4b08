"""The evidence commands: `letters verify`, `letters ledger verify`, `letters history`, `letters bundle`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from letters.cli.errors import LettersGroup
from letters.cli.options import CONTEXT, bag_folders_option
from letters.evidence.bundle.labels import BUNDLE_LANGUAGES, DEFAULT_BATES_PREFIX


def trust_options(func: Any) -> Any:
    """--policy / --trust-roots: the roots a timestamp token's TSA certificate must chain to."""
    func = click.option(
        "--trust-roots",
        "trust_roots",
        multiple=True,
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="TSA root certificate(s), PEM or DER (added to the policy's [timestamps] trust_roots).",
    )(func)
    return click.option(
        "--policy",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="Policy TOML whose [timestamps] trust_roots check the timestamp tokens.",
    )(func)


def load_trust(policy: Path | None, extra: tuple[Path, ...]) -> list[Any]:
    from letters.decide.policy import load_policy
    from letters.evidence.timestamps import load_roots

    paths = list(load_policy(policy).timestamps.trust_roots) if policy else []
    return load_roots([*paths, *extra])


@click.command("verify", context_settings=CONTEXT)
@click.argument("archive", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--db", metavar="URL", help="Ledger to check the archive against (default: the local ledger).")
@click.option("--no-ledger", is_flag=True, help="Check the bag and its manifest only.")
@trust_options
def verify(
    archive: Path, db: str | None, no_ledger: bool, policy: Path | None, trust_roots: tuple[Path, ...]
) -> None:
    """Check an archived batch: every file's SHA-256 (full fixity), the tag manifest, the chain
    anchor and its RFC 3161 timestamp (printing its time), the manifest, and the ledger."""
    from letters.evidence.archive import verify_archive
    from letters.evidence.ledger import Ledger

    roots = load_trust(policy, trust_roots)
    ledger = None if no_ledger else Ledger(db, read_only=True)
    notes: list[str] = []
    try:
        problems = verify_archive(archive, ledger, roots, notes)
    finally:
        if ledger is not None:
            ledger.close()
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        sys.exit(1)
    for note in notes:
        click.echo(f"{archive}: {note}")
    click.echo(
        f"{archive}: verified (bag fixity, tag files, manifest" + ("" if no_ledger else ", ledger") + ")"
    )


@click.group(context_settings=CONTEXT, cls=LettersGroup)
def ledger() -> None:
    """The ledger of every letter sent: a hash chain of batches."""


@ledger.command("verify", context_settings=CONTEXT)
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
@click.option(
    "--archive-dir",
    "archive_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Also check the chain against every bag in DIR (its sealed chain head and timestamp); repeatable.",
)
@trust_options
def ledger_verify(
    db: str | None, archive_dirs: tuple[Path, ...], policy: Path | None, trust_roots: tuple[Path, ...]
) -> None:
    """Re-compute the hash chains (batches and letters; delivery events, tracking numbers and
    reference serials) and name the first broken link; with --archive-dir, also name the first batch
    whose chain head disagrees with its bag, or that a bag has and the ledger lacks."""
    from letters.evidence.anchor import check_ledger_against_bags, find_bags, pending
    from letters.evidence.chain_events import chain_head, sealed_summary
    from letters.evidence.ledger import Ledger

    roots = load_trust(policy, trust_roots)
    book = Ledger(db, read_only=True)
    try:
        problems = book.verify_chain()
        with book.engine.connect() as conn:
            sealed = sealed_summary(conn)
            seq, head = chain_head(conn)
        bags = find_bags(archive_dirs)
        if archive_dirs:
            problems.extend(check_ledger_against_bags(book, bags, roots))
        unstamped = pending(book)
    finally:
        book.close()
    if problems:
        click.echo(f"first broken link: {problems[0]}", err=True)
        for problem in problems[1:]:
            click.echo(f"also: {problem}", err=True)
        sys.exit(1)
    click.echo("ledger chain intact" + (f", agrees with {len(bags)} bag(s)" if archive_dirs else ""))
    click.echo(f"evidence chain intact: {seq} entries, head {head}")
    for line in sealed:
        click.echo(f"note: {line}")
    if archive_dirs and not roots:
        click.echo("timestamp tokens not checked: no trust roots (give --policy or --trust-roots)")
    if unstamped:
        click.echo(
            f"not timestamped: {len(unstamped)} batch(es): {', '.join(unstamped)} "
            "(`letters timestamp --pending` adds the tokens)"
        )


@click.command("timestamp", context_settings=CONTEXT)
@click.option(
    "--pending", is_flag=True, required=True, help="Timestamp every batch recorded without a token."
)
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
@bag_folders_option
@click.option(
    "--policy",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Policy TOML whose [timestamps] tsa_urls are asked.",
)
def timestamp(pending: bool, db: str | None, archive_dirs: tuple[Path, ...], policy: Path | None) -> None:
    """Ask the policy's TSA for the RFC 3161 tokens that batches made while no TSA answered lack."""
    from letters.decide.policy import load_policy
    from letters.evidence.anchor import pending as pending_batches
    from letters.evidence.anchor import stamp_bag
    from letters.evidence.ledger import Ledger

    settings = load_policy(policy).timestamps
    book = Ledger(db)
    failed = 0
    try:
        waiting = pending_batches(book)
        for batch_id in waiting:
            bag = next((d / batch_id for d in archive_dirs if (d / batch_id / "bagit.txt").is_file()), None)
            if bag is None:
                click.echo(f"batch {batch_id}: no bag in {', '.join(map(str, archive_dirs))}", err=True)
                failed += 1
                continue
            seal = stamp_bag(bag, batch_id, book, settings)
            if seal.stamped_at is None:
                click.echo(f"batch {batch_id}: still not timestamped ({seal.note})", err=True)
                failed += 1
            else:
                click.echo(f"batch {batch_id}: timestamped {seal.stamped_at.isoformat()} ({seal.tsa_url})")
    finally:
        book.close()
    if not waiting:
        click.echo("no batches waiting for a timestamp")
    if failed:
        sys.exit(1)


@click.command("history", context_settings=CONTEXT)
@click.argument("account")
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
def history(account: str, db: str | None) -> None:
    """List every letter sent to ACCOUNT in the order sent, then its holds and the holds overridden."""
    from letters.evidence.holds import list_holds, overrides_for
    from letters.evidence.ledger import Ledger

    book = Ledger(db, read_only=True)
    try:
        rows = book.history(account)
        held = list_holds(book, account_id=account, released=True)
        overridden = overrides_for(book, account)
    finally:
        book.close()
    if not rows:
        click.echo(f"no letters recorded for {account}")
    for row in rows:
        click.echo(
            f"{row.letter_date}\t{row.kind}\t{row.lang}\t{row.letter_id}\t{row.tracking_number or '-'}"
            f"\tbatch {row.batch_id}\tpdf sha256 {row.pdf_sha256}"
        )
    for item in held:
        released = (
            f"; released {item.released_on.isoformat()} by {item.released_by}"
            + (f" ({item.release_note})" if item.release_note else "")
            if item.released_on
            else ""
        )
        click.echo(f"hold #{item.id}\t{item.hold.describe()}{released}")
    for override in overridden:
        click.echo(
            f"override\t{override.letter_id}\t{override.kind}\tby {override.operator}"
            f"\t{override.recorded_at:%Y-%m-%d}\twhy: {override.why}\theld: {override.holds}"
        )


@click.command("bundle", context_settings=CONTEXT)
@click.argument("account")
@click.argument(
    "extras", nargs=-1, metavar="[EXTRA.pdf]...", type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The bundle PDF to write (0600, written atomically).",
)
@bag_folders_option
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
@click.option(
    "--lang",
    type=click.Choice(BUNDLE_LANGUAGES),
    help="Language of the cover, index and tables (default: that of the account's latest letter).",
)
@click.option(
    "--bates-prefix",
    default=DEFAULT_BATES_PREFIX,
    show_default=True,
    help="Bates numbers are PREFIX-000001, PREFIX-000002 … on every page.",
)
@click.option("--case-title", help="Title on the cover (default: creditor v. debtor).")
@click.option("--prepared-by", help="Who prepared the bundle, for the cover.")
@click.option(
    "--fre-902-14",
    "fre_902_14",
    is_flag=True,
    help="End with a certification page for US Federal Rule of Evidence 902(14) (hashes, method), to sign.",
)
@click.option(
    "--qualified-person", metavar="NAME", help="Who signs the 902(14) certification (else a blank line)."
)
@click.option(
    "--qualified-title", metavar="TITLE", help="Their title, e.g. Custodian of Records (else a blank line)."
)
@click.option("--qualified-organization", metavar="NAME", help="Their employer (else a blank line).")
@click.option(
    "--sign-with",
    metavar="KEYSTORE.p12",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Sign the bundle (PAdES) with this PKCS#12 keystore; its password from $LETTERS_SIGN_PASSWORD "
    "or --sign-password-file, never the command line.",
)
@click.option(
    "--sign-password-file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the keystore password from the first line of FILE.",
)
@click.option("--sign-tsa", metavar="URL", help="RFC 3161 timestamp authority for a PAdES B-T signature.")
@click.option(
    "--sign-visible", is_flag=True, help="Show the signature on the last page (default: invisible)."
)
def bundle(
    account: str,
    extras: tuple[Path, ...],
    output: Path,
    archive_dirs: tuple[Path, ...],
    db: str | None,
    lang: str | None,
    bates_prefix: str,
    case_title: str | None,
    prepared_by: str | None,
    fre_902_14: bool,
    qualified_person: str | None,
    qualified_title: str | None,
    qualified_organization: str | None,
    sign_with: Path | None,
    sign_password_file: Path | None,
    sign_tsa: str | None,
    sign_visible: bool,
) -> None:
    """Write an evidence bundle for ACCOUNT: cover, linked index, every letter sent (each checked
    against its SHA-256 in the ledger and archive), mailing-list pages (other addressees' rows
    removed), delivery events, a timeline,
    then the EXTRA PDFs in the order given, and a page of SHA-256 digests; Bates-numbered."""
    from functools import partial

    from letters.batch.options import project_root
    from letters.evidence.bundle.build import build_bundle
    from letters.evidence.bundle.certification import Certification
    from letters.evidence.ledger import Ledger
    from letters.post.redacted import render_redacted

    root = project_root()
    certification = None
    if fre_902_14:
        certification = Certification(
            qualified_person or "", qualified_title or "", qualified_organization or ""
        )
    sign = None
    if sign_with is not None:
        from letters.evidence.signing import SigningOptions, sign_with_options

        sign = sign_with_options(SigningOptions(sign_with, sign_password_file, sign_tsa, sign_visible))
    ledger = Ledger(db)
    try:
        result = build_bundle(
            account,
            extras=list(extras),
            output=output,
            archive_dirs=list(archive_dirs),
            ledger=ledger,
            lang=lang,
            bates_prefix=bates_prefix,
            case_title=case_title,
            prepared_by=prepared_by,
            templates_root=root / "templates",
            letterheads_root=root / "letterheads",
            certification=certification,
            sign=sign,
            redact_mailing=partial(
                render_redacted, templates_root=root / "templates", letterheads_root=root / "letterheads"
            ),
        )
    finally:
        ledger.close()
    for document in result.documents:
        click.echo(
            f"{document.number}\tp. {document.first_page}\t{document.page_count} page(s)\t"
            f"{document.bates_first}\t{document.title}"
        )
    click.echo(
        f"bundle: {result.path} ({result.pages} pages, {result.bates_first} – {result.bates_last}, "
        f"{len(result.documents)} documents)"
    )
    if sign_with is not None:
        click.echo(f"signed: {'PAdES B-T' if sign_tsa else 'PAdES B-B (no --sign-tsa: no timestamp)'}")
