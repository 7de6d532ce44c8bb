"""Wall time and peak resident memory of one call, for the benchmark cases."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import psutil

T = TypeVar("T")


@dataclass
class Measured(Generic[T]):
    value: T
    seconds: float
    peak_mb: float


def measure(fn: Callable[[], T], *, interval: float = 0.02) -> Measured[T]:
    """Run ``fn`` once; report its wall time and the process's peak RSS while it ran (MB)."""
    process = psutil.Process()
    peak = process.memory_info().rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        value = fn()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    peak = max(peak, process.memory_info().rss)
    return Measured(value=value, seconds=round(seconds, 3), peak_mb=round(peak / 2**20, 1))
