"""The `letters bundle` command: parse options, call build_bundle, print what went in."""

from __future__ import annotations

from pathlib import Path

import click

from letters.evidence.bundle.labels import BUNDLE_LANGUAGES, DEFAULT_BATES_PREFIX

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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
@click.option(
    "--archive-dir",
    "archive_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    default=(Path("out/archive"),),
    show_default=True,
    help="A folder of batch bags (one per batch id); give it again for more folders.",
)
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
) -> None:
    """Write an evidence bundle for ACCOUNT: cover, linked index, every letter sent (each checked
    against its SHA-256 in the ledger and archive), mailing-list pages, delivery events, a timeline,
    then the EXTRA PDFs in the order given, and a page of SHA-256 digests; Bates-numbered."""
    from letters.batch.options import project_root
    from letters.evidence.bundle.build import build_bundle
    from letters.evidence.ledger import Ledger

    root = project_root()
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
