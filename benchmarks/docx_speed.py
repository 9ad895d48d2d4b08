"""DOCX benchmark: DocxWriter.write on mixed ja/zh/en letters, against the same writer without its caches.

Renders each letter's HTML once (samples/accounts_*.csv → plan → letters → HTML, QR codes included),
then times only the HTML → DOCX step.  Prints letters/s and ms/letter per language and overall, and
the baseline: a fresh python-docx Document() per letter (default template, no base-document, styles
or image-file cache; SVG logos stay rasterised once, else WeasyPrint would dominate the figure).
Usage: python benchmarks/docx_speed.py [--letters 200] [--rounds 3] [--baseline 40] [--profile]
Not a test: figures depend on the machine; the issue asks for at least 40 letters/s here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)


@dataclass(frozen=True)
class Job:
    html: str
    lang: str
    paper: str
    envelope: str
    letter_id: str
    title: str
    author: str
    created: date


def render_jobs(count: int) -> list[Job]:
    """``count`` letters' HTML, cycling through the ja, zh and en samples, each with its own account id."""
    from letters.intake.validate import load_accounts
    from letters.compose.canonical import data_sha256
    from letters.batch.options import Options
    from letters.batch.compose_step import build_letters, make_plan
    from letters.decide.policy import load_policy
    from letters.compose.qr import qr_data_url, verification_payload
    from letters.compose.render_html import envelope_for, render_html

    pools = [
        load_accounts(str(ROOT / "samples" / f"accounts_{lang}.csv")).accounts for lang in ("ja", "zh", "en")
    ]
    accounts = []
    for i in range(count):
        base = pools[i % 3][(i // 3) % len(pools[i % 3])]
        accounts.append(replace(base, account_id=f"{base.account_id}-{i:05d}"))
    options = Options(outdir=Path(tempfile.mkdtemp()), as_of=AS_OF)
    policy = load_policy(options.policy)
    letters, _ = build_letters(make_plan(accounts, options, policy), options, policy)
    jobs = []
    for letter in letters:
        payload = verification_payload(letter.id, data_sha256(letter, options.templates), options.qr_pattern)
        letter = replace(letter, qr=qr_data_url(payload))
        html = render_html(letter, options.templates).html
        lang = letter.planned.lang
        title = html.split("<title>", 1)[1].split("</title>", 1)[0]
        jobs.append(
            Job(
                html,
                lang,
                letter.sender.paper,
                envelope_for(letter.sender.paper, lang),
                letter.id,
                title,
                letter.sender.text(lang).name,
                letter.planned.letter_date,
            )
        )
    return jobs


def time_writes(writer: object, jobs: list[Job], *, fresh: bool = False) -> dict[str, list[float]]:
    """Seconds per letter by language; ``fresh`` drops the writer's caches before every letter."""
    from letters.docx.writer import DocxWriter

    assert isinstance(writer, DocxWriter)
    times: dict[str, list[float]] = {}
    for job in jobs:
        if fresh:  # the baseline: this writer without its caches
            writer._bases.clear()
            writer._rprs.clear()
            writer.images.files.clear()
        start = time.perf_counter()
        data = writer.write(
            job.html,
            lang=job.lang,
            paper=job.paper,
            envelope=job.envelope,
            letter_id=job.letter_id,
            title=job.title,
            author=job.author,
            created=job.created,
        )
        times.setdefault(job.lang, []).append(time.perf_counter() - start)
        assert data.startswith(b"PK")
    return times


def run(name: str, writer: object, jobs: list[Job], rounds: int, *, fresh: bool = False) -> float:
    """Time ``rounds`` passes over the letters; print each and the per-language split of the median one.

    The machine may be shared: wall-clock rates vary from pass to pass, so the CPU-time rate (this
    process only) is printed too, and the median pass is the figure."""
    passes = []
    for number in range(1, rounds + 1):
        cpu = time.process_time()
        times = time_writes(writer, jobs, fresh=fresh)
        cpu = time.process_time() - cpu
        wall = sum(t for values in times.values() for t in values)
        passes.append((len(jobs) / wall, times))
        print(
            f"  {name} pass {number}: {len(jobs) / wall:.1f} letters/s wall, "
            f"{len(jobs) / cpu:.1f} letters/s CPU"
        )
    rate, times = sorted(passes, key=lambda item: item[0])[len(passes) // 2]
    every = [t for values in times.values() for t in values]
    print(
        f"{name}: {len(every)} letters, {rate:.1f} letters/s, {1000 / rate:.1f} ms/letter "
        f"(median letter {1000 * statistics.median(every):.1f} ms; median of {rounds} passes)"
    )
    for lang, values in sorted(times.items()):
        print(f"  {lang}: {len(values)} letters, {1000 * sum(values) / len(values):.1f} ms/letter")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument(
        "--baseline", type=int, default=40, help="letters for the uncached baseline (0: skip)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="passes over the letters; the median counts")
    parser.add_argument("--profile", action="store_true", help="profile one cached pass with cProfile")
    args = parser.parse_args()
    # Law-firm letter references come from a counter in the state folder: never touch the user's.
    os.environ["LETTERS_STATE_DIR"] = tempfile.mkdtemp(prefix="letters-bench-")
    from letters.docx.writer import DocxWriter

    started = time.perf_counter()
    jobs = render_jobs(args.letters)
    print(f"rendered {len(jobs)} letters' HTML in {time.perf_counter() - started:.1f} s (not timed below)")
    writer = DocxWriter(ROOT / "templates", ROOT / "letterheads")
    warm = time.perf_counter()
    seen: set[tuple[str, str, str, str]] = set()
    for job in jobs:  # one letter per layout and sender first: base documents built, logos rasterised
        if (job.lang, job.paper, job.envelope, job.author) not in seen:
            seen.add((job.lang, job.paper, job.envelope, job.author))
            time_writes(writer, [job])
    print(f"warm-up ({len(seen)} layouts × senders, once per process): {time.perf_counter() - warm:.2f} s")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        time_writes(writer, jobs)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    rate = run("DocxWriter (cached)", writer, jobs, args.rounds)
    if args.baseline:
        run("baseline (fresh Document() per letter, no caches)", writer, jobs[: args.baseline], 1, fresh=True)
    print(f"target ≥ 40 letters/s: {'met' if rate >= 40 else 'NOT met'}")


if __name__ == "__main__":
    main()
