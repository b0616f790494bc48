"""Every Python example in the docs runs: each ```python block of README.md and docs/*.md,
in a fresh directory, with the package as installed and the CLI first on PATH."""

import os
import re
from pathlib import Path

import pytest

from conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def examples():
    for path in DOCS:
        if path.is_file():
            text = path.read_text()
            for match in BLOCK.finditer(text):
                line = text[: match.start()].count("\n") + 1
                yield pytest.param(match.group(1), id=f"{path.name}:{line}")


EXAMPLES = list(examples())


def test_the_docs_have_python_examples():
    assert EXAMPLES, "no ```python block in README.md or docs/*.md"


@pytest.mark.parametrize("code", EXAMPLES)
def test_example_runs(code, tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", f"{cli.parent}{os.pathsep}{os.environ['PATH']}")
    exec(compile(code, "<docs example>", "exec"), {"__name__": "__main__"})
