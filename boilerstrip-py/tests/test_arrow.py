"""clean_arrow: Arrow arrays in and out, types and nulls kept, spans as list<struct>."""

import pyarrow as pa
import pytest

from boilerstrip import Cleaner
from conftest import BODY, DOC, SOURCE

DOCS = [DOC, None, BODY, "Ünïcödé ñ\n\n" + SOURCE, "", "a\n" * 5]
SPANS = pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("reason", pa.string())]))


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(threads=2)


def expected(cleaner, docs):
    cleaned = [None if doc is None else cleaner.clean(doc) for doc in docs]
    spans = [
        None
        if doc is None
        else [{"start": r.start, "end": r.end, "reason": r.reason} for r in cleaner.removals(doc)]
        for doc in docs
    ]
    return cleaned, spans


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), pa.string_view()])
def test_string_arrays(cleaner, kind):
    cleaned, spans = cleaner.clean_arrow(pa.array(DOCS, type=kind))
    assert isinstance(cleaned, pa.Array) and cleaned.type == kind
    assert spans.type == SPANS
    want_cleaned, want_spans = expected(cleaner, DOCS)
    assert cleaned.to_pylist() == want_cleaned
    assert spans.to_pylist() == want_spans
    assert cleaned.null_count == spans.null_count == 1


@pytest.mark.parametrize("kind", [pa.binary(), pa.large_binary(), pa.binary_view()])
def test_binary_arrays_have_byte_offsets(cleaner, kind):
    docs = [None if doc is None else doc.encode() for doc in DOCS]
    cleaned, spans = cleaner.clean_arrow(pa.array(docs, type=kind))
    assert cleaned.type == kind
    assert cleaned.to_pylist() == [None if d is None else cleaner.clean_bytes(d) for d in docs]
    unicode = spans.to_pylist()[3][0]
    (in_bytes,) = Cleaner(offsets="bytes").removals(DOCS[3])
    assert (unicode["start"], unicode["end"]) == (in_bytes.start, in_bytes.end)


def test_offsets_in_code_points_for_strings(cleaner):
    _, spans = cleaner.clean_arrow(pa.array(DOCS))
    unicode = spans.to_pylist()[3][0]
    assert unicode["end"] == len(DOCS[3])
    assert DOCS[3][unicode["start"] : unicode["end"]].endswith(SOURCE)
    (removal,) = Cleaner(offsets="bytes").removals(DOCS[3])
    assert removal.start > unicode["start"]


def test_chunked_arrays_come_back_chunked(cleaner):
    chunked = pa.chunked_array([pa.array(DOCS[:2]), pa.array(DOCS[2:])])
    cleaned, spans = cleaner.clean_arrow(chunked)
    assert isinstance(cleaned, pa.ChunkedArray) and isinstance(spans, pa.ChunkedArray)
    assert cleaned.num_chunks == 2
    want_cleaned, want_spans = expected(cleaner, DOCS)
    assert cleaned.to_pylist() == want_cleaned
    assert spans.to_pylist() == want_spans


def test_a_table_column_and_a_large_batch(cleaner):
    docs = [DOC if i % 3 else BODY for i in range(5000)]
    table = pa.table({"text": docs, "id": range(len(docs))})
    cleaned, _ = cleaner.clean_arrow(table["text"])
    assert cleaned.to_pylist() == cleaner.clean_batch(docs)


def test_slices_are_read_at_their_offset(cleaner):
    array = pa.array([BODY, DOC, None, DOC])[1:]
    cleaned, spans = cleaner.clean_arrow(array)
    assert cleaned.to_pylist() == [BODY, None, BODY]
    assert [s is None for s in spans.to_pylist()] == [False, True, False]


def test_other_types_are_refused(cleaner):
    with pytest.raises(TypeError, match="string or binary array, not Int64"):
        cleaner.clean_arrow(pa.array([1, 2]))


def test_urls_must_match(cleaner):
    with pytest.raises(ValueError, match="urls has 1 rows for 2 documents"):
        cleaner.clean_arrow(pa.array([DOC, DOC]), urls=pa.array(["https://a.example/"]))
