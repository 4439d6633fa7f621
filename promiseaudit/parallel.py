"""Reading and extracting proposals in parallel processes (``ingest --jobs N``).

Each worker process builds the extraction pipeline once (in its initializer) and then
reads and extracts whole files; the parent process alone writes the ledger, so there is
one writer and the all-or-nothing transaction of ``ingest_files`` is unchanged. Results
come back in the order of the files. The pipeline lives in a per-worker holder that only
the worker's own functions use: a worker process is that pipeline's whole world.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Optional, Sequence

from .read.limits import DEFAULT_LIMITS, Limits

_PIPELINE: dict = {}  # in a worker process only: {"nlp": Language}


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _start_worker(model: Optional[str]) -> None:
    from .extract import build_nlp

    _PIPELINE["nlp"] = build_nlp(model)


def _read_one(path: str, password: Optional[str], strict: bool, limits: Limits):
    from .api import read_or_skip

    return read_or_skip(path, nlp=_PIPELINE["nlp"], password=password, strict=strict,
                        limits=limits)


def read_in_parallel(paths: Sequence, jobs: int, model: Optional[str],
                     password: Optional[str], strict: bool,
                     progress: Optional[Callable] = None,
                     limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple]:
    """``read_or_skip`` of each path in ``jobs`` worker processes, in path order.

    progress: called with each result as it arrives (in path order). The first error
    (a ReadError with its one-line message) stops the rest and is raised here; when
    not ``strict``, a file that cannot be read comes back as ``api.Skipped``.
    """
    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    if os.name == "posix":
        # spaCy and the pipeline's code are imported once, in the fork server, and each
        # worker starts as a fork of it instead of importing them again.
        context.set_forkserver_preload(["spacy", "promiseaudit.extract.pipeline",
                                        "promiseaudit.read", "promiseaudit.api"])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(model,)) as pool:
        futures = [pool.submit(_read_one, str(p), password, strict, limits) for p in paths]
        try:
            for future in futures:
                result = future.result()
                if progress:
                    progress(result)
                yield result
        except BaseException:
            for future in futures:
                future.cancel()
            raise
