"""Loaded before Django's settings (`-p tests.parallel` in pytest's options): a parallel run's workers share nothing.

`make test` runs the suite in several processes (pytest-xdist, one file per
process at a time). Each process gets its own test database from pytest-django;
here each also gets its own Redis database (REDIS_URL's number and the next ones),
so one process's cache clears, channel groups and Celery queues never reach
another's. In every run, parallel or not, the encoders' threads are set here.
"""

import os
import re

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... in a worker; unset in a plain run

# Both encoders take the process's share of the cores, at most two (the service's default is one;
# one and two threads give the same vectors bit for bit): run in one process, the suite runs one
# test at a time and the second core would idle while the held-out guards encode thousands of
# texts. An explicit setting in the environment wins.
_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) if WORKER else 1
_threads = str(max(1, min(2, (os.cpu_count() or 1) // _workers)))
os.environ.setdefault("SORA_POLICY_THREADS", _threads)
os.environ.setdefault("SORA_EMBEDDER_THREADS", _threads)

if WORKER:
    index = int(WORKER.removeprefix("gw"))
    url = os.environ.get("REDIS_URL", "")
    match = re.fullmatch(r"(redis://[^/]*)(?:/(\d+))?", url)
    if url and not match:
        raise RuntimeError(f"REDIS_URL {url!r}: a parallel run needs redis://host:port/db")
    if match:
        os.environ["REDIS_URL"] = f"{match[1]}/{int(match[2] or 0) + index}"
