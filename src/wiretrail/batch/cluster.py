"""Connecting to Dask: a scheduler given by address, or a local cluster of worker processes.

Dask is the `dask` extra; without it the user is told the exact install command.
"""

from __future__ import annotations

import importlib.util
import logging

from ..errors import ConfigError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'wiretrail[dask]'"
# How long a worker restart may take: a worker that held spaCy takes a few seconds to go; a
# normal restart of two workers takes under one
RESTART_TIMEOUT_S = 60.0


def require_dask() -> None:
    """Raise a ConfigError naming the install command when dask.distributed is missing."""
    for module in ("dask", "distributed", "pyarrow"):
        if importlib.util.find_spec(module) is None:
            raise ConfigError(f"wiretrail batch needs the dask extra ({module} is not installed): {INSTALL_HINT}")


def open_client(*, scheduler: str | None = None, local_workers: int = 2, memory_limit: str | None = None):
    """A `distributed.Client` on `scheduler` (tcp://host:8786), else on a new LocalCluster of
    `local_workers` single-threaded processes (spaCy releases the GIL too little for threads)."""
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    if local_workers < 1:
        raise ConfigError(f"--local-workers must be at least 1, not {local_workers}")
    cluster = LocalCluster(
        n_workers=local_workers,
        threads_per_worker=1,
        processes=True,
        memory_limit=memory_limit or "auto",
        dashboard_address=":0",
    )
    return Client(cluster)


def close_client(client) -> None:
    """Close the client, and the local cluster when this process started it."""
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()


def preload_spacy(client, *, model: str, extract: bool) -> None:
    """Register the worker plugin that loads spaCy once per worker."""
    from .plugin import SpacyPreload

    client.register_plugin(SpacyPreload(model, extract), name=SpacyPreload.name)


def owns_workers(client) -> bool:
    """Whether this process started the client's cluster (a LocalCluster), so that its workers
    are this run's to restart; a cluster reached by scheduler address may serve others too."""
    return client.cluster is not None


def restart_without_spacy(client, *, timeout: float = RESTART_TIMEOUT_S) -> None:
    """Restart every worker with the spaCy preload unregistered. What follows analysis (the
    key shuffle, the dedup tasks) needs no spaCy, and a worker keeps what analysis grew it to
    (~800 MB at 20,000 generated documents: the models, and what the allocator holds on to)
    under the neighbour step's own peak: on one worker the two together went past 1.5 GB.

    A nanny now and then closes for good instead of restarting its worker (dask/distributed
    #7312; here about one restart in twenty), and `restart` times out with no workers left, so
    that the next step would wait for ever: the cluster's own workers are then started anew."""
    from .plugin import SpacyPreload

    client.unregister_worker_plugin(SpacyPreload.name)
    try:
        client.restart(timeout=timeout)
    except TimeoutError as error:
        log.warning("restarting the workers failed (%s); starting new ones", error)
        replace_lost_workers(client, timeout=timeout)


def replace_lost_workers(client, *, timeout: float = RESTART_TIMEOUT_S) -> None:
    """Start again each worker of this process's cluster that the scheduler no longer lists,
    and wait for all of them. The cluster keeps every worker's spec: dropping a lost worker's
    nanny (the cluster itself would only after `lost-worker-timeout`) and scaling to the
    cluster's own size reopens what is missing, and nothing more."""
    cluster = client.cluster
    connected = {worker["name"] for worker in client.scheduler_info()["workers"].values()}
    for name in [name for name in cluster.workers if name not in connected]:
        cluster.sync(cluster.workers.pop(name).close)
    wanted = len(cluster.worker_spec)
    cluster.scale(wanted)
    client.wait_for_workers(wanted, timeout=timeout)
