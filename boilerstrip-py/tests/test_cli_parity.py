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


def test_scorer_and_model_equal_the_cli(cli, dev_pages, tmp_path):
    """`scorer=True` is `--scorer` and `model=FILE` is `--model FILE`, on a tenth of DEV."""
    from conftest import REPO

    pages = dev_pages[::10]
    docs = [page.read_bytes() for page in pages]
    # A model file other than the built-in one: its first 25 trees, which score otherwise.
    halved = tmp_path / "halved.txt"
    lines = (REPO / "rules" / "model.txt").read_text().splitlines()
    trees = [i for i, line in enumerate(lines) if line.startswith("tree ")]
    halved.write_text("\n".join(lines[: trees[len(trees) // 2]]) + "\n")
    outputs = {}
    for name, flags, cleaner in [
        ("scorer", ["--scorer"], Cleaner(scorer=True)),
        ("model", ["--model", halved], Cleaner(model=halved)),
    ]:
        out = tmp_path / name
        run_cli(cli, "-q", *flags, "-o", out, *pages)
        want = [(out / page.name).read_bytes() for page in pages]
        assert cleaner.clean_batch(docs) == want, name
        outputs[name] = want
    default = Cleaner().clean_batch(docs)
    assert outputs["scorer"] != default, "the scorer changes some page"
    assert Cleaner(scorer=True, disable=["model"]).clean_batch(docs) == default, "disable wins"
    assert outputs["model"] != outputs["scorer"], "the model file is the one scoring"
