"""Timing scenarios against a baseline run side by side, and reporting ratios.

A scenario is a pair of callables on the same prepared data: Mutuality's way and a baseline
(the plain pandas/pingouin way). Both run in this process, alternately, and the best of
`repeat` runs of each counts. ratio = baseline_seconds / seconds: above 1 means Mutuality is
faster than the baseline.
"""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Result:
    """One scenario's timing."""

    name: str
    seconds: float
    baseline: str
    baseline_seconds: float
    ratio: float
    target: str = ""
    met: bool | None = None

    def as_dict(self) -> dict:
        """The scenario as the --json output shows it."""
        return asdict(self)


def best_time(function: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` wall-clock runs of `function`, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def compare(
    name: str,
    ours: Callable[[], object],
    baseline_name: str,
    baseline: Callable[[], object],
    *,
    repeat: int = 1,
    target_ratio: float | None = None,
    target_seconds: float | None = None,
) -> Result:
    """Time `ours` against `baseline` and judge the target (a minimum ratio or maximum seconds)."""
    ours_seconds = best_time(ours, repeat)
    baseline_seconds = best_time(baseline, repeat)
    ratio = baseline_seconds / ours_seconds if ours_seconds > 0 else float("inf")
    target, met = "", None
    if target_ratio is not None:
        target, met = f"ratio >= {target_ratio:g}", ratio >= target_ratio
    if target_seconds is not None:
        within = ours_seconds <= target_seconds
        target = (target + "; " if target else "") + f"seconds <= {target_seconds:g}"
        met = within if met is None else (met and within)
    return Result(name, round(ours_seconds, 4), baseline_name, round(baseline_seconds, 4),
                  round(ratio, 2), target, met)  # fmt: skip


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
