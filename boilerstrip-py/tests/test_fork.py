"""A Cleaner whose pool ran before os.fork() still works in the child (rayon's threads
do not survive fork: the child must start its own pool, not wait on the parent's)."""

import multiprocessing
import os
import signal

from boilerstrip import Cleaner
from conftest import DOC, KEPT

DOCS = [DOC] * 64


def _clean_in_child(cleaner):
    return cleaner.clean_batch(DOCS)


def test_pool_used_before_fork_works_in_the_child():
    cleaner = Cleaner(threads=2)
    assert cleaner.clean_batch(DOCS) == [KEPT] * 64  # starts the pool in the parent
    pid = os.fork()
    if pid == 0:  # child: a deadlock would hang, so the alarm ends it with a failure
        signal.alarm(60)
        try:
            ok = cleaner.clean_batch(DOCS) == [KEPT] * 64
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status), f"child ended by signal {os.WTERMSIG(status) if os.WIFSIGNALED(status) else status}"
    assert os.WEXITSTATUS(status) == 0
    # the parent's pool is untouched
    assert cleaner.clean_batch(DOCS) == [KEPT] * 64


def test_multiprocessing_fork_pool_after_use():
    cleaner = Cleaner(threads=2)
    cleaner.clean_batch(DOCS)
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        results = pool.map_async(_clean_in_child, [cleaner] * 4).get(timeout=120)
    assert results == [[KEPT] * 64] * 4


def test_multiprocessing_spawn_pickles_the_cleaner():
    cleaner = Cleaner(threads=1)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        results = pool.map_async(_clean_in_child, [cleaner]).get(timeout=120)
    assert results == [[KEPT] * 64]
