"""Cost of a signed media URL: making one and checking one, today's HMAC token against the
django.core.signing token it replaced, measured in the same run.

    .venv/bin/python bench/bench_media_urls.py [--n 20000]

A feed page or a list of 20 videos makes 40 of them (video and poster).
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")

import django  # noqa: E402

django.setup()

from django.core import signing  # noqa: E402
from django.urls import reverse  # noqa: E402

from sora_social.media import _legacy_payload_from, _payload_from, signed_url  # noqa: E402

NAME = "videos/6f1c0b7e-2a51-4f7e-9a51-0c1d2e3f4a5b.mp4"


def legacy_signed_url(name: str, guard, viewer_id) -> str:
    """The URL as it was made before: signing.dumps (zlib, timestamp) and reverse() per call."""
    payload = {"n": name, "t": 3600, "g": [guard[0], str(guard[1]), str(viewer_id)]}
    return reverse("media-signed", kwargs={"token": signing.dumps(payload, salt="sora_social.media", compress=True)})


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=20_000)
    n = p.parse_args().n
    guard, viewer = ("video", uuid.uuid4()), type("Viewer", (), {"pk": uuid.uuid4()})()
    old = legacy_signed_url(NAME, guard, viewer.pk).rsplit("/", 1)[1]
    new = signed_url(NAME, guard=guard, viewer=viewer).rsplit("/", 1)[1]
    rows = [
        ("make (django.core.signing + reverse, before)", lambda: legacy_signed_url(NAME, guard, viewer.pk)),
        ("make (HMAC token, route prefix once, now)", lambda: signed_url(NAME, guard=guard, viewer=viewer)),
        ("check (django.core.signing, before)", lambda: _legacy_payload_from(old)),
        ("check (HMAC token, now)", lambda: _payload_from(new)),
    ]
    print(f"{n:,} calls each, one process, one thread\n")
    print("| what | µs per call | per 40 URLs (a page), ms |")
    print("|---|---:|---:|")
    for label, fn in rows:
        fn()
        per = min(timeit.repeat(fn, number=n, repeat=3)) / n * 1e6
        print(f"| {label} | {per:.1f} | {per * 40 / 1000:.2f} |")


if __name__ == "__main__":
    main()
