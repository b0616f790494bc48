"""The type stubs describe the native module as it is: every public name, every method."""

import ast
import inspect
from pathlib import Path

from boilerstrip import _boilerstrip

STUBS = Path(_boilerstrip.__file__).with_name("_boilerstrip.pyi")


def stub_names():
    """Top-level names of the stub file, and the member names of each stubbed class."""
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    names, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                item.name for item in node.body if isinstance(item, ast.FunctionDef)
            }
    return names, members


def public(names):
    return {name for name in names if not name.startswith("_")}


def test_every_public_name_of_the_module_is_stubbed_and_no_other():
    names, _ = stub_names()
    runtime = public(dir(_boilerstrip)) | {"__version__"}
    assert runtime == public(names) | {"__version__"}
    assert "__version__" in names


def test_every_method_of_each_class_is_stubbed_and_no_other():
    _, members = stub_names()
    for name, stubbed in members.items():
        cls = getattr(_boilerstrip, name)
        assert inspect.isclass(cls), name
        runtime = {m for m in vars(cls) if not m.startswith("_")}
        assert runtime == public(stubbed), name
