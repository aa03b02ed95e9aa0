"""Loaded before Django's settings (`-p tests.parallel` in pytest's options): a parallel run's workers share nothing.

`make test` runs the suite in several processes (pytest-xdist, one file per
process at a time). Each process gets its own test database from pytest-django;
here each also gets its own Redis database (the next numbers after REDIS_URL's),
so one process's cache clears, channel groups and Celery queues never reach
another's, and the encoders take the process's share of the cores.
"""

import os
import re

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... in a worker; unset in a plain run

if WORKER:
    index = int(WORKER.removeprefix("gw"))
    url = os.environ.get("REDIS_URL", "")
    match = re.fullmatch(r"(redis://[^/]*)(?:/(\d+))?", url)
    if url and not match:
        raise RuntimeError(f"REDIS_URL {url!r}: a parallel run needs redis://host:port/db")
    if match:
        os.environ["REDIS_URL"] = f"{match[1]}/{int(match[2] or 0) + index}"
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    os.environ.setdefault("SORA_POLICY_THREADS", threads)
    os.environ.setdefault("SORA_EMBEDDER_THREADS", threads)
