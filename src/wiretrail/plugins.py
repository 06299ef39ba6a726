"""Plugins: readers, exporters and alert channels that other packages add through entry points.

    wiretrail.readers    a `Reader`: file extensions and a sniff predicate -> RawDocument | Failure
    wiretrail.exporters  an `Exporter`: a format name -> writes the export tables into a folder
    wiretrail.alerts     an `AlertChannel`: a name -> delivers one alert to a destination

The built-in ones are declared the same way in wiretrail's own pyproject.toml, so a plugin is
found exactly as they are. An entry point names an object that satisfies the protocol, or a
class that does (instantiated with no arguments). A plugin that fails to import is logged with
its distribution's name and listed by `broken()`; it never takes the built-ins down with it.

This module imports only the model, so readers (which run beside Dask workers) can use it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, BinaryIO, Generic, Protocol, TypeVar, runtime_checkable

from .errors import ConfigError
from .model import Failure, RawDocument

log = logging.getLogger(__name__)

READERS = "wiretrail.readers"
EXPORTERS = "wiretrail.exporters"
ALERTS = "wiretrail.alerts"
GROUPS = (READERS, EXPORTERS, ALERTS)
OWN_DISTRIBUTION = "wiretrail"  # its entry points win a name clash with a plugin's

# What pyproject.toml declares for the built-ins (a test keeps the two equal). Used only when the
# installed metadata lacks them - a checkout whose `pip install -e .` predates the entry points -
# so a stale install degrades to "no plugins", never to "no readers".
BUILTINS: dict[str, dict[str, str]] = {
    READERS: {
        "text": "wiretrail.ingest.files:TEXT_READER",
        "html": "wiretrail.ingest.files:HTML_READER",
        "feed": "wiretrail.ingest.files:FEED_READER",
        "csv": "wiretrail.ingest.files:CSV_READER",
        "tsv": "wiretrail.ingest.files:TSV_READER",
        "jsonl": "wiretrail.ingest.files:JSONL_READER",
        "warc": "wiretrail.ingest.files:WARC_READER",
    },
    EXPORTERS: {
        "jsonl": "wiretrail.report.export:JSONL_EXPORTER",
        "csv": "wiretrail.report.export:CSV_EXPORTER",
    },
    ALERTS: {
        "stdout": "wiretrail.alerts.deliver:STDOUT_CHANNEL",
        "webhook": "wiretrail.alerts.deliver:WEBHOOK_CHANNEL",
    },
}


@runtime_checkable
class Reader(Protocol):
    """Turns one file (or a stream) into documents. `extensions` are lower-case with the dot
    (`.wire`), matched under a `.gz`; `sniff` sees the first 4 KiB when the extension says nothing.

    `streamed` readers get the open stream and apply `max_bytes` per record (a 1 GB export reads
    in constant memory); the others get the whole file, already refused if over `max_bytes`.
    Raise `wiretrail.errors.InputError` (or yield a `Failure`) for a bad input, never a bare
    exception: one broken file must not stop an ingest.
    """

    name: str
    extensions: tuple[str, ...]
    streamed: bool

    def sniff(self, head: bytes) -> bool: ...

    def read(self, stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]: ...


@runtime_checkable
class Exporter(Protocol):
    """Writes the export tables (name -> stream of flat records, see `wiretrail export`) into
    `out_dir`; returns rows written per table. `name` is what `--format` takes."""

    name: str

    def write(self, tables: Mapping[str, Iterator[dict[str, Any]]], out_dir: Path) -> dict[str, int]: ...


@runtime_checkable
class AlertChannel(Protocol):
    """Delivers one alert to a destination (a rule's `channel:target`, or an http(s) URL for the
    webhook channel); returns what happened: 'ok', or 'failed: <reason>' (stored on the alert).
    `options` carries the poller's `transport` (an httpx transport, for tests) and `user_agent`."""

    name: str

    def deliver(self, alert: Any, destination: str, *, options: Mapping[str, Any]) -> str: ...


@dataclass(frozen=True, slots=True)
class BrokenPlugin:
    """An entry point that could not be loaded, and why."""

    group: str
    name: str
    distribution: str
    error: str

    def __str__(self) -> str:
        return f"{self.group} plugin {self.name!r} from distribution {self.distribution!r}: {self.error}"


P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Loaded(Generic[P]):
    """A plugin object and the distribution that provided it."""

    name: str
    obj: P
    distribution: str


class Registry(Generic[P]):
    """The plugins of one entry-point group, loaded once (call `refresh()` after installing one)."""

    def __init__(self, group: str, protocol: type, what: str) -> None:
        self.group = group
        self._protocol = protocol
        self._what = what  # "reader", "export format", "alert channel": for messages
        self._loaded: dict[str, Loaded[P]] | None = None
        self._broken: list[BrokenPlugin] = []

    def refresh(self) -> None:
        """Forget what was loaded: the next lookup reads the installed entry points again."""
        importlib.invalidate_caches()
        self._loaded = None
        self._broken = []

    def plugins(self) -> dict[str, Loaded[P]]:
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.plugins()))

    def broken(self) -> list[BrokenPlugin]:
        self.plugins()
        return list(self._broken)

    def get(self, name: str) -> P:
        """The plugin called `name`; a `ConfigError` listing the available ones otherwise."""
        found = self.plugins().get(name)
        if found is not None:
            return found.obj
        message = f"unknown {self._what} {name!r}; available: {', '.join(self.names()) or 'none'}"
        broken = [b for b in self._broken if b.name == name]
        if broken:
            message += f" ({broken[0]})"
        raise ConfigError(message)

    def _load(self) -> dict[str, Loaded[P]]:
        points = list(entry_points(group=self.group))
        if not any(_distribution(ep) == OWN_DISTRIBUTION for ep in points):
            log.debug("no %s entry points installed for wiretrail itself; using the built-in table", self.group)
            points += [EntryPoint(name, value, self.group) for name, value in BUILTINS[self.group].items()]
        loaded: dict[str, Loaded[P]] = {}
        # wiretrail's own first, so a plugin cannot silently replace a built-in
        for ep in sorted(points, key=lambda e: (_distribution(e) != OWN_DISTRIBUTION, e.name)):
            dist = _distribution(ep)
            if ep.name in loaded:
                if loaded[ep.name].distribution != dist:
                    log.warning("%s plugin %r from %r ignored: %r already provides it", self.group, ep.name, dist, loaded[ep.name].distribution)
                continue
            try:
                obj = ep.load()
                if isinstance(obj, type):
                    obj = obj()
            except Exception as exc:  # a broken plugin is reported, never fatal
                self._report(BrokenPlugin(self.group, ep.name, dist, f"{type(exc).__name__}: {exc}"))
                continue
            if not isinstance(obj, self._protocol):
                self._report(BrokenPlugin(self.group, ep.name, dist, f"{ep.value} is not a {self._protocol.__name__}"))
                continue
            loaded[ep.name] = Loaded(ep.name, obj, dist)
        return loaded

    def _report(self, problem: BrokenPlugin) -> None:
        self._broken.append(problem)
        log.warning("could not load %s; it is skipped", problem)


def _distribution(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else OWN_DISTRIBUTION  # only the fallback table has none


readers: Registry[Reader] = Registry(READERS, Reader, "reader")
exporters: Registry[Exporter] = Registry(EXPORTERS, Exporter, "export format")
alert_channels: Registry[AlertChannel] = Registry(ALERTS, AlertChannel, "alert channel")


def refresh() -> None:
    """Re-read every group's entry points (after a plugin was installed in this process)."""
    for registry in (readers, exporters, alert_channels):
        registry.refresh()


def broken() -> list[BrokenPlugin]:
    """Every plugin that could not be loaded, in all groups."""
    return [b for registry in (readers, exporters, alert_channels) for b in registry.broken()]
