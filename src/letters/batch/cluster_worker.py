"""What a Dask worker runs for --cluster: its set-up once, then chunks of letters rendered to bytes.

A worker keeps what the local pool's forked workers keep from one chunk to the next: one scratch
folder (so the render context, and with it the PDF writer's FontConfiguration and parsed
stylesheets, stays the same from chunk to chunk: a new folder per chunk made a new writer every 16
letters, ~30 % of a worker's time) and one copy of the batch fonts. It also turns off two Dask
defaults that cost a WeasyPrint render a few per cent each (docs/scale.md): the statistical
profiler that samples the rendering thread's stack every 10 ms, and the nanny's malloc trim
threshold of 64 KiB (which also pins glibc's mmap threshold at 128 KiB, so Pango's and cairo's
larger buffers are each a fresh mmap and its page faults)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from letters.batch.malloc import set_thresholds
from letters.errors import SetupError

# glibc's thresholds a worker runs with: up to 32 MiB free at the top of the heap is kept for the
# next letter; buffers up to 4 MiB come from the heap, not their own mmap.
_TRIM_THRESHOLD = 32 * 1024 * 1024
_MMAP_THRESHOLD = 4 * 1024 * 1024

# The Dask settings a LocalCluster's workers start with (the same effect as the plugin's, from the
# start): no statistical profiler; the nanny leaves malloc's thresholds to glibc (None unsets).
LOCAL_CLUSTER_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


def tree_digest(*folders: Path) -> str:
    """SHA-256 over the relative names and contents of every file in ``folders``: the templates and
    letterheads a worker renders with must be the coordinator's, byte for byte."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_DIGESTS: dict[tuple[Path, Path], str] = {}


def check_files(templates: Path, letterheads: Path, expected: str) -> None:
    """On a worker: refuse the batch when its templates or letterheads differ from the coordinator's."""
    key = (templates, letterheads)
    if key not in _DIGESTS:
        if not templates.is_dir() or not letterheads.is_dir():
            raise SetupError(
                f"worker {os.getpid()}: no templates at {templates} or letterheads at {letterheads}"
            )
        _DIGESTS[key] = tree_digest(templates, letterheads)
    if _DIGESTS[key] != expected:
        raise SetupError(
            f"worker {os.getpid()}: its templates/letterheads ({templates}, {letterheads}) differ from "
            "the coordinator's: install the same version on every machine"
        )


def tune_worker(worker: Any) -> None:
    """A worker set up to render: Dask's profiler stopped, malloc's thresholds raised (see above).

    Done here too, not only through LOCAL_CLUSTER_CONFIG, for the workers of a remote cluster,
    which were started with their own settings.
    """
    for name in ("profile", "profile-cycle"):
        callback = getattr(worker, "periodic_callbacks", {}).get(name)
        if callback is not None:
            callback.stop()
    set_thresholds(mmap=_MMAP_THRESHOLD, trim=_TRIM_THRESHOLD)


def plugin() -> Any:
    """A WorkerPlugin: WeasyPrint loaded and the worker tuned when it joins; its scratch folders
    removed when it leaves."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class LoadWeasyPrint(WorkerPlugin):
        name = "letters-weasyprint"

        def setup(self, worker: Any) -> None:
            from letters.pdf.weasy import load

            tune_worker(worker)
            load()

        def teardown(self, worker: Any) -> None:
            remove_scratch()

    return LoadWeasyPrint()


# --- scratch folders: one per rendering thread and one per batch's fonts, kept by the worker ---

_SCRATCH: dict[int, Path] = {}
_LOCAL_FONTS: dict[str, tuple[Path, Any]] = {}  # the least recently used first
# Font sets a worker keeps: the batch it renders and a few others that may share the cluster.
_KEEP_FONTS = 4
_LOCK = threading.Lock()


def scratch_folder() -> Path:
    """This thread's scratch folder, the same for every chunk it renders (emptied after each)."""
    key = threading.get_ident()
    with _LOCK:
        folder = _SCRATCH.get(key)
        if folder is None or not folder.is_dir():
            folder = Path(tempfile.mkdtemp(prefix="letters-render-")).resolve()
            _SCRATCH[key] = folder
    return folder


def empty(folder: Path) -> None:
    """Everything a chunk left in ``folder`` removed; the folder itself kept for the next chunk."""
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def local_fonts(fonts: Any, files: dict[str, bytes]) -> Any:
    """On a worker: the batch fonts written to its own folder once, the stylesheet pointed there.

    The same object for every chunk of a batch, so the PDF writer made for the first chunk (its
    FontConfiguration, parsed stylesheets and copies of the fonts) serves the others.
    """
    from dataclasses import replace

    if fonts is None:
        return None
    key = hashlib.sha256(b"".join(name.encode() + data for name, data in sorted(files.items()))).hexdigest()
    with _LOCK:
        known = _LOCAL_FONTS.pop(key, None)
        if known is not None and known[0].is_dir():
            _LOCAL_FONTS[key] = known  # the most recently used last
            return known[1]
        # A worker serves batch after batch (a large file's parts, other coordinators): the least
        # recently used fonts go, with the copies a writer made in them, so /tmp stays bounded.
        while len(_LOCAL_FONTS) >= _KEEP_FONTS:
            oldest = next(iter(_LOCAL_FONTS))
            shutil.rmtree(_LOCAL_FONTS.pop(oldest)[0], ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix="letters-fonts-")).resolve()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        css = {lang: text.replace(fonts.folder.as_uri(), folder.as_uri()) for lang, text in fonts.css.items()}
        local = replace(fonts, folder=folder, css=css)
        _LOCAL_FONTS[key] = (folder, local)
        return local


def remove_scratch() -> None:
    """The worker's scratch and font folders removed (it leaves the cluster)."""
    with _LOCK:
        folders = [*_SCRATCH.values(), *(folder for folder, _ in _LOCAL_FONTS.values())]
        _SCRATCH.clear()
        _LOCAL_FONTS.clear()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def render_remote(task: tuple[Any, ...]) -> list[tuple[Any, dict[str, bytes]]]:
    """On a worker: render a chunk into its scratch folder; each outcome with its files' bytes."""
    from dataclasses import replace

    render_chunk, context, fonts, files, digest, jobs = task
    check_files(context.options.templates, context.options.letterheads, digest)
    scratch = scratch_folder()
    try:
        # The same scratch folder for every chunk: the context compares equal from one chunk to
        # the next and render_step keeps its writers (a new folder each chunk made a new writer,
        # its stylesheets parsed again, every 16 letters).
        local = replace(context, outdir=scratch)
        done = render_chunk((local, local_fonts(fonts, files), jobs))
        out: list[tuple[Any, dict[str, bytes]]] = []
        for item in done:
            paths = ([item.path] if item.path is not None else []) + list(item.extra_files)
            out.append((item, {path.name: path.read_bytes() for path in paths}))
        return out
    finally:
        empty(scratch)
