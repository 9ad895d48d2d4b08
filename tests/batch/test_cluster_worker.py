"""--cluster, on a worker: what it keeps from one chunk to the next (the render context, hence its
PDF writer; the batch fonts), what it leaves behind (nothing), and how it is tuned to render."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from letters.batch import cluster_worker, render_step
from letters.batch.cluster_worker import LOCAL_CLUSTER_CONFIG, render_remote, tree_digest, tune_worker
from letters.batch.options import Options
from letters.evidence.archive import now_utc
from letters.pdf.batch_fonts import BatchFonts


@dataclass(frozen=True)
class _Outcome:
    """What render_step's _Done carries that render_remote reads."""

    letter_id: str
    path: Path | None
    extra_files: tuple[Path, ...] = ()


def _chunk_with_writers() -> Any:
    """A render_chunk that asks render_step for its writers, as the real one does, and writes one
    file per job into the context's folder."""

    def render_chunk(task: tuple[Any, ...]) -> list[_Outcome]:
        context, fonts, jobs = task
        render_step._writers(context, fonts)
        out = []
        for job in jobs:
            path = context.outdir / f"{job}.pdf"
            path.write_bytes(f"%PDF of {job} with {fonts.folder.name}".encode())
            out.append(_Outcome(job, path))
        return out

    return render_chunk


def test_a_worker_keeps_one_writer_and_one_copy_of_the_fonts_for_every_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[Any, Any]] = []

    def make_writer(context: Any, fonts: Any) -> object:
        made.append((context, fonts))
        return object()

    monkeypatch.setattr(render_step, "_make_writer", make_writer)
    monkeypatch.setattr(render_step, "_WRITERS", None)
    options = Options(outdir=tmp_path / "out")
    context = render_step._RenderContext(options, tmp_path / "out", now_utc())
    coordinator_fonts = tmp_path / "coordinator-fonts"
    fonts = BatchFonts(
        coordinator_fonts, {"ja": f"@font-face {{ src: url({coordinator_fonts.as_uri()}/ja.otf) }}"}
    )
    files = {"ja.otf": b"subset font bytes"}
    digest = tree_digest(options.templates, options.letterheads)
    render_chunk = _chunk_with_writers()

    first = render_remote((render_chunk, context, fonts, files, digest, ["A1", "A2"]))
    second = render_remote((render_chunk, context, fonts, files, digest, ["B1"]))

    # One writer for the batch (a scratch folder per chunk made a new one, stylesheets parsed
    # again, every chunk): the second chunk found the first one's context and fonts.
    assert len(made) == 1, made
    local_context, local_fonts = made[0]
    assert local_context.outdir != context.outdir  # rendered in the worker's scratch, not OUTDIR
    assert local_fonts.folder != coordinator_fonts
    assert (local_fonts.folder / "ja.otf").read_bytes() == b"subset font bytes"
    assert local_fonts.folder.as_uri() in local_fonts.css["ja"]
    assert coordinator_fonts.as_uri() not in local_fonts.css["ja"]
    # Each letter's bytes come back; the scratch folder is emptied after every chunk.
    returned = {item.letter_id: data for item, data in [*first, *second]}
    assert returned == {
        job: {f"{job}.pdf": f"%PDF of {job} with {local_fonts.folder.name}".encode()}
        for job in ("A1", "A2", "B1")
    }
    assert list(local_context.outdir.iterdir()) == []
    cluster_worker.remove_scratch()
    assert not local_context.outdir.exists()
    assert not local_fonts.folder.exists()


def test_a_worker_serving_batch_after_batch_keeps_the_fonts_of_the_last_few(tmp_path: Path) -> None:
    coordinator = tmp_path / "fonts"
    folders = []
    for number in range(6):
        fonts = BatchFonts(coordinator, {"zh": f"url({coordinator.as_uri()}/zh.otf)"})
        folders.append(cluster_worker.local_fonts(fonts, {"zh.otf": f"part {number}".encode()}).folder)
        # The first part's fonts are used again by every later part (another coordinator's batch).
        first = cluster_worker.local_fonts(fonts, {"zh.otf": b"part 0"}).folder
        assert first == folders[0]
    kept = [folder.is_dir() for folder in folders]
    assert kept == [True, False, False, True, True, True]
    assert (folders[-1] / "zh.otf").read_bytes() == b"part 5"
    cluster_worker.remove_scratch()
    assert not any(folder.exists() for folder in folders)


class _Callback:
    def __init__(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False


class _Worker:
    def __init__(self) -> None:
        self.periodic_callbacks = {name: _Callback() for name in ("profile", "profile-cycle", "heartbeat")}


def test_a_worker_stops_dasks_profiler_and_keeps_its_heartbeat() -> None:
    worker = _Worker()
    tune_worker(worker)
    running = {name: callback.running for name, callback in worker.periodic_callbacks.items()}
    assert running == {"profile": False, "profile-cycle": False, "heartbeat": True}


def _probe(dask_worker: Any = None) -> tuple[str | None, list[str]]:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), sorted(dask_worker.periodic_callbacks)


@pytest.mark.slow
def test_local_cluster_workers_start_without_the_profiler_or_the_malloc_trim_threshold() -> None:
    from letters.batch.cluster import ClusterPool

    assert LOCAL_CLUSTER_CONFIG["distributed.worker.profile.enabled"] is False
    had = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    with ClusterPool("local", 1) as pool:
        (probed,) = pool.client.run(_probe).values()
    trim, callbacks = probed
    assert trim == had  # the nanny sets none (it would also in this process's environment)
    assert os.environ.get("MALLOC_TRIM_THRESHOLD_") == had
    assert "heartbeat" in callbacks
    assert not {"profile", "profile-cycle"} & set(callbacks)
