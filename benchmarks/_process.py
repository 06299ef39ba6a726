"""Run a contender in its own process and measure it: wall time and the peak RSS of its whole
process tree (worker processes included), sampled every SAMPLE_EVERY_S."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import psutil

SAMPLE_EVERY_S = 0.05


def measure(cmd: list[str], *, cwd: Path, quiet: bool = False, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of `cmd` and its children; exits if `cmd` fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL if quiet else None, env=env)
    peak = 0
    parent = psutil.Process(proc.pid)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                procs = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(SAMPLE_EVERY_S)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    stop.set()
    thread.join()
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {code}")
    return time.perf_counter() - start, peak
