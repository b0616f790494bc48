"""Count tables handed to workers as bytes, kept as files a `Cleaner` can load."""

from __future__ import annotations

import hashlib
import os
import tempfile


def local_table(data: bytes) -> str:
    """The path of a file holding `data`: `$TMPDIR/boilerstrip-tables/<sha256>.bsc`.

    The name is the content's hash, so every task and actor on a machine that gets the
    same table shares one file (written once, atomically) instead of leaving a copy
    each; a different table gets a file of its own. The files outlive the run, one per
    table, so a worker that loads the table later still finds it.
    """
    directory = os.path.join(tempfile.gettempdir(), "boilerstrip-tables")
    path = os.path.join(directory, hashlib.sha256(data).hexdigest() + ".bsc")
    if os.path.exists(path) and os.path.getsize(path) == len(data):
        return path
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    return path
