"""Batch benchmark: naive WeasyPrint loop vs `letters` (workers, batch fonts) on mixed ja/zh/en letters.

Prints letters/s, ms/letter, KB/letter per language and peak RSS (main process plus workers, sampled).
Usage: python benchmarks/batch_speed.py [--letters 1000] [--naive 40] [--workers N] [--skip-naive]
Not a test: figures depend on the machine; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mixed_accounts(count: int, varied_names: bool = False) -> list:  # type: ignore[type-arg]
    """``count`` accounts cycling through the ja, zh and en samples, each with its own id.

    With ``varied_names``, each ja/zh debtor gets a name of 2–4 ideographs drawn (with a fixed
    seed) from the 6,000 its font covers first, as in a real batch of many debtors: the samples
    alone repeat 24 names, so the batch fonts stay small.
    """
    import random

    from letters.intake.validate import load_accounts
    from letters.pdf.fonts import coverage

    pools = [
        load_accounts(str(ROOT / "samples" / f"accounts_{lang}.csv")).accounts for lang in ("ja", "zh", "en")
    ]
    ideographs = {
        lang: [chr(c) for c in range(0x4E00, 0x9FFF) if c in coverage(family)][:6000]
        for lang, family in (("ja", "Noto Serif CJK JP"), ("zh", "Noto Serif CJK SC"))
    }
    rng = random.Random(8)  # noqa: S311 - a repeatable sample, not a secret
    accounts = []
    for i in range(count):
        pool = pools[i % 3]
        base = pool[(i // 3) % len(pool)]
        account = replace(base, account_id=f"{base.account_id}-{i:05d}")
        if varied_names and account.language in ideographs:
            name = "".join(rng.choices(ideographs[account.language], k=rng.randint(2, 4)))
            account = replace(account, debtor_name=name)
        accounts.append(account)
    return accounts


def _rss_kb(pid: int, field: str = "Rss:") -> int:
    """A process's resident memory; with field="Pss:" its proportional share, so pages a forked
    worker still shares with its parent are not counted twice when processes are summed."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


class PeakRss:
    """Samples every 0.25 s (reading smaps costs kernel time, so not more often): the summed PSS of
    this process and its children (their real joint footprint) and the largest single process's RSS."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.peak_single_kb = 0
        self.peak_main_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            pids = [me, *_descendants(me)]
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p, "Pss:") for p in pids))
            self.peak_single_kb = max(self.peak_single_kb, *(_rss_kb(p) for p in pids))
            self.peak_main_kb = max(self.peak_main_kb, _rss_kb(me))
            self._stop.wait(0.25)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def naive(accounts: list, out: Path) -> tuple[float, dict[str, list[int]]]:  # type: ignore[type-arg]
    """The baseline: one ``HTML(...).write_pdf()`` per letter, WeasyPrint's defaults, same templates."""
    import weasyprint

    from letters.batch.options import Options
    from letters.batch.compose_step import build_letters, make_plan
    from letters.decide.policy import Policy
    from letters.compose.render_html import envelope_for, render_html

    options = Options(as_of=date(2026, 11, 23), db=f"sqlite:///{out / 'naive.sqlite'}")
    letters, _ = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    sizes: dict[str, list[int]] = {}
    start = time.perf_counter()
    for letter in letters:
        html = render_html(letter, options.templates).html
        lang = letter.planned.lang
        sheets = [
            weasyprint.CSS(filename=str(options.templates / name))
            for name in (
                "letter.css",
                f"{lang}/{lang}.css",
                f"envelopes/{envelope_for(letter.sender.paper, lang)}.css",
            )
        ]
        data = weasyprint.HTML(string=html, base_url=options.templates.as_uri() + "/").write_pdf(
            stylesheets=sheets
        )
        sizes.setdefault(lang, []).append(len(data))
    return time.perf_counter() - start, sizes


def ours(accounts: list, out: Path, workers: int) -> tuple[float, dict[str, list[int]], tuple[int, int, int]]:  # type: ignore[type-arg]
    from letters.batch.options import Options
    from letters.batch.pipeline import run_batch

    options = Options(
        outdir=out / "letters",
        as_of=date(2026, 11, 23),
        db=f"sqlite:///{out / 'ledger.sqlite'}",
        workers=workers,
        archive=True,
    )
    with PeakRss() as rss:
        start = time.perf_counter()
        result = run_batch(accounts, options)
        elapsed = time.perf_counter() - start
    assert not result.failed, result.failed[:3]  # noqa: S101 - a benchmark of failures is meaningless
    sizes: dict[str, list[int]] = {}
    for item in result.written:
        sizes.setdefault(item.letter.planned.lang, []).append(item.size)
    return elapsed, sizes, (rss.peak_kb, rss.peak_single_kb, rss.peak_main_kb)


def report(
    name: str, elapsed: float, count: int, sizes: dict[str, list[int]], rss_kb: tuple[int, int, int] | None
) -> None:
    per_lang = ", ".join(f"{lang} {statistics.mean(v) / 1024:.0f} KB" for lang, v in sorted(sizes.items()))
    rss = ""
    if rss_kb:
        rss = (
            f", peak memory {rss_kb[0] / 1024:.0f} MB (PSS, all processes), largest process "
            f"{rss_kb[1] / 1024:.0f} MB RSS, main process {rss_kb[2] / 1024:.0f} MB RSS"
        )
    print(
        f"{name}: {count} letters in {elapsed:.1f} s = {count / elapsed:.2f} letters/s, "
        f"{1000 * elapsed / count:.0f} ms/letter; per letter: {per_lang}{rss}"
    )


def main() -> None:
    from letters.batch.options import available_cores

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=40, help="letters for the baseline (it is slow)")
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--varied-names", action="store_true", help="a new ja/zh debtor name per letter")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LETTERS_STATE_DIR"] = str(Path(tmp) / "state")
        if not args.skip_naive:
            # In a child process, so that the naive loop's WeasyPrint and full fonts (~200 MB) are
            # not counted in the memory of the batch measured after it.
            with multiprocessing.get_context("fork").Pool(1) as pool:
                elapsed, sizes = pool.apply(naive, (mixed_accounts(args.naive), Path(tmp)))
            # The child has ended: its peak RSS is now counted in this process's children's.
            naive_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            report("naive", elapsed, args.naive, sizes, None)
            print(
                f"naive: peak RSS {naive_rss / 1024:.0f} MB (one process; WeasyPrint's default "
                "FontConfiguration per letter)"
            )
            naive_rate = args.naive / elapsed
        elapsed, sizes, rss = ours(mixed_accounts(args.letters, args.varied_names), Path(tmp), args.workers)
        report(f"letters (workers={args.workers})", elapsed, args.letters, sizes, rss)
        if not args.skip_naive:
            print(f"speed-up: {args.letters / elapsed / naive_rate:.1f}x")


if __name__ == "__main__":
    main()
