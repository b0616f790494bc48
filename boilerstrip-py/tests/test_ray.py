"""`boilerstrip.ray` on a local Ray cluster of 2 CPUs: count → merge → clean over JSONL
shards made from DEV equals the single-machine CLI byte for byte; reruns resume; a worker
killed mid-clean leaves no partial output and a rerun completes; Ray Data's map_batches
form does not deadlock on 2 CPUs."""

import gzip
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip(
    "ray", reason="ray is not installed: scripts/cluster-tests installs requirements-cluster.txt"
)

import boilerstrip  # noqa: E402
import boilerstrip.ray as bray  # noqa: E402
from conftest import run_cli  # noqa: E402

MIN_DOCS = 4


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def dev_records(dev_pages):
    manifest = {}
    tsv = dev_pages[0].parent.parent / "manifest.tsv"
    for line in tsv.read_text().splitlines()[1:]:
        fields = line.split("\t")
        manifest[fields[0]] = fields[1]
    records = []
    for i, page in enumerate(dev_pages):
        source = manifest.get(page.stem, "web")
        text = page.read_bytes().decode("utf-8", errors="replace")
        records.append({"id": page.stem, "url": f"https://{source}-{i % 3}.example/{page.stem}", "text": text})
    return records


def write_shards(directory: Path, records, count: int, gzip_last: bool = True):
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in range(count):
        lines = "".join(json.dumps(record) + "\n" for record in records[s::count]).encode()
        if gzip_last and s == count - 1:
            path = directory / f"shard-{s:02d}.jsonl.gz"
            path.write_bytes(gzip.compress(lines, mtime=0))
        else:
            path = directory / f"shard-{s:02d}.jsonl"
            path.write_bytes(lines)
        paths.append(path)
    return paths


def cli_run(cli, shards, work: Path, scope="site", min_docs=MIN_DOCS):
    """The single-machine run: count → merge → clean --counts, one output per shard."""
    work.mkdir(parents=True)
    run_cli(cli, "count", "--scope", scope, *shards, "-o", work / "whole.bsc")
    run_cli(cli, "merge", work / "whole.bsc", "--min-docs", min_docs, "-o", work / "frequent.bsc")
    for shard in shards:
        run_cli(cli, "--counts", work / "frequent.bsc", "--min-docs", min_docs, shard, "-o", work / shard.name)
    return work


@pytest.fixture(scope="module")
def shards(tmp_path_factory, dev_pages):
    return write_shards(tmp_path_factory.mktemp("shards"), dev_records(dev_pages), 8)


@pytest.fixture(scope="module")
def expected(tmp_path_factory, cli, shards):
    return cli_run(cli, shards, tmp_path_factory.mktemp("cli") / "run")


def assert_same_outputs(out: Path, expected: Path, shards):
    for shard in shards:
        assert (out / shard.name).read_bytes() == (expected / shard.name).read_bytes(), shard.name
    assert not list(out.rglob("*.partial"))


def test_count_merge_clean_equals_the_cli_byte_for_byte_and_resumes(cluster, shards, expected, dev_pages, tmp_path):
    out = tmp_path / "out"
    summary = bray.count_merge_clean(shards, out, partitions=4, min_docs=MIN_DOCS, scope="site", shards_per_task=3)
    assert summary.documents == len(dev_pages)
    assert summary.cleaned == len(shards) and summary.invalid == 0
    assert_same_outputs(out, expected, shards)
    # The broadcast table is the CLI's pruned table, byte for byte.
    assert (out / "_boilerstrip" / "frequent.bsc").read_bytes() == (expected / "frequent.bsc").read_bytes()
    assert summary.frequent_lines > 0
    # Something was removed as frequent: the table did its work.
    assert any((out / s.name).read_bytes() != s.read_bytes() for s in shards)

    # A rerun skips every finished output and changes nothing.
    again = bray.count_merge_clean(shards, out, partitions=4, min_docs=MIN_DOCS, scope="site", shards_per_task=3)
    assert again.cleaned == 0
    assert_same_outputs(out, expected, shards)

    # A lost output is made again, identical.
    (out / shards[2].name).unlink()
    assert bray.count_merge_clean(
        shards, out, partitions=4, min_docs=MIN_DOCS, scope="site", shards_per_task=3
    ).cleaned == 1
    assert_same_outputs(out, expected, shards)

    # Other arguments over the same output_dir are refused, naming what differs.
    with pytest.raises(boilerstrip.ConfigError, match="partitions"):
        bray.count_merge_clean(shards, out, partitions=2, min_docs=MIN_DOCS, scope="site", shards_per_task=3)


def test_inputs_with_one_file_name_are_refused(cluster, shards, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    twin = other / shards[0].name
    twin.write_bytes(shards[0].read_bytes())
    with pytest.raises(boilerstrip.ConfigError, match="same file name"):
        bray.count_merge_clean([shards[0], twin], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_input_in_output_dir_is_refused_and_left_as_it_is(cluster, shards, tmp_path):
    # Its output would be the input itself, which the run took for a finished output:
    # it reported success and the input stayed uncleaned.
    out = tmp_path / "out"
    out.mkdir()
    inside = out / shards[0].name
    inside.write_bytes(shards[0].read_bytes())
    with pytest.raises(boilerstrip.ConfigError, match="is its own output"):
        bray.count_merge_clean([inside, shards[1]], out, min_docs=MIN_DOCS)
    assert inside.read_bytes() == shards[0].read_bytes()
    assert not (out / "_boilerstrip").exists()


def test_an_output_dir_holding_an_output_of_no_earlier_run_is_refused(cluster, shards, tmp_path):
    # A file under an output's name, not written by a run (no run.json), was taken for a
    # finished output: kept as if cleaned.
    out = tmp_path / "out"
    out.mkdir()
    stale = out / shards[1].name
    stale.write_bytes(b'{"text": "written by something else"}\n')
    with pytest.raises(boilerstrip.ConfigError, match=f"already holds {stale}"):
        bray.count_merge_clean(shards[:2], out, min_docs=MIN_DOCS)
    assert stale.read_bytes() == b'{"text": "written by something else"}\n'


def test_files_of_others_in_output_dir_are_left_alone(cluster, shards, tmp_path):
    # The cleanup of killed attempts' temporary files removed every *.partial file under
    # output_dir, the user's own too.
    out = tmp_path / "out"
    (out / "notes").mkdir(parents=True)
    theirs = [out / "download.partial", out / "notes" / ".draft.1.partial", out / f".{shards[0].name}.partial"]
    for path in theirs:
        path.write_text("not boilerstrip's\n")
    bray.count_merge_clean(shards[:2], out, partitions=2, min_docs=MIN_DOCS, shards_per_task=1)
    assert [path.read_text() for path in theirs] == ["not boilerstrip's\n"] * 3


def run_in_thread(*args, **kwargs):
    outcome = {}

    def target():
        try:
            outcome["summary"] = bray.count_merge_clean(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def kill_a_cleaning_worker(out: Path, thread, timeout=120):
    """Kills the worker process writing a clean output, as soon as one is mid-write.
    Returns the output name it was writing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and thread.is_alive():
        for partial in out.glob(".*.partial") if out.is_dir() else []:
            # .NAME.PID.UUID.partial, written by the worker process cleaning NAME.
            name, pid = partial.name[1:].rsplit(".", 3)[:2]
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                continue
            return name
        time.sleep(0.002)
    pytest.fail("no clean task was seen mid-write")


@pytest.fixture(scope="module")
def big(tmp_path_factory, cli, dev_pages):
    """Two shards, one large enough that its clean takes a while."""
    records = dev_records(dev_pages)
    directory = tmp_path_factory.mktemp("big")
    small = write_shards(directory / "small", records[:50], 1, gzip_last=False)[0]
    large = directory / "large.jsonl"
    with large.open("w") as out:
        for copy in range(3):
            for record in records:
                out.write(json.dumps({**record, "id": f"{record['id']}-{copy}"}) + "\n")
    shards = [small, large]
    return shards, cli_run(cli, shards, directory / "cli", min_docs=6)


def test_a_worker_killed_mid_clean_leaves_no_output_and_a_rerun_completes(cluster, big, tmp_path):
    shards, expected = big
    out = tmp_path / "out"
    args = dict(partitions=2, min_docs=6, scope="site", shards_per_task=1)
    thread, outcome = run_in_thread(shards, out, max_retries=0, **args)
    killed = kill_a_cleaning_worker(out, thread)
    thread.join()
    # No retries: the run fails, and the killed task's output is not under its name.
    assert "error" in outcome, outcome
    assert not (out / killed).exists()
    for shard in shards:
        if (out / shard.name).exists():
            assert (out / shard.name).read_bytes() == (expected / shard.name).read_bytes()
    summary = bray.count_merge_clean(shards, out, **args)
    assert summary.cleaned >= 1
    assert_same_outputs(out, expected, shards)


def test_a_killed_worker_is_retried_and_the_run_completes(cluster, big, tmp_path):
    shards, expected = big
    out = tmp_path / "out"
    thread, outcome = run_in_thread(shards, out, partitions=2, min_docs=6, scope="site", shards_per_task=1)
    kill_a_cleaning_worker(out, thread)
    thread.join()
    assert "summary" in outcome, outcome.get("error")
    assert outcome["summary"].cleaned == 2
    assert_same_outputs(out, expected, shards)


def test_ray_data_map_batches_cleans_as_the_cleaner_on_two_cpus(cluster, shards, expected):
    docs = [json.loads(line) for line in shards[0].read_text().splitlines()]
    table = (expected / "frequent.bsc").read_bytes()
    dataset = ray.data.from_items(docs, override_num_blocks=4)
    cleaned = bray.clean_dataset(dataset, counts=table, min_docs=MIN_DOCS, url_column="url", batch_size=16)
    rows = sorted(cleaned.take_all(), key=lambda row: row["id"])
    cleaner = boilerstrip.Cleaner(counts=expected / "frequent.bsc", min_docs=MIN_DOCS)
    by_id = {doc["id"]: doc for doc in docs}
    assert len(rows) == len(docs)
    assert [row["text"] for row in rows] == [
        cleaner.clean(by_id[row["id"]]["text"], url=by_id[row["id"]]["url"]) for row in rows
    ]
    assert any(row["text"] != by_id[row["id"]]["text"] for row in rows)
