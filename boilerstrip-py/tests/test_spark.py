"""The Spark recipe (`boilerstrip.spark`) in local[2]: the table of frequent lines is the
CLI's count + merge --min-docs table byte for byte, and mapInArrow cleans as the Cleaner."""

import json
import os
import shutil
import sys

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed: scripts/cluster-tests installs requirements-cluster.txt")
if shutil.which("java") is None:
    pytest.skip("no Java on PATH: the Spark recipe's test needs a JRE (apt-get install default-jre-headless)", allow_module_level=True)

import boilerstrip  # noqa: E402
from boilerstrip.spark import clean_dataframe, frequent_table  # noqa: E402
from conftest import run_cli  # noqa: E402

MIN_DOCS = 4


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The Python workers run this interpreter, where boilerstrip and pyarrow are installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("boilerstrip-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def docs(dev_pages):
    return [
        {"id": page.stem, "url": f"https://site-{i % 5}.example/{page.stem}",
         "text": page.read_bytes().decode("utf-8", errors="replace")}
        for i, page in enumerate(dev_pages[:300])
    ]


def test_spark_table_and_clean_equal_the_cli_and_the_cleaner(spark, docs, cli, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(doc) + "\n" for doc in docs))
    run_cli(cli, "count", "--scope", "site", source, "-o", tmp_path / "whole.bsc")
    run_cli(cli, "merge", tmp_path / "whole.bsc", "--min-docs", MIN_DOCS, "-o", tmp_path / "frequent.bsc")

    df = spark.createDataFrame(docs).repartition(3)
    table = frequent_table(df, url_column="url", scope="site", min_docs=MIN_DOCS, partitions=4)
    assert table == (tmp_path / "frequent.bsc").read_bytes()

    rows = clean_dataframe(df, table, min_docs=MIN_DOCS, url_column="url").collect()
    cleaner = boilerstrip.Cleaner(counts=tmp_path / "frequent.bsc", min_docs=MIN_DOCS)
    by_id = {doc["id"]: doc for doc in docs}
    assert len(rows) == len(docs)
    for row in rows:
        doc = by_id[row["id"]]
        assert row["text"] == cleaner.clean(doc["text"], url=doc["url"]), row["id"]
        assert row["url"] == doc["url"]
    assert any(row["text"] != by_id[row["id"]]["text"] for row in rows)


def test_a_column_the_dataframe_lacks_is_refused_before_any_job(spark, docs):
    # pyarrow's get_field_index gives -1 for a missing name, and column -1 is the last
    # one ("url" here): it was cleaned in place of the text, which passed through as it was.
    df = spark.createDataFrame(docs[:4])
    assert df.columns[-1] == "url"
    with pytest.raises(boilerstrip.ConfigError, match="text_column='body' is not a column"):
        clean_dataframe(df, None, text_column="body")
    with pytest.raises(boilerstrip.ConfigError, match="url_column='link' is not a column"):
        clean_dataframe(df, None, url_column="link")
    with pytest.raises(boilerstrip.ConfigError, match="text_column='body' is not a column"):
        frequent_table(df, text_column="body", url_column="url", scope="site")
