"""Scale-out on Dask: `wiretrail batch` (the pipeline mapped over partitions of the inputs,
corpus-wide dedup by shuffling index keys, a Parquet result) and `wiretrail load` (a result
merged into a store). Needs the `dask` extra: pip install 'wiretrail[dask]'.

Importing this package needs no extra: `run_batch` and `load_batch` check for it first and
name the install command when it is missing (their modules import pyarrow and distributed).
"""

from __future__ import annotations

from .cluster import INSTALL_HINT, require_dask

__all__ = ["INSTALL_HINT", "require_dask", "run_batch", "load_batch"]


def run_batch(*args, **kwargs):
    """See `wiretrail.batch.run.run_batch`."""
    require_dask()
    from .run import run_batch as run

    return run(*args, **kwargs)


def load_batch(*args, **kwargs):
    """See `wiretrail.batch.merge.load_batch`."""
    require_dask()
    from .merge import load_batch as load

    return load(*args, **kwargs)
