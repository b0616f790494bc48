"""Type stubs for the native extension (re-exported by `boilerstrip`)."""

import os
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO, Literal, TypeVar, overload

_Doc = TypeVar("_Doc", str, bytes)
_Path = str | os.PathLike[str]

__version__: str

class Removal:
    """A run of consecutive removed lines with one reason."""

    @property
    def start(self) -> int:
        """Offset of the first removed character (code points for a `str` unless
        `offsets="bytes"`; bytes for `bytes`)."""
    @property
    def end(self) -> int:
        """Offset just past the last removed character, line terminator included."""
    @property
    def lines(self) -> range:
        """The 0-based numbers of the removed lines."""
    @property
    def reason(self) -> str:
        """The rule or detector that removed them."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Cleaner:
    """Strips boilerplate lines from documents; see `help(boilerstrip.Cleaner)`."""

    def __new__(
        cls,
        *,
        rules: _Path | Sequence[_Path] | None = None,
        disable: str | Sequence[str] | None = None,
        counts: _Path | None = None,
        min_docs: int | None = None,
        frequent_max_words: int | None = None,
        threads: int | None = None,
        offsets: Literal["chars", "bytes"] = "chars",
        default_rules: bool = True,
        scorer: bool = False,
        model: _Path | None = None,
    ) -> Cleaner: ...
    def clean(self, text: str, *, url: str | None = None) -> str:
        """The text without its boilerplate lines; kept lines are unchanged."""
    def clean_bytes(self, data: bytes, *, url: str | None = None) -> bytes:
        """`clean` for bytes (UTF-8 or not)."""
    def removals(self, doc: str | bytes, *, url: str | None = None) -> list[Removal]:
        """What would be removed and why, in document order."""
    @overload
    def clean_batch(
        self,
        docs: Iterable[_Doc],
        *,
        urls: Sequence[str | None] | None = None,
        with_removals: Literal[False] = False,
    ) -> list[_Doc]: ...
    @overload
    def clean_batch(
        self,
        docs: Iterable[_Doc],
        *,
        urls: Sequence[str | None] | None = None,
        with_removals: Literal[True],
    ) -> list[tuple[_Doc, list[Removal]]]: ...
    def clean_arrow(self, array: Any, *, urls: Any = None) -> tuple[Any, Any]:
        """Cleans an Arrow string/binary array (or chunked array): `(cleaned, spans)`,
        `spans` of type `list<struct<start: int64, end: int64, reason: string>>`."""
    def document_keys(
        self,
        doc: str | bytes,
        *,
        scope: Literal["corpus", "site"] = "corpus",
        url: str | None = None,
    ) -> list[int]:
        """The normal-form keys `boilerstrip count` counts for this document."""
    @property
    def rule_names(self) -> list[str]:
        """The names of the rules that run, in order."""
    @property
    def threads(self) -> int | None:
        """The worker pool's size as asked for (None: one per core)."""
    @property
    def offsets(self) -> Literal["chars", "bytes"]:
        """How removal offsets into a `str` are counted."""

class TableCounter:
    """Counts the documents of many inputs into one count table, or one table per hash
    partition, as `boilerstrip count` does: `add` each input, then `write` or
    `write_partitions`. Counting stays within `memory` bytes, spilling sorted runs into
    `spill_dir` (default: the system's temporary directory) past it."""

    def __new__(
        cls,
        *,
        scope: Literal["corpus", "site"] = "corpus",
        text_field: str = "text",
        url_field: str = "url",
        memory: int = 1 << 30,
        spill_dir: _Path | None = None,
        threads: int | None = None,
    ) -> TableCounter: ...
    def add(self, source: _Path | BinaryIO, name: str | None = None) -> None:
        """Counts every document of `source` (a path or a binary stream; gzip and zstd
        decoded, the format told from `name` or the first bytes)."""
    def add_documents(
        self, docs: Sequence[str | bytes], urls: Sequence[str | None] | None = None
    ) -> None:
        """Counts a batch of documents, each with its URL for a per-site count."""
    @property
    def documents(self) -> int:
        """Documents counted so far."""
    @property
    def invalid(self) -> int:
        """Records that could not be read (left out of the counts)."""
    @property
    def errors(self) -> list[str]:
        """The messages of the first invalid records."""
    def write(self, path: _Path) -> dict[str, Any]:
        """Writes the table of every key to `path` (atomically); returns its header."""
    def write_partitions(self, dir: _Path, partitions: int) -> list[dict[str, Any]]:
        """Writes `dir/part-0000.bsc` … one table per hash range; returns their headers."""

def merge_tables(
    tables: Sequence[_Path],
    output: _Path,
    *,
    min_docs: int = 1,
    partition: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Merges count tables into `output` as `boilerstrip merge` does; returns its header."""

def clean_stream(
    cleaner: Cleaner,
    source: _Path | BinaryIO,
    sink: BinaryIO,
    *,
    name: str,
    output_name: str | None = None,
    text_field: str = "text",
    url_field: str = "url",
) -> dict[str, Any]:
    """Cleans one input into one binary stream as `boilerstrip clean` does for a file;
    returns the run's statistics (`errors` lists records copied through unchanged)."""

def table_header(path: _Path) -> dict[str, Any]:
    """Reads a count table's header without reading its entries."""
