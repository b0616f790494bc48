"""HF datasets: ds.map(cleaner.hf_map, batched=True) on a small local dataset."""

import datasets
import pyarrow as pa
import pytest

from boilerstrip import Cleaner
from conftest import BODY, DOC

DOCS = [DOC, BODY, "Ünïcödé\n\n" + DOC, DOC + "tail line.\n"] * 25


@pytest.fixture(scope="module")
def dataset():
    return datasets.Dataset.from_dict({"id": list(range(len(DOCS))), "text": DOCS})


def spans_of(cleaner, doc):
    return [{"start": r.start, "end": r.end, "reason": r.reason} for r in cleaner.removals(doc)]


def test_map_over_python_batches(dataset):
    cleaner = Cleaner()
    out = dataset.map(cleaner.hf_map, batched=True, batch_size=16)
    assert out["id"] == list(range(len(DOCS)))
    assert out["text"] == [cleaner.clean(doc) for doc in DOCS]
    assert out["boilerstrip_spans"] == [spans_of(cleaner, doc) for doc in DOCS]


def test_map_over_arrow_batches(dataset):
    cleaner = Cleaner()
    out = dataset.with_format("arrow").map(cleaner.hf_map, batched=True, batch_size=16)
    table = out.data.table
    assert table.column("text").to_pylist() == [cleaner.clean(doc) for doc in DOCS]
    assert table.column("boilerstrip_spans").type == pa.list_(
        pa.struct([("start", pa.int64()), ("end", pa.int64()), ("reason", pa.string())])
    )
    assert table.column("boilerstrip_spans").to_pylist() == [spans_of(cleaner, doc) for doc in DOCS]


def test_other_columns_and_no_spans():
    ds = datasets.Dataset.from_dict({"content": DOCS})
    cleaner = Cleaner()
    out = ds.map(cleaner.hf_mapper(text_column="content", spans_column=None), batched=True)
    assert out.column_names == ["content"]
    assert out["content"] == [cleaner.clean(doc) for doc in DOCS]


def test_map_with_worker_processes(dataset):
    cleaner = Cleaner(threads=1)
    out = dataset.map(cleaner.hf_map, batched=True, batch_size=10, num_proc=2)
    assert out["text"] == [cleaner.clean(doc) for doc in DOCS]
