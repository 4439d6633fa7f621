"""Reading and extracting proposals in parallel processes (``ingest --jobs N``).

Each worker process builds the extraction pipeline once (in its initializer) and then
reads and extracts whole files; the parent process alone writes the ledger, so there is
one writer and the all-or-nothing transaction of ``ingest_files`` is unchanged. Results
come back in the order of the files. The pipeline lives in a per-worker holder that only
the worker's own functions use: a worker process is that pipeline's whole world.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Optional, Sequence

from .read.limits import DEFAULT_LIMITS, Limits

_PIPELINE: dict = {}  # in a worker process only: {"nlp": Language}
_AUDIT: dict = {}  # in an audit worker process only: its ledger connection and context


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


def _pool(jobs: int, preload: list, initializer, initargs) -> ProcessPoolExecutor:
    """Worker processes forked from a fork server that has imported ``preload`` once
    (spawned where there is no fork server), each set up by ``initializer``."""
    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    if os.name == "posix":
        context.set_forkserver_preload(preload)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer,
                               initargs=initargs)


def _in_order(pool: ProcessPoolExecutor, fn, tasks: Sequence[tuple], ahead: int) -> Iterator:
    """``fn(*task)`` of each task in the pool, results in task order, with at most
    ``ahead`` tasks submitted and not yet taken; the first error cancels the rest."""
    queued = iter(tasks)
    pending = [pool.submit(fn, *task) for task in itertools.islice(queued, ahead)]
    try:
        while pending:
            result = pending.pop(0).result()
            task = next(queued, None)
            if task is not None:
                pending.append(pool.submit(fn, *task))
            yield result
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def read_in_parallel(paths: Sequence, jobs: int, model: Optional[str],
                     password: Optional[str], strict: bool,
                     progress: Optional[Callable] = None,
                     limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple]:
    """``read_or_skip`` of each path in ``jobs`` worker processes, in path order.

    progress: called with each result as it arrives (in path order). The first error
    (a ReadError with its one-line message) stops the rest and is raised here; when
    not ``strict``, a file that cannot be read comes back as ``api.Skipped``.
    """
    # spaCy and the pipeline's code are imported once, in the fork server, and each
    # worker starts as a fork of it instead of importing them again.
    preload = ["spacy", "promiseaudit.extract.pipeline", "promiseaudit.read", "promiseaudit.api"]
    with _pool(jobs, preload, _start_worker, (model,)) as pool:
        tasks = [(str(p), password, strict, limits) for p in paths]
        for result in _in_order(pool, _read_one, tasks, 2 * jobs):
            if progress:
                progress(result)
            yield result


# --- the audit ---------------------------------------------------------------------------

# Deals one worker audits per task: enough that a task's start-up is small beside it.
DEALS_PER_TASK = 500


def _start_audit_worker(path: str, as_of, settings, confirmed_only: bool,
                        stage_dir: Optional[str]) -> None:
    from .api import audit_context
    from .ledger import open_reader, queries, store

    db = open_reader(path)
    stage = (store.StageFile(os.path.join(stage_dir, f"worker-{os.getpid()}.db"))
             if stage_dir else None)
    _AUDIT.update(db=db, as_of=as_of, settings=settings, confirmed_only=confirmed_only,
                  deals=queries.deals(db), context=audit_context(db, as_of), stage=stage)


def _audit_some(ids: list, lines: bool):
    """An ``api.AuditChunk`` of the deals ``ids``: counts and printed lines; never the
    verdicts themselves, which cost more to send between processes than to make. The
    snapshot rows (when the audit stores one) go to this worker's own staging file
    (``store.StageFile``), for this process has time to spare and the one storing the
    snapshot has none."""
    from .api import AuditChunk, iter_audit

    a = _AUDIT
    chunk = AuditChunk()
    rows = a["as_of"] if a["stage"] is not None else None
    for part in iter_audit(a["db"], a["as_of"], a["settings"], a["confirmed_only"], deals=a["deals"],
                           ids=ids, context=a["context"]):
        chunk.add(part, rows=rows, lines=lines)
    if a["stage"] is not None:
        chunk.stage(a["stage"])
    return chunk


def audit_in_parallel(path: str, ids: Sequence[str], as_of, settings, confirmed_only: bool,
                      jobs: int, lines: bool = False, stage_dir: Optional[str] = None) -> Iterator:
    """Audit the deals ``ids`` of the ledger file ``path`` in ``jobs`` worker processes,
    each reading the ledger read-only; ``api.AuditChunk``s come back in the order of
    ``ids``. stage_dir: where each worker keeps its snapshot rows (a ``store.StageFile``
    of its own; ``store.SnapshotStage.worker_dir``); None: no snapshot is stored. Every
    worker has committed its rows and ended once this is exhausted."""
    tasks = [(list(ids[i:i + DEALS_PER_TASK]), lines) for i in range(0, len(ids), DEALS_PER_TASK)]
    with _pool(jobs, ["promiseaudit.api", "promiseaudit.audit"], _start_audit_worker,
               (str(path), as_of, settings, confirmed_only, stage_dir)) as pool:
        yield from _in_order(pool, _audit_some, tasks, 2 * jobs)
