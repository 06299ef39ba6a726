"""Query results for the Python API: iterate them lazily, or convert them for analysis.

    for doc in record.documents(kind="live-blog"): ...     # streamed from the store
    record.figures(about="troops").to_pandas()             # a DataFrame (pandas extra)
    record.timeline(entity="Rutte").to_arrow()             # a pyarrow Table (pyarrow)

Each item converts to a flat record with the same fields the CLI's JSON and the export write,
so a DataFrame's columns are the documented export schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from .errors import MissingExtra

if TYPE_CHECKING:  # optional extras: imported only when a conversion is asked for
    import pandas
    import pyarrow

T = TypeVar("T")


class Results(Generic[T]):
    """A re-iterable, lazily evaluated result. Iterating runs the query again (so a long listing
    streams); `len()`, indexing and conversions read it once and keep it."""

    def __init__(self, produce: Callable[[], Iterable[T]], record: Callable[[T], dict[str, Any]]) -> None:
        self._produce = produce
        self._record = record
        self._items: list[T] | None = None

    def __iter__(self) -> Iterator[T]:
        if self._items is not None:
            return iter(self._items)
        return iter(self._produce())

    def to_list(self) -> list[T]:
        if self._items is None:
            self._items = list(self._produce())
        return self._items

    def __len__(self) -> int:
        return len(self.to_list())

    def __bool__(self) -> bool:
        return bool(self.to_list())

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.to_list()[index]

    def to_records(self) -> list[dict[str, Any]]:
        """Plain dicts with the export schema's fields (JSON-ready: times as ISO text)."""
        return [self._record(item) for item in self.to_list()]

    def to_pandas(self) -> pandas.DataFrame:
        try:
            import pandas
        except ImportError as exc:
            raise MissingExtra("to_pandas()", "dataframes") from exc
        return pandas.DataFrame.from_records(self.to_records())

    def to_arrow(self) -> pyarrow.Table:
        try:
            import pyarrow
        except ImportError as exc:
            raise MissingExtra("to_arrow()", "dataframes") from exc
        return pyarrow.Table.from_pylist(self.to_records())

    def __repr__(self) -> str:
        state = f"{len(self._items)} items" if self._items is not None else "not yet read"
        return f"<Results {state}>"
