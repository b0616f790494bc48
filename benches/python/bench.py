#!/usr/bin/env python3
"""Throughput of the Python package against the CLI and against datatrove.

Run inside the virtualenv that scripts/python-tests makes (it has boilerstrip, pyarrow
and datatrove), after `cargo build --release`:

    target/py-venv/bin/python benches/python/bench.py [--size 1G] [--runs 3]

Builds the corpus the way benches/compare does (the DEV pages, line-end padding stripped,
repeated until --size), then measures, on the same machine:

  1. `Cleaner().clean_arrow(table["text"])` on a large_string column of --size bytes
     (all cores) against the CLI at `-j` all cores on the same documents as text
     (form-feed separated) and as JSONL: MB/s of input, best of --runs.
  2. One thread of `Cleaner(threads=1).clean_batch(docs)` on a --batch-size prefix
     against datatrove's `C4QualityFilter` (one process, `filter()` per Document,
     in-process) on a --datatrove-size prefix: MB/s each and the ratio.

Runs are interleaved (arrow, CLI text, CLI JSONL, again) and the best of --runs is kept.

C4QualityFilter counts sentences with spaCy; the script pip-installs `spacy` into the
running virtualenv when it is missing. Prints a Markdown table.
"""

import argparse
import importlib.machinery
import importlib.util
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def compare_module():
    """benches/compare, for the very same corpus builder."""
    loader = importlib.machinery.SourceFileLoader("compare", str(REPO / "benches" / "compare"))
    spec = importlib.util.spec_from_loader("compare", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def best(runs, work):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G", help="corpus size (default 1G)")
    parser.add_argument("--datatrove-size", default="16M", help="prefix for the one-thread comparison (default 16M)")
    parser.add_argument("--batch-size", default="64M", help="input of the one-thread clean_batch run (default 64M)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--input", default=str(REPO.parent / "shared" / "eval" / "dev" / "input"))
    parser.add_argument("--work", default=str(REPO / "target" / "bench-python"))
    parser.add_argument("--bin", default=str(REPO / "target" / "release" / "boilerstrip"))
    args = parser.parse_args()

    import pyarrow as pa

    from boilerstrip import Cleaner

    compare = compare_module()
    size = compare.parse_size(args.size)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    docs = compare.documents(args.input)
    text_path, jsonl_path = compare.build_corpus(docs, size, work)
    corpus = []
    written = 0
    while written < size:  # the documents build_corpus wrote, in its order
        doc = docs[len(corpus) % len(docs)]
        corpus.append(doc)
        written += len(doc.encode()) + 2
    nbytes = sum(len(doc.encode()) for doc in corpus)
    cores = os.cpu_count()
    rows = []

    table = pa.table({"text": pa.array(corpus, type=pa.large_string())})
    cleaner = Cleaner()
    column = table["text"]
    commands = {}
    for label, fmt, path in [("text", "text", text_path), ("JSONL", "jsonl", jsonl_path)]:
        command = [args.bin, "-q", "-f", fmt, "-j", str(cores), "-o", os.devnull, str(path)]
        if fmt == "text":
            command[1:1] = ["--doc-separator", "\f"]
        commands[label] = (command, path.stat().st_size)
    # Interleaved, so that a slow spell of a shared machine hits every contender alike.
    times = {"arrow": [], "text": [], "JSONL": []}
    for _ in range(args.runs):
        times["arrow"].append(best(1, lambda: cleaner.clean_arrow(column)))
        for label, (command, _) in commands.items():
            run = lambda: subprocess.run(command, check=True)
            times[label].append(best(1, run))
    arrow_mbs = nbytes / 1e6 / min(times["arrow"])
    rows.append((f"Python clean_arrow (large_string column), {cores} threads", min(times["arrow"]), arrow_mbs))
    for label, (_, size_bytes) in commands.items():
        elapsed = min(times[label])
        rows.append((f"CLI -f {label.lower()} -j {cores}", elapsed, size_bytes / 1e6 / elapsed))

    batch, taken = [], 0
    for doc in corpus:
        if taken >= compare.parse_size(args.batch_size):
            break
        batch.append(doc)
        taken += len(doc.encode())
    one = Cleaner(threads=1)
    elapsed = best(args.runs, lambda: one.clean_batch(batch))
    batch_mbs = taken / 1e6 / elapsed
    rows.append((f"Python clean_batch, 1 thread ({taken >> 20} MiB)", elapsed, batch_mbs))

    sample, taken = [], 0
    for doc in corpus:
        if taken >= compare.parse_size(args.datatrove_size):
            break
        sample.append(doc)
        taken += len(doc.encode())
    try:
        import spacy  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "spacy==3.8.7"], check=True)
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter

    c4 = C4QualityFilter(filter_no_terminal_punct=False)
    c4.filter(Document(text=sample[0], id="warm-up"))

    def run_c4():
        for index, doc in enumerate(sample):
            c4.filter(Document(text=doc, id=str(index)))

    elapsed = best(1, run_c4)
    c4_mbs = taken / 1e6 / elapsed
    rows.append((f"datatrove C4QualityFilter, 1 process ({taken >> 20} MiB)", elapsed, c4_mbs))

    print(f"\n{platform.processor() or platform.machine()}, {cores} cores, corpus {nbytes / 1e6:.0f} MB "
          f"({len(corpus)} documents), best of {args.runs}\n")
    print("| what | seconds | MB/s |")
    print("|---|---:|---:|")
    for name, seconds, mbs in rows:
        print(f"| {name} | {seconds:.2f} | {mbs:.1f} |")
    cli_text = rows[1][2]
    print(f"\nclean_arrow / CLI -f text: {arrow_mbs / cli_text:.0%}; "
          f"clean_arrow / CLI -f jsonl: {arrow_mbs / rows[2][2]:.0%}; "
          f"clean_batch (1 thread) / C4QualityFilter: {batch_mbs / c4_mbs:.0f}x")


if __name__ == "__main__":
    main()
