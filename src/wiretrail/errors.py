"""wiretrail's one exception tree.

    WiretrailError
    ├── InputError            an input cannot be used; names the input and the reason
    │   ├── InputNotFound     a path that does not exist
    │   ├── InputTooLarge     over the documented size limit (settings.max_input_bytes)
    │   ├── EmptyInput        nothing but whitespace after decoding
    │   ├── BinaryInput       bytes that are no text in any encoding we can detect
    │   └── MalformedInput    a reader could not parse it (bad CSV row, broken feed, WARC...)
    ├── StoreError            the store could not be opened, migrated or written
    │   └── SchemaVersionError  the store was written by a newer wiretrail
    ├── ConfigError           a setting has a bad value; names the setting and the valid choices
    │   └── UnknownFormat     an export format no installed exporter provides (report/export.py)
    ├── FetchError            a URL could not be fetched (fetch/errors.py): FetchRefused (an
    │                         internal address, robots.txt), FetchTooLarge, RedirectError,
    │                         HTTPStatusError; each names the URL
    ├── NotFound              an id (or id prefix) that matches no record, or several (a LookupError)
    └── MissingExtra          a feature needs an optional extra that is not installed; gives the
                              install command (also an ImportError)
"""

from __future__ import annotations


class WiretrailError(Exception):
    """Base of every error wiretrail raises on purpose."""


class InputError(WiretrailError):
    """An input cannot be used. `source` names it; the message says why."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class InputNotFound(InputError):
    pass


class InputTooLarge(InputError):
    pass


class EmptyInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class MalformedInput(InputError):
    pass


class StoreError(WiretrailError):
    pass


class SchemaVersionError(StoreError):
    pass


class ConfigError(WiretrailError):
    pass


class NotFound(WiretrailError, LookupError):
    """An id or id prefix matched no record, or more than one; the message says which and
    `matches` how many (0: nothing by that id; more: give more characters)."""

    def __init__(self, message: str, *, matches: int = 0) -> None:
        super().__init__(message)
        self.matches = matches

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0]) if self.args else ""


class MissingExtra(WiretrailError, ImportError):
    """A feature needs an optional extra; the message is the command that installs it."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f"{feature} needs the {extra!r} extra: pip install 'wiretrail[{extra}]'")
        self.feature = feature
        self.extra = extra
