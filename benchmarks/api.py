"""Issue 6's `benchmarks/api.py`: the API under concurrent readers and a writer, on SQLite and
PostgreSQL. One script does it: this runs `benchmarks/load.py` with the same options
(`--readers`, `--seconds`, `--docs`, `--backends`, `--json`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
