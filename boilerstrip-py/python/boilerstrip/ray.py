"""count → merge → clean on a Ray cluster, over files on any filesystem pyarrow opens.

`count_merge_clean(inputs, output_dir)` runs the corpus-level pass as Ray tasks:

1. *count*: one task per group of shards counts their documents into one table per hash
   range (`_boilerstrip/counts/group-GGGG/part-RRRR.bsc`);
2. *merge*: one task per range sums that range's tables of every group, keeping keys in
   at least `min_docs` documents (`_boilerstrip/frequent/part-RRRR.bsc`);
3. *join*: one task joins the pruned ranges into the (small) table of frequent lines,
   `_boilerstrip/frequent.bsc`, whose bytes are broadcast through the object store;
4. *clean*: one task per shard writes `output_dir/<shard name>`, the shard cleaned exactly
   as `boilerstrip clean --counts frequent.bsc --min-docs M` cleans it.

Every file is written under a temporary name and renamed once complete, so a killed
worker never leaves a partial file under a final name; Ray retries failed tasks, and a
rerun with the same arguments skips every finished table and output.

`clean_dataset(ds, ...)` is the Ray Data form: `map_batches` with a pool of actors each
holding one `Cleaner`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import posixpath
import re
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from typing import Any

from ._boilerstrip import TableCounter, clean_stream, merge_tables
from ._tables import local_table
from .errors import ConfigError

WORK = "_boilerstrip"
PARTIAL = ".partial"


@dataclasses.dataclass
class Summary:
    """What a run did."""

    documents: int
    """Documents counted."""
    frequent_lines: int
    """Keys in the joined table (in at least `min_docs` documents)."""
    table: str
    """Where the joined table of frequent lines is (`output_dir/_boilerstrip/frequent.bsc`)."""
    outputs: list[str]
    """One cleaned output per input, in input order."""
    cleaned: int
    """Outputs written by this run (the others were finished by an earlier run)."""
    invalid: int
    """Records that could not be processed (copied through unchanged), over all shards."""
    errors: list[str]
    """The messages of the first invalid records."""


# --------------------------------------------------------------------------- files


def _resolve(uri: str) -> tuple[Any, str]:
    """A pyarrow filesystem and the path in it for a local path or a URI (`s3://…`)."""
    from pyarrow import fs

    if "://" not in uri:
        return fs.LocalFileSystem(), os.path.abspath(uri)
    return fs.FileSystem.from_uri(uri)


def _join(base: str, *parts: str) -> str:
    return posixpath.join(base, *parts) if "://" in base else os.path.join(base, *parts)


def _exists(uri: str) -> bool:
    from pyarrow import fs

    filesystem, path = _resolve(uri)
    return filesystem.get_file_info(path).type == fs.FileType.File


def _partial_name(uri: str) -> str:
    """A temporary name beside `uri`, unique to this attempt: `.NAME.PID.UUID.partial`."""
    base, name = uri.rsplit("/", 1) if "/" in uri else ("", uri)
    temp = f".{name}.{os.getpid()}.{uuid.uuid4().hex[:12]}{PARTIAL}"
    return f"{base}/{temp}" if base else temp


class _Publish:
    """A binary output stream on `uri`'s filesystem written under a temporary name and
    moved to `uri` on `commit()`; closed without a commit, the temporary file is removed."""

    def __init__(self, uri: str) -> None:
        self.filesystem, self.path = _resolve(uri)
        parent = posixpath.dirname(self.path) if "://" in uri else os.path.dirname(self.path)
        self.filesystem.create_dir(parent, recursive=True)
        self.temp = _resolve(_partial_name(uri))[1]
        self.stream = self.filesystem.open_output_stream(self.temp, compression=None)

    def commit(self) -> None:
        self.stream.close()
        self.filesystem.move(self.temp, self.path)

    def abort(self) -> None:
        if not self.stream.closed:
            self.stream.close()
        try:
            self.filesystem.delete_file(self.temp)
        except OSError:
            pass


def _upload(local: str, uri: str) -> None:
    out = _Publish(uri)
    try:
        with open(local, "rb") as source:
            shutil.copyfileobj(source, out.stream, 1 << 20)
        out.commit()
    except BaseException:
        out.abort()
        raise


def _download(uri: str, local: str) -> None:
    filesystem, path = _resolve(uri)
    with filesystem.open_input_stream(path, compression=None) as source, open(local, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


# `.NAME.PID.ID.partial`, as `_partial_name` makes them.
_PARTIAL_NAME = re.compile(r"^\.(.+)\.[0-9]+\.[0-9a-f]{12}\.partial$")


def _remove_partials(directory: str, names: set[str]) -> None:
    """Removes the temporary files that killed attempts left for the files `names` in
    `directory`, and those in its `_boilerstrip` folder. Any other file is left alone,
    whatever its name ends with: `output_dir` may hold files that are not the run's."""
    from pyarrow import fs

    filesystem, path = _resolve(directory)
    try:
        infos = filesystem.get_file_info(fs.FileSelector(path, recursive=True))
    except (FileNotFoundError, OSError):
        return
    paths = posixpath if "://" in directory else os.path
    work = paths.join(path, WORK, "")
    for info in infos:
        match = _PARTIAL_NAME.match(info.base_name)
        if info.type != fs.FileType.File or match is None:
            continue
        output = paths.dirname(info.path) == path and match.group(1) in names
        if output or info.path.startswith(work):
            try:
                filesystem.delete_file(info.path)
            except OSError:
                pass


def _same_file(a: str, b: str) -> bool:
    """Whether the paths or URIs `a` and `b` name one file (local: links resolved)."""
    if "://" in a or "://" in b:
        return a.rstrip("/") == b.rstrip("/")
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _assigned_cpus() -> int | None:
    import ray

    cpus = ray.get_runtime_context().get_assigned_resources().get("CPU")
    return max(1, int(cpus)) if cpus else 1


# --------------------------------------------------------------------------- stages


def _count_group(
    shards: list[str], group_dir: str, partitions: int, scope: str, text_field: str, url_field: str, memory: int
) -> dict:
    """Counts `shards` into `group_dir/part-RRRR.bsc`, one table per range."""
    parts = [_join(group_dir, f"part-{r:04d}.bsc") for r in range(partitions)]
    if all(_exists(part) for part in parts):
        return {"documents": None, "skipped": True, "invalid": 0, "errors": []}
    with tempfile.TemporaryDirectory(prefix="boilerstrip-count-") as local:
        counter = TableCounter(
            scope=scope, text_field=text_field, url_field=url_field, memory=memory, spill_dir=local,
            threads=_assigned_cpus(),
        )
        for shard in shards:
            filesystem, path = _resolve(shard)
            with filesystem.open_input_stream(path, compression=None) as source:
                counter.add(source, name=shard)
        counter.write_partitions(os.path.join(local, "parts"), partitions)
        for r, part in enumerate(parts):
            _upload(os.path.join(local, "parts", f"part-{r:04d}.bsc"), part)
        return {"documents": counter.documents, "skipped": False, "invalid": counter.invalid, "errors": counter.errors}


def _merge_range(tables: list[str], output: str, min_docs: int) -> None:
    """Sums one range's tables of every group into `output`, keeping keys in at least
    `min_docs` documents."""
    if _exists(output):
        return
    with tempfile.TemporaryDirectory(prefix="boilerstrip-merge-") as local:
        paths = []
        for i, table in enumerate(tables):
            filesystem, path = _resolve(table)
            if isinstance(filesystem, _local_type()):
                paths.append(path)
            else:
                paths.append(os.path.join(local, f"in-{i}.bsc"))
                _download(table, paths[-1])
        merged = os.path.join(local, "merged.bsc")
        merge_tables(paths, merged, min_docs=min_docs)
        _upload(merged, output)


def _join_ranges(tables: list[str], output: str) -> bytes:
    """Joins the pruned ranges into the table of frequent lines; returns its bytes."""
    with tempfile.TemporaryDirectory(prefix="boilerstrip-join-") as local:
        if not _exists(output):
            paths = []
            for i, table in enumerate(tables):
                paths.append(os.path.join(local, f"range-{i}.bsc"))
                _download(table, paths[-1])
            joined = os.path.join(local, "joined.bsc")
            merge_tables(paths, joined)
            _upload(joined, output)
        _download(output, os.path.join(local, "table.bsc"))
        with open(os.path.join(local, "table.bsc"), "rb") as table:
            return table.read()


_CLEANERS: dict[tuple, Any] = {}


def _cleaner_for(table: bytes, options: dict) -> Any:
    """One `Cleaner` per table and options in each worker process, built on first use."""
    from . import Cleaner

    key = (hashlib.sha256(table).hexdigest(), json.dumps(options, sort_keys=True))
    cleaner = _CLEANERS.get(key)
    if cleaner is None:
        cleaner = Cleaner(counts=local_table(table), **options)
        _CLEANERS.clear()  # a worker keeps the cleaner of the run at hand only
        _CLEANERS[key] = cleaner
    return cleaner


def _clean_shard(shard: str, output: str, table: bytes, options: dict, text_field: str, url_field: str) -> dict:
    """Cleans `shard` into `output` (atomically); skips an output already finished."""
    if _exists(output):
        return {"skipped": True, "invalid": 0, "errors": []}
    cleaner = _cleaner_for(table, {**options, "threads": _assigned_cpus()})
    filesystem, path = _resolve(shard)
    out = _Publish(output)
    try:
        with filesystem.open_input_stream(path, compression=None) as source:
            stats = clean_stream(
                cleaner, source, out.stream, name=shard, output_name=output,
                text_field=text_field, url_field=url_field,
            )
        out.commit()
    except BaseException:
        out.abort()
        raise
    return {"skipped": False, "invalid": stats["invalid"], "errors": stats["errors"]}


def _local_type() -> type:
    from pyarrow import fs

    return fs.LocalFileSystem


def _output_name(shard: str) -> str:
    return shard.rstrip("/").rsplit("/", 1)[-1]


def count_merge_clean(
    inputs: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str],
    *,
    partitions: int = 8,
    min_docs: int = 10,
    scope: str = "site",
    shards_per_task: int | None = None,
    text_field: str = "text",
    url_field: str = "url",
    rules: Sequence[str] | None = None,
    disable: Sequence[str] | None = None,
    frequent_max_words: int | None = None,
    memory: int = 1 << 30,
    max_retries: int = 3,
) -> Summary:
    """Counts, merges and cleans `inputs` (paths or URIs of shards in any format
    `boilerstrip` reads) as Ray tasks, writing one cleaned output per input into
    `output_dir` under the input's file name (compressed as the name says).

    The outputs are, byte for byte, what the single-machine
    `boilerstrip count --scope SCOPE SHARDS -o t.bsc`, `merge t.bsc --min-docs M -o f.bsc`,
    `boilerstrip --counts f.bsc --min-docs M SHARD -o OUT` write. `partitions` is the number
    of hash ranges (merge tasks); `shards_per_task` the shards one count task reads (default:
    about two count tasks per CPU of the cluster); `memory` each count task's budget in bytes
    before it spills sorted runs to local disk. `rules`, `disable` and `frequent_max_words`
    configure the cleaner as the CLI's flags do.

    Rerunning with the same arguments skips every finished table and output; a run with
    other arguments over the same `output_dir` is refused. Ray must be initialised
    (`ray.init()`); tasks that fail for a lost worker or an `OSError` are retried up to
    `max_retries` times.
    """
    import ray

    if not inputs:
        raise ConfigError("count_merge_clean: no inputs")
    if partitions < 1 or min_docs < 1:
        raise ConfigError("count_merge_clean: partitions and min_docs must be at least 1")
    if scope not in ("corpus", "site"):
        raise ConfigError(f'count_merge_clean: scope must be "corpus" or "site", not {scope!r}')
    shards = [os.fspath(shard) for shard in inputs]
    shards = [shard if "://" in shard else os.path.abspath(shard) for shard in shards]
    output_dir = os.fspath(output_dir)
    if "://" not in output_dir:
        output_dir = os.path.abspath(output_dir)
    names: dict[str, str] = {}
    for shard in shards:
        name = _output_name(shard)
        if name in names:
            raise ConfigError(
                f"count_merge_clean: {names[name]} and {shard} have the same file name {name!r}: "
                "their outputs would collide in one output_dir"
            )
        if name == WORK or name.endswith(PARTIAL):
            raise ConfigError(f"count_merge_clean: {shard}: an input may not be named {name!r}")
        names[name] = shard
    for shard in shards:
        if not _exists(shard):
            raise ConfigError(f"count_merge_clean: {shard}: no such file")
    outputs = [_join(output_dir, _output_name(shard)) for shard in shards]
    for shard, output in zip(shards, outputs):
        if _same_file(shard, output):
            raise ConfigError(
                f"count_merge_clean: the input {shard} is its own output in {output_dir}: "
                "the run would skip it as finished and leave it uncleaned; use another output_dir"
            )

    if shards_per_task is None:
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        shards_per_task = max(1, math.ceil(len(shards) / (2 * cpus)))
    groups = [shards[i : i + shards_per_task] for i in range(0, len(shards), shards_per_task)]
    options = {
        "rules": list(rules) if rules else None,
        "disable": list(disable) if disable else None,
        "min_docs": min_docs,
        "frequent_max_words": frequent_max_words,
    }
    work = _join(output_dir, WORK)
    if not _exists(_join(work, "run.json")):
        held = [output for output in outputs if _exists(output)]
        if held:
            raise ConfigError(
                f"count_merge_clean: {output_dir} already holds {held[0]}"
                + (f" and {len(held) - 1} more of this run's outputs" if len(held) > 1 else "")
                + f", but no {_join(work, 'run.json')} says a run with these inputs wrote it: "
                "it would be kept as if cleaned; remove it or use another output_dir"
            )
    manifest = {
        "inputs": shards,
        "groups": len(groups),
        "partitions": partitions,
        "scope": scope,
        "text_field": text_field,
        "url_field": url_field,
        "cleaner": options,
    }
    _check_manifest(_join(work, "run.json"), manifest)

    retry = {"max_retries": max_retries, "retry_exceptions": [OSError]}
    count = ray.remote(num_cpus=1, **retry)(_count_group)
    merge = ray.remote(num_cpus=1, **retry)(_merge_range)
    join = ray.remote(num_cpus=1, **retry)(_join_ranges)
    clean = ray.remote(num_cpus=1, **retry)(_clean_shard)

    group_dirs = [_join(work, "counts", f"group-{g:04d}") for g in range(len(groups))]
    counted = ray.get(
        [
            count.remote(group, group_dir, partitions, scope, text_field, url_field, memory)
            for group, group_dir in zip(groups, group_dirs)
        ]
    )
    ranges = [_join(work, "frequent", f"part-{r:04d}.bsc") for r in range(partitions)]
    ray.get(
        [
            merge.remote([_join(d, f"part-{r:04d}.bsc") for d in group_dirs], ranges[r], min_docs)
            for r in range(partitions)
        ]
    )
    table_path = _join(work, "frequent.bsc")
    table = join.remote(ranges, table_path)  # broadcast: every clean task gets this ref
    cleaned = ray.get(
        [clean.remote(shard, out, table, options, text_field, url_field) for shard, out in zip(shards, outputs)]
    )
    _remove_partials(output_dir, {_output_name(shard) for shard in shards})

    table_bytes = ray.get(table)
    header = _header_of(table_bytes)
    errors: list[str] = []
    for result in counted + cleaned:
        errors.extend(result["errors"][: max(0, 20 - len(errors))])
    return Summary(
        documents=header["documents"],
        frequent_lines=header["entries"],
        table=table_path,
        outputs=outputs,
        cleaned=sum(not result["skipped"] for result in cleaned),
        invalid=sum(result["invalid"] for result in cleaned),
        errors=errors,
    )


def _header_of(table: bytes) -> dict:
    from ._boilerstrip import table_header

    with tempfile.TemporaryDirectory(prefix="boilerstrip-header-") as local:
        path = os.path.join(local, "table.bsc")
        with open(path, "wb") as out:
            out.write(table)
        return table_header(path)


def _check_manifest(uri: str, manifest: dict) -> None:
    """Records the run's arguments in `uri`; refuses a rerun with other arguments, whose
    finished tables and outputs would otherwise be mixed with new ones."""
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    if _exists(uri):
        filesystem, path = _resolve(uri)
        with filesystem.open_input_stream(path, compression=None) as source:
            earlier = json.loads(source.read().decode())
        if earlier != json.loads(text):
            changed = sorted(key for key in set(earlier) | set(manifest) if earlier.get(key) != manifest.get(key))
            raise ConfigError(
                f"count_merge_clean: {uri} records a run with other arguments ({', '.join(changed)} "
                "differ): its tables and outputs are not for this run; use another output_dir, "
                "or remove that one to start again"
            )
        return
    out = _Publish(uri)
    try:
        out.stream.write(text.encode())
        out.commit()
    except BaseException:
        out.abort()
        raise


# --------------------------------------------------------------------------- Ray Data


class CleanerActor:
    """A Ray Data `map_batches` callable class: one `Cleaner` per actor, cleaning the
    `text_column` of each `pyarrow.Table` batch (see `boilerstrip.HFMapper`)."""

    def __init__(
        self,
        table: list | None = None,
        text_column: str = "text",
        spans_column: str | None = None,
        url_column: str | None = None,
        **cleaner_options: Any,
    ) -> None:
        import ray

        from . import Cleaner, HFMapper

        if table:
            cleaner_options["counts"] = local_table(ray.get(table[0]))
        self.mapper = HFMapper(Cleaner(**cleaner_options), text_column, spans_column, url_column)

    def __call__(self, batch: Any) -> Any:
        return self.mapper(batch)


def clean_dataset(
    dataset: Any,
    *,
    counts: str | os.PathLike[str] | bytes | None = None,
    text_column: str = "text",
    spans_column: str | None = None,
    url_column: str | None = None,
    actors: int | None = None,
    num_cpus: float | None = None,
    batch_size: int | None = 1024,
    **cleaner_options: Any,
) -> Any:
    """`dataset.map_batches` with a pool of `CleanerActor`s: the `text_column` cleaned
    (Arrow in, Arrow out), removals in `spans_column` if given.

    `counts` is a count table (a local path or its bytes; broadcast once through the
    object store) for the `frequent` detector; the other keyword arguments go to
    `Cleaner` (`min_docs=`, `rules=`, ...). With a `url_column`, a per-site table is
    looked up by each row's host.

    Resources: by default `actors` is one less than the cluster's CPUs (at least 1) with
    one CPU each, so that one CPU is always left for the read and write tasks that feed
    the pool; on a single-CPU cluster one actor takes half a CPU. A pool that takes every
    CPU starves the reads and never finishes.
    """
    import ray

    cpus = ray.cluster_resources().get("CPU", 1)
    if actors is None:
        actors = max(1, int(cpus) - 1)
    if num_cpus is None:
        num_cpus = 1 if cpus >= actors + 1 else max(0.25, (cpus - 0.5) / actors)
    table = None
    if counts is not None:
        if not isinstance(counts, bytes):
            with open(counts, "rb") as source:
                counts = source.read()
        table = [ray.put(counts)]
    cleaner_options.setdefault("threads", max(1, int(num_cpus)))
    return dataset.map_batches(
        CleanerActor,
        fn_constructor_kwargs={
            "table": table,
            "text_column": text_column,
            "spans_column": spans_column,
            "url_column": url_column,
            **cleaner_options,
        },
        batch_format="pyarrow",
        batch_size=batch_size,
        concurrency=actors,
        num_cpus=num_cpus,
    )


__all__ = ["CleanerActor", "Summary", "clean_dataset", "count_merge_clean"]
