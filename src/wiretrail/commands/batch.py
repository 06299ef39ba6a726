"""`wiretrail batch` and `wiretrail load`: the pipeline on a Dask cluster, and its result
merged into a store. Both call the library (`wiretrail.batch`); these only check arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import WiretrailError
from .common import err, fail, open_configured_store, show_progress, state

STAGES = {"analyze": "analysing partitions", "dedup": "global dedup", "assemble": "assembling", "export": "writing Parquet"}


def batch(
    inputs: Annotated[list[str], typer.Argument(help="Files or folders: text, HTML, CSV, JSON Lines, RSS/Atom, WARC.")],
    out: Annotated[Path, typer.Option("--out", help="Directory for the Parquet result (a rerun skips finished partitions).")],
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="A running Dask scheduler, e.g. tcp://host:8786.")] = None,
    local_workers: Annotated[int, typer.Option("--local-workers", help="Worker processes of a local cluster (without --scheduler).")] = 2,
    owner_docs: Annotated[Optional[int], typer.Option("--owner-docs", help="Documents whose pairs one dedup task decides (default: batch.dedup.OWNER_DOCS, 2048): fewer make more, smaller tasks, each writing the earlier documents it needs again.")] = None,
) -> None:
    """Process inputs on a Dask cluster into partitioned Parquet (the export tables).

    Example: wiretrail batch ../shared/corpus/ukraine-2022/ --out result/ --local-workers 2
    """
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://", "ucx://")):
        raise fail(f"--scheduler {scheduler!r} is not a scheduler address such as tcp://host:8786", 2)
    if local_workers < 1:
        raise fail(f"--local-workers must be at least 1, not {local_workers}", 2)
    if owner_docs is not None and owner_docs < 1:
        raise fail(f"--owner-docs must be at least 1, not {owner_docs}", 2)
    try:
        from ..batch import require_dask

        require_dask()
        from ..batch.cluster import close_client, open_client
        from ..batch.run import run_batch

        client = open_client(scheduler=scheduler, local_workers=local_workers)
    except WiretrailError as exc:
        raise fail(str(exc), 2) from exc
    except OSError as exc:
        raise fail(f"cannot reach the Dask scheduler {scheduler}: {exc}", 2) from exc
    sizes = {} if owner_docs is None else {"owner_docs": owner_docs}
    try:
        if not state.quiet and client.dashboard_link:
            err.print(f"Dask dashboard: {client.dashboard_link}", markup=False, highlight=False)
        if show_progress():
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err) as bar:
                tasks: dict[str, int] = {}

                def progress(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total)
                    bar.update(tasks[stage], completed=done, total=total)

                report = run_batch(inputs, out, client=client, settings=state.settings, progress=progress, **sizes)
        else:
            report = run_batch(inputs, out, client=client, settings=state.settings, **sizes)
    except WiretrailError as exc:
        raise fail(str(exc)) from exc
    finally:
        close_client(client)
    for failure in report.failures:
        err.print(f"failed: {failure.source}: {failure.error}", markup=False, highlight=False)
    if not state.quiet:
        seconds = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
        err.print(
            f"{report.documents} documents ({report.partitions} partitions, {report.skipped} finished before), "
            f"{report.links} links, {len(report.failures)} failed; {seconds}; result in {out}",
            markup=False, highlight=False,
        )  # fmt: skip
    if report.failures:
        raise typer.Exit(1)


def load(
    result: Annotated[Path, typer.Argument(help="A directory `wiretrail batch --out` wrote.")],
) -> None:
    """Merge a batch result into the store (--db); loading it twice changes nothing.

    Example: wiretrail --db wiretrail.db load result/
    """
    try:
        from ..batch import require_dask

        require_dask()
        from ..batch.merge import load_batch
    except WiretrailError as exc:
        raise fail(str(exc), 2) from exc
    if not result.is_dir():
        raise fail(f"{result}: not a directory; pass the --out directory of `wiretrail batch`", 2)
    store = open_configured_store()
    try:
        report = load_batch(store, result, batch_size=state.settings.batch_size)
    except WiretrailError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    if not state.quiet:
        how = "matched against the documents already stored" if report.incremental else "into an empty store"
        err.print(
            f"{report.added} documents added ({report.existing} already stored), {report.links} links, "
            f"{len(report.failures)} inputs the batch could not read; {how}",
            markup=False, highlight=False,
        )  # fmt: skip
