"""What every fuzz target shares: instrumentation, seeds, and the properties checked on each input.

A target defines `check(data: bytes)`; anything it raises other than a documented
`WiretrailError` (or a failed property assertion) is a finding, and libFuzzer stops with the
input saved as `crash-*` under the artifact folder. Hangs are findings too: `-timeout` (seconds
per input) is set unless the command line sets it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import atheris

PER_INPUT_TIMEOUT_S = 20  # far above any honest input (<0.5 s each); a hang is a finding
MAX_INPUT_LEN = 64 * 1024  # libFuzzer's default (4 KB) misses size-dependent slowness; larger costs speed
WORK_DIR = Path(os.environ.get("WIRETRAIL_FUZZ_DIR", Path(tempfile.gettempdir()) / "wiretrail-fuzz"))


def run(name: str, check: Callable[[bytes], None], seeds: Iterable[bytes]) -> None:
    """Fuzz `check`, starting from `seeds` (written to a corpus folder outside the project)."""
    args = list(sys.argv)
    corpus = WORK_DIR / "corpus" / name
    artifacts = WORK_DIR / "artifacts" / name
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(seeds):
        (corpus / f"seed-{i}").write_bytes(seed)
    if not any(a.startswith("-timeout=") for a in args):
        args.append(f"-timeout={PER_INPUT_TIMEOUT_S}")
    if not any(a.startswith("-max_len=") for a in args):
        args.append(f"-max_len={MAX_INPUT_LEN}")
    if not any(a.startswith("-artifact_prefix=") for a in args):
        args.append(f"-artifact_prefix={artifacts}/")
    if not any(not a.startswith("-") for a in args[1:]):  # no corpus folder given
        args.append(str(corpus))
    atheris.Setup(args, check)
    atheris.Fuzz()


def text_of(data: bytes) -> str:
    """The input as text: the fuzzer's bytes read as UTF-8 with replacements, so every input is some text."""
    return data.decode("utf-8", errors="replace")


def check_spans(spans: Iterable[tuple[int, int]], length: int, what: str) -> None:
    for start, end in spans:
        assert 0 <= start <= end <= length, f"{what} span ({start}, {end}) outside 0..{length}"


def comparable(items: Iterable[object]) -> list[object]:
    """Reader output with each Failure's wall-clock `at` left out: the rest must repeat exactly."""
    from wiretrail.model import Failure

    return [(i.source, i.stage, i.error) if isinstance(i, Failure) else i for i in items]
