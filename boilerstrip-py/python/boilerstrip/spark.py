"""The Spark recipe: count → merge → clean on a DataFrame with `mapInArrow`.

    table = frequent_table(df, url_column="url", scope="site", min_docs=10)
    cleaned = clean_dataframe(df, table, min_docs=10, url_column="url")

`frequent_table` counts each Spark partition's documents into one table per hash range
(`mapInArrow`), merges each range's tables keeping keys in at least `min_docs` documents
(`groupBy("range").applyInPandas`), and joins the pruned ranges on the driver: the bytes of
the same table `boilerstrip count` + `merge --min-docs` write. `clean_dataframe` broadcasts
it and cleans the text column with one `Cleaner` per Python worker (`mapInArrow`, Arrow in
and out). Every executor needs the `boilerstrip` wheel installed.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from typing import Any

from ._boilerstrip import merge_tables
from ._tables import local_table
from .errors import ConfigError


def _check_columns(df: Any, function: str, **columns: str | None) -> None:
    """Refuses, on the driver and before any job, a column name `df` does not have: in
    a worker, pyarrow's `get_field_index` would give -1 for it, and column -1 is the
    last one, which would be read (and, in `clean_dataframe`, cleaned) in its place."""
    for argument, name in columns.items():
        if name is not None and name not in df.columns:
            raise ConfigError(
                f"{function}: {argument}={name!r} is not a column of the DataFrame "
                f"(its columns: {', '.join(map(repr, df.columns))})"
            )


def _column(batch: Any, name: str) -> Any:
    """The column `name` of an Arrow record batch; a KeyError if it has none."""
    index = batch.schema.get_field_index(name)
    if index < 0:
        raise KeyError(f"no column {name!r} in the batch (its columns: {batch.schema.names})")
    return batch.column(index)


def frequent_table(
    df: Any,
    *,
    text_column: str = "text",
    url_column: str | None = None,
    scope: str = "corpus",
    min_docs: int = 10,
    partitions: int = 8,
) -> bytes:
    """The table of lines found in at least `min_docs` documents of `df` (its bytes). A
    `text_column` or `url_column` that `df` does not have is a `ConfigError`."""
    if scope == "site" and url_column is None:
        raise ValueError('scope="site" needs the url_column that names each document\'s URL')
    _check_columns(df, "frequent_table", text_column=text_column, url_column=url_column)

    # The native classes are imported inside the functions Spark ships to its Python
    # workers: pickled by reference, they are looked up where they are defined.
    def count(batches):
        import pyarrow as pa

        from boilerstrip._boilerstrip import TableCounter

        counter = TableCounter(scope=scope)
        for batch in batches:
            texts = _column(batch, text_column).to_pylist()
            urls = None
            if url_column is not None:
                urls = _column(batch, url_column).to_pylist()
            keep = [i for i, text in enumerate(texts) if text is not None]
            counter.add_documents([texts[i] for i in keep], [urls[i] for i in keep] if urls else None)
        with tempfile.TemporaryDirectory(prefix="boilerstrip-count-") as local:
            counter.write_partitions(local, partitions)
            tables = []
            for r in range(partitions):
                with open(os.path.join(local, f"part-{r:04d}.bsc"), "rb") as table:
                    tables.append(table.read())
        yield pa.RecordBatch.from_pydict(
            {"range": pa.array(range(partitions), pa.int32()), "table": pa.array(tables, pa.binary())}
        )

    def merge(frame):
        import pandas as pd

        from boilerstrip._boilerstrip import merge_tables

        with tempfile.TemporaryDirectory(prefix="boilerstrip-merge-") as local:
            paths = []
            for i, table in enumerate(frame["table"]):
                paths.append(os.path.join(local, f"in-{i}.bsc"))
                with open(paths[-1], "wb") as out:
                    out.write(table)
            merged = os.path.join(local, "merged.bsc")
            merge_tables(paths, merged, min_docs=min_docs)
            with open(merged, "rb") as table:
                data = table.read()
        return pd.DataFrame({"range": [int(frame["range"].iloc[0])], "table": [data]})

    counted = df.mapInArrow(count, "range int, table binary")
    ranges = counted.groupBy("range").applyInPandas(merge, "range int, table binary").collect()
    with tempfile.TemporaryDirectory(prefix="boilerstrip-join-") as local:
        paths = []
        for row in sorted(ranges, key=lambda row: row["range"]):
            paths.append(os.path.join(local, f"range-{row['range']:04d}.bsc"))
            with open(paths[-1], "wb") as out:
                out.write(bytes(row["table"]))
        joined = os.path.join(local, "frequent.bsc")
        merge_tables(paths, joined)
        with open(joined, "rb") as table:
            return table.read()


_CLEANERS: dict[str, Any] = {}


def clean_dataframe(
    df: Any,
    table: bytes | None,
    *,
    text_column: str = "text",
    url_column: str | None = None,
    **cleaner_options: Any,
) -> Any:
    """`df` with `text_column` cleaned (`mapInArrow`, the schema unchanged). `table` (from
    `frequent_table`, broadcast once) switches on the `frequent` detector; the keyword
    arguments go to `Cleaner` (`min_docs=`, `rules=`, `threads=`...). A `text_column`
    or `url_column` that `df` does not have is a `ConfigError`."""
    _check_columns(df, "clean_dataframe", text_column=text_column, url_column=url_column)
    broadcast = df.sparkSession.sparkContext.broadcast(table) if table is not None else None
    token = uuid.uuid4().hex  # one cleaner per call, in each Python worker

    def cleaner():
        from . import Cleaner

        if token not in _CLEANERS:
            options = dict(cleaner_options)
            if broadcast is not None:
                options["counts"] = local_table(broadcast.value)
            _CLEANERS.clear()
            _CLEANERS[token] = Cleaner(**options)
        return _CLEANERS[token]

    def clean(batches):
        import pyarrow as pa

        for batch in batches:
            index = batch.schema.get_field_index(text_column)
            urls = _column(batch, url_column) if url_column else None
            cleaned, _ = cleaner().clean_arrow(_column(batch, text_column), urls=urls)
            cleaned = pa.array(cleaned).cast(batch.schema.field(index).type)
            columns = list(batch.columns)
            columns[index] = cleaned
            yield pa.RecordBatch.from_arrays(columns, schema=batch.schema)

    return df.mapInArrow(clean, df.schema)


__all__ = ["clean_dataframe", "frequent_table"]
