"""Run a per-item function on every core, results in input order.

The `initializer` loads what the work needs (jieba's dictionary, ~1 s) once
per process. It runs in this process first: forked workers inherit what it
loaded and start at once (their own initializer call finds it done); where
workers are spawned instead (macOS, Windows) each loads it once. A pool pays
for itself only past some number of items (forking, sending pages and results
between processes): below `min_items` the work runs in this process. Both
paths give the same results, in the same order.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def available_cpus() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def chunk_size(items: int, workers: int) -> int:
    """Big enough to amortise the inter-process traffic, small enough that the
    workers finish together (about 8 chunks each, at most 32 items a chunk)."""
    return max(1, min(32, items // (workers * 8)))


def map_ordered(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    initializer: Callable[[], None],
    min_items: int,
    workers: int | None = None,
) -> Iterator[R]:
    """func(item) for every item, in order; in a process pool when there are
    at least `min_items` items and more than one core."""
    workers = min(workers or available_cpus(), len(items))
    if not items:
        return
    initializer()
    if workers < 2 or len(items) < min_items:
        yield from map(func, items)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer) as pool:
        yield from pool.map(func, items, chunksize=chunk_size(len(items), workers))
