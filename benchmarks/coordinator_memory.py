"""The coordinator's peak RSS as a batch grows (issue #22 point 5): flat, or so many KB a letter?

Each batch runs in a fresh process (the coordinator: `run_batch` as `letters render` calls it) whose
own peak RSS (``ru_maxrss`` of that process alone, never its workers) is reported. Everything the
coordinator does is real: reading the accounts, planning, the ledger (SQLite), the first round on
the workers (canonical data, QR codes, the characters for the batch fonts), cutting the batch
fonts, writing/receiving every letter, the print files (pikepdf), the BagIt archive and the ledger
record. Only the workers' WeasyPrint layout is replaced, with ``--cheap`` (the default), by a
one-page PDF of the letter id and ~40 KB of filler (the size of a real letter): the layout costs
~120 ms a letter on a worker and nothing on the coordinator, and without it 30,000 letters take
minutes instead of an hour. ``--real`` renders with WeasyPrint.

Usage: python benchmarks/coordinator_memory.py [--letters 1000,5000] [--mode local:2|workers:2]
                                                [--real]
Not a test: figures depend on the machine; nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# Bytes of filler per cheap letter: a real mixed ja/zh/en letter is ~20–80 KB.
FILLER = 40_000


def cheap_pdf(letter_id: str) -> bytes:
    """A valid one-page PDF naming the letter, with an uncompressible-ish filler of FILLER bytes."""
    import pikepdf

    filler = hashlib.shake_256(letter_id.encode()).hexdigest(FILLER // 2)
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[0]
        font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        text = f"BT /F1 12 Tf 72 770 Td ({letter_id}) Tj ET\n% {filler}\n".encode("ascii")
        page.obj.Contents = pdf.make_stream(text)
        import io

        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def cheap_render_one(context: Any, writers: Any, job: Any) -> Any:
    """render_step._render_one without WeasyPrint: the same file written, the same outcome returned."""
    from letters.batch import render_step
    from letters.files import atomic_write, inside

    job = render_step._full_job(job, context.options)  # the merged data and QR code, made as for real
    data = cheap_pdf(job.letter.id)
    path = inside(context.outdir, job.name)
    atomic_write(path, data)
    digest = hashlib.sha256(data).hexdigest()
    return render_step._Done(job.letter.id, path, 1, digest, len(data), "", (), job.document)


def install_cheap_render() -> None:
    """In this process (and the forked local pool, which inherits it) and on every Dask worker."""
    from letters.batch import cluster, render_step

    render_step._render_one = cheap_render_one  # type: ignore[assignment]
    original = cluster.plugin

    def plugin() -> Any:
        base = original()

        class CheapRender(type(base)):  # type: ignore[misc]
            def setup(self, worker: Any) -> None:
                sys.path.insert(0, str(HERE))
                import coordinator_memory

                coordinator_memory.install_cheap_render()

        return CheapRender()

    cluster.plugin = plugin  # type: ignore[assignment]


def write_accounts(path: Path, count: int) -> None:
    """``count`` accounts cycling through the ja, zh and en samples, each with its own id and
    address line (distinct strings, as in a real file), written as one CSV for the coordinator to read."""
    import csv

    pools = []
    for lang in ("ja", "zh", "en"):
        sample = HERE.parent / "samples" / f"accounts_{lang}.csv"
        with sample.open(encoding="utf-8-sig", newline="") as handle:
            pools.append(list(csv.DictReader(handle)))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(pools[0][0]))
        writer.writeheader()
        for i in range(count):
            pool = pools[i % 3]
            row = dict(pool[(i // 3) % len(pool)])
            row["account_id"] = f"{row['account_id']}-{i:05d}"
            row["address_line2"] = f"{row['address_line2']} #{i}".strip()
            writer.writerow(row)


def one_run(mode: str, count: int, cheap: bool, part_size: int) -> dict[str, float]:
    from letters.batch.options import Options
    from letters.batch.pipeline import run_batch
    from letters.intake.validate import load_accounts

    if cheap:
        install_cheap_render()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "accounts.csv"
        write_accounts(source, count)
        os.environ["LETTERS_STATE_DIR"] = str(Path(tmp) / "state")
        kind, _, number = mode.partition(":")
        options = Options(
            outdir=Path(tmp) / "letters",
            as_of=date(2026, 11, 23),
            db=f"sqlite:///{Path(tmp) / 'ledger.sqlite'}",
            workers=int(number) if kind == "workers" else 1,
            cluster=None if kind == "workers" else mode,
            part_size=part_size,
        )
        start = time.perf_counter()
        # As `letters render` does: the file read here, each part's letters heard and let go.
        accounts = load_accounts(str(source))
        written, archives = [0], [0]

        def heard(part: Any) -> None:
            assert part.archive is not None
            written[0] += len(part.written)
            archives[0] += 1

        result = run_batch(accounts, options, on_part=heard)
        elapsed = time.perf_counter() - start
        assert not result.failed, result.failed[:3]  # a benchmark of failures is meaningless
        assert written[0] == count, (written[0], count)
    # ru_maxrss: this process's own peak (KB on Linux); a LocalCluster's and the pool's workers are
    # other processes and not counted.
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": elapsed, "rate": count / elapsed, "peak_mb": peak_kb / 1024, "parts": archives[0]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--letters", default="1000,5000", help="batch sizes, comma-separated")
    parser.add_argument(
        "--mode", default="local:2", help="local:N (a LocalCluster), tcp://HOST:PORT or workers:N"
    )
    parser.add_argument("--real", action="store_true", help="render with WeasyPrint (slow)")
    parser.add_argument("--part-size", type=int, default=1000, help="accounts per part (--part-size)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.mode, args.one, not args.real, args.part_size)))
        return
    figures: list[tuple[int, float]] = []
    for count in (int(c) for c in args.letters.split(",") if c):
        command = [sys.executable, __file__, "--one", str(count), "--mode", args.mode]
        command += ["--part-size", str(args.part_size)]
        out = subprocess.run(
            [*command, *(["--real"] if args.real else [])], capture_output=True, text=True, check=True
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        figures.append((count, result["peak_mb"]))
        print(
            f"{args.mode}, {count} letters ({'WeasyPrint' if args.real else 'cheap render'}): "
            f"coordinator peak RSS {result['peak_mb']:.1f} MB, {result['seconds']:.1f} s "
            f"({result['rate']:.1f} letters/s, {result['parts']:.0f} part(s) of ≤ {args.part_size})",
            flush=True,
        )
    if len(figures) > 1:
        (n0, m0), (n1, m1) = figures[0], figures[-1]
        slope = (m1 - m0) * 1024 / (n1 - n0)
        print(f"growth {n0} → {n1}: {100 * (m1 / m0 - 1):+.1f} % ({slope:.2f} KB a letter)")


if __name__ == "__main__":
    main()
