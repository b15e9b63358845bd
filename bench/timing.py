"""Timing shared by the benchmarks: the fastest of several runs, the one least disturbed by the
machine, for our code and its reference alike."""

from __future__ import annotations

import gc
import time
from typing import Any, Callable, Optional


def best_of(runs: int, measure: Callable[[Any], object], prepare: Optional[Callable[[int], Any]] = None,
            check: Optional[Callable[[Any], object]] = None) -> float:
    """Fastest of ``runs`` timings (seconds) of ``measure(prepare(i))``. Neither ``prepare`` nor
    ``check`` (given each result, it raises if the run did not do its work, so a failure never
    passes for speed) is timed; each result is dropped before the next run starts."""
    times = []
    for i in range(runs):
        arg = prepare(i) if prepare is not None else None
        start = time.perf_counter()
        result = measure(arg)
        times.append(time.perf_counter() - start)
        if check is not None:
            check(result)
        del arg, result
        gc.collect()                        # what this run made goes now, not inside the next timing
    return min(times)
