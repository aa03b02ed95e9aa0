"""Keep the garbage collector's full passes off the request path.

A web process imports a large, long-lived heap at start (Django, DRF, numpy,
faiss, the URL configuration and every view behind it). CPython's full
collection walks every tracked object, so on this heap each one took ~75 ms
and landed on whichever request happened to allocate at that moment: the
feed's p99 was 3-4x its p50 for that alone (bench/bench_feed.py). After the
start-up imports, `settle()` collects once and moves everything that is
left into the permanent generation (`gc.freeze()`), which later passes skip;
objects made while serving are collected as before.
"""

import gc


def settle() -> int:
    """Import the URL configuration (and the views behind it), collect, and freeze what
    remains; returns how many objects are frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, not on a first request
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
