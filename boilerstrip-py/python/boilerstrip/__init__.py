"""Strip boilerplate lines from text corpora, byte for byte.

`Cleaner` removes photo captions, promo blocks, credit and source lines, share, cookie,
navigation and legal lines, and lines repeated inside a document, and passes every other
line through unchanged. It takes `str`, `bytes`, lists of them and Arrow arrays, and
plugs into HF `datasets` (`ds.map(cleaner.hf_map, batched=True)`) and datatrove
(`boilerstrip.datatrove.BoilerstripFormatter`).
"""

from __future__ import annotations

from typing import Any

from . import errors
from ._boilerstrip import Cleaner as _Cleaner
from ._boilerstrip import Removal, __version__
from .errors import (
    BoilerstripError,
    BoilerstripOSError,
    ConfigError,
    CountTableError,
    InputError,
    LimitError,
    RuleError,
)


class HFMapper:
    """A function for `datasets.Dataset.map(..., batched=True)` that cleans one column.

    Takes a batch as a `pyarrow.Table` (a dataset in `with_format("arrow")`: Arrow in,
    Arrow out, no Python objects per row) or as a dict of columns (the default format),
    and returns the batch with `text_column` cleaned and the removals in `spans_column`
    (`list<struct<start, end, reason>>`; offsets as the cleaner counts them). With
    `url_column`, each document's URL picks its site for a per-site count table.
    """

    def __init__(
        self,
        cleaner: Cleaner,
        text_column: str = "text",
        spans_column: str | None = "boilerstrip_spans",
        url_column: str | None = None,
    ) -> None:
        self.cleaner = cleaner
        self.text_column = text_column
        self.spans_column = spans_column
        self.url_column = url_column

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        if isinstance(batch, (pa.Table, pa.RecordBatch)):
            urls = batch.column(self.url_column) if self.url_column else None
            cleaned, spans = self.cleaner.clean_arrow(batch.column(self.text_column), urls=urls)
            index = batch.schema.get_field_index(self.text_column)
            out = batch.set_column(index, self.text_column, cleaned)
            if self.spans_column is None:
                return out
            if self.spans_column in out.schema.names:
                index = out.schema.get_field_index(self.spans_column)
                return out.set_column(index, self.spans_column, spans)
            return out.append_column(self.spans_column, spans)
        texts = pa.array(batch[self.text_column], type=pa.large_string())
        urls = None
        if self.url_column:
            urls = pa.array(batch[self.url_column], type=pa.large_string())
        cleaned, spans = self.cleaner.clean_arrow(texts, urls=urls)
        out = {self.text_column: cleaned.to_pylist()}
        if self.spans_column is not None:
            out[self.spans_column] = spans.to_pylist()
        return out


class Cleaner(_Cleaner):
    __doc__ = _Cleaner.__doc__

    def hf_map(self, batch: Any) -> Any:
        """`ds.map(cleaner.hf_map, batched=True)`: cleans the `text` column and adds
        `boilerstrip_spans`; see `HFMapper` for other columns."""
        return HFMapper(self)(batch)

    def hf_mapper(
        self,
        text_column: str = "text",
        spans_column: str | None = "boilerstrip_spans",
        url_column: str | None = None,
    ) -> HFMapper:
        """A `datasets` map function for other column names (`spans_column=None`: no spans)."""
        return HFMapper(self, text_column, spans_column, url_column)


__all__ = [
    "BoilerstripError",
    "BoilerstripOSError",
    "Cleaner",
    "ConfigError",
    "CountTableError",
    "HFMapper",
    "InputError",
    "LimitError",
    "Removal",
    "RuleError",
    "__version__",
    "errors",
]
