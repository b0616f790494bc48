"""Shared fixtures: the repository, the CLI binary to compare with, sample documents."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Never reach a hub: every dataset here is made locally.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Lines the embedded default packs remove, and lines they keep.
BODY = "Kim asks Trump for another meeting.\n"
SOURCE = "SOURCE: News agencies\n"
DOC = BODY + "\n" + SOURCE
KEPT = BODY


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `boilerstrip` binary built from this repository (BOILERSTRIP_BIN overrides)."""
    explicit = os.environ.get("BOILERSTRIP_BIN")
    candidates = [Path(explicit)] if explicit else [
        REPO / "target" / "release" / "boilerstrip",
        REPO / "target" / "debug" / "boilerstrip",
    ]
    for path in candidates:
        if path.is_file():
            return path
    pytest.fail(f"no boilerstrip binary at {candidates}: run `cargo build --release` first")


@pytest.fixture(scope="session")
def dev_pages() -> list[Path]:
    """The DEV pages of the shared evaluation set."""
    for shared in (Path(os.environ.get("BOILERSTRIP_SHARED", REPO.parent / "shared")),):
        pages = sorted((shared / "eval" / "dev" / "input").glob("*.txt"))
        if pages:
            return pages
    pytest.fail("no DEV pages in ../shared/eval/dev/input")


def run_cli(cli: Path, *args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *map(str, args)], check=True, capture_output=True, **kwargs)
