"""The batch report's peak memory is each process's own: a Dask worker is spawned by the client
(fork and exec), and Linux's `ru_maxrss` hands the child its parent's peak."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from wiretrail.batch.rss import peak_rss_mb

BALLAST_MB = 600


def _child_peak(queue) -> None:
    queue.put(peak_rss_mb())


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is read from Linux's /proc")
def test_a_spawned_process_reports_its_own_peak_not_its_parent_s():
    ballast = bytearray(BALLAST_MB * 2**20)
    ballast[:: 4096] = b"\1" * len(range(0, len(ballast), 4096))  # touch every page: resident
    assert peak_rss_mb() > BALLAST_MB
    context = multiprocessing.get_context("spawn")  # how dask's nannies start workers
    queue = context.Queue()
    child = context.Process(target=_child_peak, args=(queue,))
    child.start()
    child_peak = queue.get(timeout=120)
    child.join()
    # a fresh interpreter that imported wiretrail: ~100 MB; the parent's peak would be > 600
    assert 0 < child_peak < BALLAST_MB / 2
    del ballast
