"""The package's output equals the CLI's, byte for byte, on every DEV page."""

from boilerstrip import Cleaner
from conftest import run_cli


def test_dev_pages_equal_the_cli(cli, dev_pages, tmp_path):
    out = tmp_path / "out"
    run_cli(cli, "-q", "-o", out, *dev_pages)
    cleaner = Cleaner()
    docs = [page.read_bytes() for page in dev_pages]
    batch = cleaner.clean_batch(docs)
    mismatched = []
    for page, doc, cleaned in zip(dev_pages, docs, batch):
        want = (out / page.name).read_bytes()
        if cleaned != want or cleaner.clean_bytes(doc) != want:
            mismatched.append(page.name)
    assert not mismatched, f"{len(mismatched)} pages differ from the CLI, e.g. {mismatched[:5]}"


def test_dev_pages_as_arrow_equal_the_cli(cli, dev_pages, tmp_path):
    import pyarrow as pa

    out = tmp_path / "out"
    run_cli(cli, "-q", "-o", out, *dev_pages)
    texts = [page.read_bytes().decode() for page in dev_pages]
    cleaned, _ = Cleaner().clean_arrow(pa.array(texts, type=pa.large_string()))
    want = [(out / page.name).read_bytes().decode() for page in dev_pages]
    assert cleaned.to_pylist() == want
