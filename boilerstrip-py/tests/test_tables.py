"""Tables handed to workers as bytes are kept as one file per table, not one per task."""

import os

from boilerstrip._tables import local_table


def test_one_file_per_table_whatever_the_number_of_calls(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    first = [local_table(b"table one") for _ in range(5)]
    second = local_table(b"table two")
    assert len(set(first)) == 1
    assert second != first[0]
    with open(first[0], "rb") as table:
        assert table.read() == b"table one"
    with open(second, "rb") as table:
        assert table.read() == b"table two"
    assert sorted(os.listdir(tmp_path / "boilerstrip-tables")) == sorted(
        os.path.basename(path) for path in (first[0], second)
    )


def test_a_truncated_file_is_written_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    path = local_table(b"0123456789")
    with open(path, "wb") as table:
        table.write(b"01234")
    assert local_table(b"0123456789") == path
    with open(path, "rb") as table:
        assert table.read() == b"0123456789"
