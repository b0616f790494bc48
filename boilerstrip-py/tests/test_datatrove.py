"""datatrove: BoilerstripFormatter in real pipelines under LocalPipelineExecutor."""

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader, ParquetReader
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

from boilerstrip import Cleaner
from boilerstrip.datatrove import SPANS_TYPE, BoilerstripFormatter
from conftest import BODY, DOC, SOURCE

# The first document has removals, so that ParquetWriter's schema (taken from the first
# document) knows the spans' element type.
DOCS = [DOC, BODY, "Ünïcödé ñ\n\n" + SOURCE, SOURCE + SOURCE, DOC + "More body text here.\n"]


def kept(cleaner, docs):
    """The documents the step keeps: those with more than blank lines left."""
    return [doc for doc in docs if cleaner.clean(doc).strip()]


def spans_of(cleaner, doc):
    return [{"start": r.start, "end": r.end, "reason": r.reason} for r in cleaner.removals(doc)]


def read_jsonl_dir(path):
    records = []
    for file in sorted(path.glob("*.jsonl*")):
        opener = gzip.open if file.suffix == ".gz" else open
        with opener(file, "rt") as lines:
            records += [json.loads(line) for line in lines]
    return sorted(records, key=lambda record: int(record["id"]))


def run(pipeline, logs):
    executor = LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1, logging_dir=str(logs))
    executor.run()
    return executor


def test_jsonl_reader_step_writer(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "docs.jsonl").write_text(
        "".join(json.dumps({"id": str(i), "text": doc}) + "\n" for i, doc in enumerate(DOCS))
    )
    out = tmp_path / "out"
    run(
        [JsonlReader(str(source)), BoilerstripFormatter(), JsonlWriter(str(out), compression=None)],
        tmp_path / "logs",
    )
    cleaner = Cleaner()
    records = read_jsonl_dir(out)
    assert [r["text"] for r in records] == [cleaner.clean(doc) for doc in kept(cleaner, DOCS)]
    assert [r["metadata"]["boilerstrip_spans"] for r in records] == [
        spans_of(cleaner, d) for d in kept(cleaner, DOCS)
    ]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step = next(s for s in stats if "boilerstrip" in s["name"])
    assert step["stats"]["total"] == len(DOCS)
    assert step["stats"]["documents_changed"] == 4
    assert step["stats"]["dropped_empty"] == 1  # SOURCE twice: nothing left
    reasons = {r.reason for doc in DOCS for r in cleaner.removals(doc)}
    for reason in reasons:
        assert f"removed_lines_{reason}" in step["stats"]


def test_parquet_reader_step_writer(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    pq.write_table(pa.table({"id": [str(i) for i in range(len(DOCS))], "text": DOCS}), source / "docs.parquet")
    out = tmp_path / "out"
    run([ParquetReader(str(source)), BoilerstripFormatter(), ParquetWriter(str(out))], tmp_path / "logs")
    table = pa.concat_tables([pq.read_table(file) for file in sorted(out.glob("*.parquet"))])
    rows = sorted(table.to_pylist(), key=lambda row: int(row["id"]))
    cleaner = Cleaner()
    assert [row["text"] for row in rows] == [cleaner.clean(doc) for doc in kept(cleaner, DOCS)]
    assert [row["metadata"]["boilerstrip_spans"] for row in rows] == [
        spans_of(cleaner, d) for d in kept(cleaner, DOCS)
    ]
    assert table.schema.field("metadata").type.field("boilerstrip_spans").type == SPANS_TYPE


def test_parquet_writer_with_schema_when_the_first_document_is_clean(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    docs = [BODY, *DOCS]
    pq.write_table(pa.table({"id": [str(i) for i in range(len(docs))], "text": docs}), source / "docs.parquet")
    schema = pa.schema(
        [("text", pa.string()), ("id", pa.string()), ("metadata", pa.struct([("boilerstrip_spans", SPANS_TYPE)]))]
    )
    out = tmp_path / "out"
    run(
        [ParquetReader(str(source)), BoilerstripFormatter(), ParquetWriter(str(out), schema=schema)],
        tmp_path / "logs",
    )
    rows = pa.concat_tables([pq.read_table(f) for f in sorted(out.glob("*.parquet"))]).to_pylist()
    cleaner = Cleaner()
    assert sorted(row["text"] for row in rows) == sorted(cleaner.clean(doc) for doc in kept(cleaner, docs))


def test_documents_above_the_removed_share_go_to_the_exclusion_writer(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "docs.jsonl").write_text(
        "".join(json.dumps({"id": str(i), "text": doc}) + "\n" for i, doc in enumerate(DOCS))
    )
    kept, excluded = tmp_path / "kept", tmp_path / "excluded"
    step = BoilerstripFormatter(
        Cleaner(threads=1),
        max_removed_share=0.5,
        drop_empty=False,
        exclusion_writer=JsonlWriter(str(excluded), compression=None),
    )
    run([JsonlReader(str(source)), step, JsonlWriter(str(kept), compression=None)], tmp_path / "logs")
    cleaner = Cleaner()
    share = {i: 1 - len(cleaner.clean(doc)) / len(doc) for i, doc in enumerate(DOCS)}
    kept_ids = [int(r["id"]) for r in read_jsonl_dir(kept)]
    dropped = read_jsonl_dir(excluded)
    assert kept_ids == [i for i in share if share[i] <= 0.5]
    assert [int(r["id"]) for r in dropped] == [i for i in share if share[i] > 0.5]
    # dropped documents are written as they came in, with their spans and share
    for record in dropped:
        assert record["text"] == DOCS[int(record["id"])]
        assert record["metadata"]["boilerstrip_removed_share"] > 0.5


@pytest.mark.parametrize("text, kind", [(None, TypeError), ("lone \udc80 surrogate\n", ValueError)])
def test_a_document_that_cannot_be_cleaned_is_named_by_its_id(text, kind):
    # The error named no document (and, later, only its place in the batch).
    from datatrove.data import Document

    docs = [Document(text=DOC, id="doc-1"), Document(text=text, id="doc-7"), Document(text=BODY, id="doc-9")]
    step = BoilerstripFormatter(Cleaner(threads=1))
    with pytest.raises(kind, match=r"^document 'doc-7': "):
        list(step.run(iter(docs)))
