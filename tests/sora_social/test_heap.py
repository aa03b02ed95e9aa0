"""The web process freezes its start-up heap, so full GC passes stay off the request path."""

import gc
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["sora_social.asgi", "sora_social.wsgi"])
def test_the_app_modules_freeze_the_start_up_heap(module):
    # A fresh interpreter: importing the app module is what a server does at start.
    code = f"import gc, {module}; print(gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)

    assert int(out.stdout.split()[-1]) > 10_000  # the URL configuration and every view behind it


def test_objects_made_after_settling_are_still_collected():
    from sora_social.heap import settle

    settle()
    try:

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: only the collector frees it
        del a, b

        assert gc.collect() >= 2
    finally:
        gc.unfreeze()
