"""A datatrove pipeline step that strips boilerplate lines from `doc.text`.

```python
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from boilerstrip.datatrove import BoilerstripFormatter

LocalPipelineExecutor(pipeline=[
    JsonlReader("in/"),
    BoilerstripFormatter(),            # or BoilerstripFormatter(Cleaner(rules=[...]))
    JsonlWriter("out/"),
]).run()
```

Each document's removals go to `doc.metadata["boilerstrip_spans"]` as a list of
`{"start", "end", "reason"}` dicts (offsets into the original text, in code points), the
counts to datatrove's stats: `removed_lines_<reason>` and `removed_chars_<reason>` per
rule or detector, plus `documents_changed` and `removed_chars`. With
`max_removed_share`, a document that would lose more than that share of its characters
is dropped (into `exclusion_writer`, unchanged, when one is given), and so is a document
with nothing but blank lines left (`drop_empty=False` keeps it, with an empty text).

datatrove's `ParquetWriter` takes its schema from the first document it writes; when
that document may have no removals (an empty list has no element type), give it
`schema=` with `SPANS_TYPE` (pyarrow) for the spans field of `metadata`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from . import Cleaner


def _spans_type() -> Any:
    import pyarrow as pa

    return pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("reason", pa.string())]))


def __getattr__(name: str) -> Any:
    if name == "SPANS_TYPE":
        return _spans_type()
    raise AttributeError(name)


class BoilerstripFormatter(BaseFormatter):
    """Cleans `doc.text` with a boilerstrip `Cleaner`.

    Args:
        cleaner: the cleaner to use (default: `Cleaner()`, the embedded default packs).
        spans_key: the metadata key for the removals (None: do not store them).
        max_removed_share: drop a document that would lose more than this share
            (0..1) of its characters; None keeps every document.
        drop_empty: drop a document with nothing but blank lines left.
        exclusion_writer: a datatrove writer for the dropped documents, written as they
            came in (text unchanged), with their spans and `boilerstrip_removed_share`.
        batch_size: documents cleaned together (in parallel on the cleaner's pool).
        url_key: the metadata key holding a document's URL, for per-site count tables.
    """

    name = "🧹 boilerstrip"

    def __init__(
        self,
        cleaner: Cleaner | None = None,
        *,
        spans_key: str | None = "boilerstrip_spans",
        max_removed_share: float | None = None,
        drop_empty: bool = True,
        exclusion_writer: Any = None,
        batch_size: int = 256,
        url_key: str = "url",
    ) -> None:
        super().__init__()
        if max_removed_share is not None and not 0 <= max_removed_share <= 1:
            raise ValueError(f"max_removed_share must be between 0 and 1, not {max_removed_share}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.cleaner = cleaner if cleaner is not None else Cleaner()
        self.spans_key = spans_key
        self.max_removed_share = max_removed_share
        self.drop_empty = drop_empty
        self.exclusion_writer = exclusion_writer
        self.batch_size = batch_size
        self.url_key = url_key

    def format(self, text: str) -> str:
        """The cleaned text of one document."""
        return self.cleaner.clean(text)

    def _clean(self, batch: list, urls: list) -> list:
        """`clean_batch` over the batch's texts; an error names the document's `id`."""
        try:
            return self.cleaner.clean_batch([doc.text for doc in batch], urls=urls, with_removals=True)
        except (TypeError, ValueError) as error:
            # clean_batch names the document by its place in this batch, which means
            # nothing to the reader of a pipeline's log: find it again, by its id.
            for doc in batch:
                try:
                    self.cleaner.clean_batch([doc.text])
                except (TypeError, ValueError) as own:
                    message = str(own).removeprefix("docs[0]: ")
                    raise type(own)(f"document {doc.id!r}: {message}") from own
            raise error

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        writer_context = self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext()
        with writer_context as writer:
            for batch in batched(data, self.batch_size):
                with self.track_time("batch"):
                    urls = [doc.metadata.get(self.url_key) if doc.metadata else None for doc in batch]
                    urls = [url if isinstance(url, str) else None for url in urls]
                    results = self._clean(batch, urls)
                for doc, (cleaned, removals) in zip(batch, results):
                    self.stat_update(StatHints.total)
                    for removal in removals:
                        self.stat_update(f"removed_lines_{removal.reason}", value=len(removal.lines))
                        self.stat_update(f"removed_chars_{removal.reason}", value=removal.end - removal.start)
                    removed = len(doc.text) - len(cleaned)
                    if removals:
                        self.stat_update("documents_changed")
                        self.stat_update("removed_chars", value=removed)
                    if self.spans_key is not None:
                        doc.metadata[self.spans_key] = [
                            {"start": r.start, "end": r.end, "reason": r.reason} for r in removals
                        ]
                    share = removed / len(doc.text) if doc.text else 0.0
                    too_much = self.max_removed_share is not None and share > self.max_removed_share
                    empty = self.drop_empty and removals and not cleaned.strip()
                    if too_much or empty:
                        self.stat_update(StatHints.dropped)
                        self.stat_update("dropped_removed_share" if too_much else "dropped_empty")
                        if writer is not None:
                            doc.metadata["boilerstrip_removed_share"] = share
                            writer.write(doc, rank)
                        continue
                    doc.text = cleaned
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc


__all__ = ["BoilerstripFormatter", "SPANS_TYPE"]
