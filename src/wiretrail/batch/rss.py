"""A process's own peak resident memory, as the batch report and its benchmark give it."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """This process's peak RSS in MB: `VmHWM` where /proc has it (Linux). `ru_maxrss` is not
    the process's own on Linux: a process started by fork and exec inherits its parent's peak,
    so a worker that a client holding 2.3 GB spawned reported 2.3 GB before doing anything."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
