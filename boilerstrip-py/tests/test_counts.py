"""Count tables: `counts=`/`min_docs=` as the CLI's --counts/--min-docs, and
document_keys equal to the keys `boilerstrip count` writes."""

import json
import struct

import pytest

import boilerstrip
from boilerstrip import Cleaner
from conftest import run_cli

SHARED = "Frobnitz Gazette, page nine"


def corpus(n):
    return [
        {"text": f"Story number {i} about the harbour and its {i * 7} boats.\n{SHARED}\n", "url": f"https://site{i % 2}.example/{i}"}
        for i in range(n)
    ]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def table_keys(path):
    """The keys of a count table (layout in src/count_table: a 56-byte header with the
    number of entries at byte 32, then 16-byte entries)."""
    data = path.read_bytes()
    assert data[:8] == b"BSCOUNT\0"
    assert struct.unpack_from("<I", data, 8) == (2,), "table format version"
    (entries,) = struct.unpack_from("<Q", data, 32)
    return [struct.unpack_from("<QQ", data, 56 + 16 * i)[0] for i in range(entries)]


@pytest.fixture(scope="module")
def table(tmp_path_factory, cli):
    work = tmp_path_factory.mktemp("counts")
    source = write_jsonl(work / "corpus.jsonl", corpus(12))
    run_cli(cli, "count", "-o", work / "table.bsc", source)
    return work / "table.bsc", source


def test_counts_remove_frequent_lines_as_the_cli_does(table, cli):
    path, source = table
    docs = [record["text"] for record in corpus(12)]
    cleaner = Cleaner(counts=path, min_docs=10)
    cleaned = cleaner.clean_batch(docs)
    assert all(SHARED not in doc for doc in cleaned)
    assert {r.reason for r in cleaner.removals(docs[0])} == {"frequent"}
    out = run_cli(cli, "--counts", path, "--min-docs", "10", source).stdout.decode()
    assert [json.loads(line)["text"] for line in out.splitlines()] == cleaned


def test_min_docs_above_the_count_keeps_the_line(table):
    path, _ = table
    doc = corpus(1)[0]["text"]
    assert Cleaner(counts=path, min_docs=13).clean(doc) == doc


def test_document_keys_are_what_count_counts(tmp_path, cli):
    doc = "One line.\nAnother line!\n\n  one LINE  \n...\n"
    source = write_jsonl(tmp_path / "one.jsonl", [{"text": doc}])
    run_cli(cli, "count", "-o", tmp_path / "one.bsc", source)
    keys = Cleaner().document_keys(doc)
    assert keys == table_keys(tmp_path / "one.bsc")
    assert len(keys) == 2  # "One line." and "  one LINE  " share a normal form; "..." has none


def test_site_keys_follow_the_url(tmp_path, cli):
    record = {"text": "Same line\n", "url": "https://News.Example.com/a"}
    source = write_jsonl(tmp_path / "site.jsonl", [record])
    run_cli(cli, "count", "--scope", "site", "-o", tmp_path / "site.bsc", source)
    cleaner = Cleaner()
    keys = cleaner.document_keys(record["text"], scope="site", url=record["url"])
    assert keys == table_keys(tmp_path / "site.bsc")
    assert keys != cleaner.document_keys(record["text"])


def test_a_damaged_table_is_a_count_table_error(tmp_path, table):
    path, _ = table
    broken = tmp_path / "broken.bsc"
    broken.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(boilerstrip.CountTableError, match="broken.bsc"):
        Cleaner(counts=broken)
