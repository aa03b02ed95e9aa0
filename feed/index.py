"""The vector index of published videos: faiss, persisted as versioned files.

Write path (a worker, `index_rebuild`): read every live `VideoFeatures` row,
build the index (HNSW when the corpus is big, exact inner product when it is
small: below `hnsw_min` vectors brute force is faster *and* perfect), write
`v<version>.faiss` + `v<version>.ids.npy` under the index directory, then flip
`CURRENT` atomically (write a temp file, `os.replace`).

Read path (every web process, `get_index`): load the version `CURRENT` names;
look at `CURRENT` again at most every `index_check_s` seconds and reload when
it changed. Between rebuilds, rows newer than the loaded file (publishes since)
are added in place (`sync`), so a new video is findable within seconds in
every process; removals are tombstoned here and, everywhere, dropped by the
feed's filters, which re-check the video's state in the database anyway.

faiss ids are `VideoFeatures.id` (int64); `uuids` maps them back to videos.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .conf import feed_settings

log = logging.getLogger(__name__)

DIM = 384
# HNSW parameters, measured in bench/bench_index.py: M=32 with efSearch 2x the
# k keeps recall@100 above 0.95 on 100k MiniLM-like vectors.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH_MIN = 128


def build(vectors: np.ndarray, ids: np.ndarray, *, exact: bool):
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    if exact:
        inner = faiss.IndexFlatIP(DIM)
    else:
        inner = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        inner.hnsw.efSearch = HNSW_EF_SEARCH_MIN
    index = faiss.IndexIDMap2(inner)
    if len(ids):
        index.add_with_ids(vectors, ids)
    return index


def set_ef_search(index, k: int) -> None:
    import faiss

    inner = faiss.downcast_index(index.index)
    if hasattr(inner, "hnsw"):
        inner.hnsw.efSearch = max(HNSW_EF_SEARCH_MIN, 2 * k)


@dataclass
class VideoIndex:
    version: int
    index: object  # faiss.IndexIDMap2
    uuids: dict[int, str] = field(default_factory=dict)
    watermark: int = 0  # highest VideoFeatures.id included
    tombstones: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def size(self) -> int:
        return self.index.ntotal

    @property
    def exact(self) -> bool:
        import faiss

        return not hasattr(faiss.downcast_index(self.index.index), "hnsw")

    def add(self, rows: list[tuple[int, str, np.ndarray]]) -> None:
        if not rows:
            return
        with self.lock:
            fresh = [r for r in rows if r[0] not in self.uuids]
            if fresh:
                self.index.add_with_ids(
                    np.stack([r[2] for r in fresh]).astype(np.float32), np.array([r[0] for r in fresh], np.int64)
                )
                for pk, video_id, _ in fresh:
                    self.uuids[pk] = video_id
            self.watermark = max(self.watermark, max(r[0] for r in rows))

    def remove(self, pk: int) -> None:
        with self.lock:
            self.tombstones.add(pk)

    def search(self, vector: np.ndarray, k: int, *, exclude: set[str] = frozenset()) -> list[tuple[str, float]]:
        """[(video_id, similarity)] nearest first."""
        if self.size == 0 or k <= 0:
            return []
        # Over-fetch for what will be skipped, but boundedly: a heavy viewer's
        # "seen" set can be thousands, and HNSW's cost grows with k.
        want = min(self.size, k + len(self.tombstones) + min(len(exclude), 3 * k))
        with self.lock:
            set_ef_search(self.index, want)
            sims, pks = self.index.search(np.asarray(vector, np.float32).reshape(1, -1), want)
        out = []
        for sim, pk in zip(sims[0], pks[0]):
            if pk < 0 or pk in self.tombstones:
                continue
            video_id = self.uuids.get(int(pk))
            if video_id is None or video_id in exclude:
                continue
            out.append((video_id, float(sim)))
            if len(out) == k:
                break
        return out


# --- persistence -------------------------------------------------------------


def _dir() -> Path:
    path = Path(feed_settings().index_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def current_version() -> int:
    try:
        return int(json.loads((_dir() / "CURRENT").read_text())["version"])
    except (FileNotFoundError, ValueError, KeyError):
        return 0


def save(index: VideoIndex) -> int:
    """Write the index as a new version and make it current; returns the version."""
    import faiss

    directory = _dir()
    version = max(current_version() + 1, index.version)
    stem = directory / f"v{version}"
    faiss.write_index(index.index, str(stem) + ".faiss")
    pks = np.array(sorted(index.uuids), dtype=np.int64)
    np.save(str(stem) + ".ids.npy", pks)
    np.save(str(stem) + ".uuids.npy", np.array([index.uuids[int(p)] for p in pks], dtype="U36"))
    tmp = directory / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"version": version, "watermark": index.watermark, "size": index.size}))
    os.replace(tmp, directory / "CURRENT")
    index.version = version
    _prune(directory, keep={version, version - 1})
    return version


def _prune(directory: Path, keep: set[int]) -> None:
    # Keep the previous version too: a process may be loading it right now.
    for path in directory.glob("v*.*"):
        try:
            version = int(path.name[1:].split(".", 1)[0])
        except ValueError:
            continue
        if version not in keep:
            path.unlink(missing_ok=True)


def load(version: int | None = None) -> VideoIndex | None:
    import faiss

    directory = _dir()
    meta_path = directory / "CURRENT"
    if version is None:
        if not meta_path.exists():
            return None
        meta = json.loads(meta_path.read_text())
        version = int(meta["version"])
    else:
        meta = {"watermark": 0}
    stem = directory / f"v{version}"
    try:
        raw = faiss.read_index(str(stem) + ".faiss")
        pks = np.load(str(stem) + ".ids.npy")
        uuids = np.load(str(stem) + ".uuids.npy")
    except (FileNotFoundError, RuntimeError):
        log.warning("feed index v%s is missing or unreadable", version)
        return None
    watermark = int(meta.get("watermark") or (int(pks.max()) if len(pks) else 0))
    return VideoIndex(version=version, index=raw, uuids=dict(zip(pks.tolist(), uuids.tolist())), watermark=watermark)


# --- the process-wide index ----------------------------------------------------

_state_lock = threading.Lock()
_current: VideoIndex | None = None
_checked_at = 0.0
_synced_at = 0.0


def reset() -> None:
    """Forget the loaded index (tests; a changed index directory)."""
    global _current, _checked_at, _synced_at
    with _state_lock:
        _current, _checked_at, _synced_at = None, 0.0, 0.0


def get_index() -> VideoIndex:
    """The current index of this process, reloaded when a newer version was
    published and topped up with rows added since it was built."""
    global _current, _checked_at, _synced_at
    cfg = feed_settings()
    now = time.monotonic()
    with _state_lock:
        if _current is None or now - _checked_at >= cfg.index_check_s:
            _checked_at = now
            version = current_version()
            if _current is None or version != _current.version:
                loaded = load() if version else None
                _current = (
                    loaded
                    or _current
                    or VideoIndex(
                        version=0, index=build(np.zeros((0, DIM), np.float32), np.zeros(0, np.int64), exact=True)
                    )
                )
                _synced_at = 0.0
        index = _current
        if now - _synced_at >= cfg.index_check_s:
            _synced_at = now
            do_sync = True
        else:
            do_sync = False
    if do_sync:
        sync(index)
    return index


def sync(index: VideoIndex) -> int:
    """Add rows newer than the index's watermark; returns how many."""
    from .models import VideoFeatures

    rows = list(
        VideoFeatures.objects.filter(id__gt=index.watermark, removed=False)
        .order_by("id")
        .values_list("id", "video_id", "embedding")[:50_000]
    )
    index.add([(pk, str(video_id), np.frombuffer(bytes(vec), np.float32)) for pk, video_id, vec in rows])
    return len(rows)


def rebuild() -> VideoIndex:
    """Build a fresh index from the database and publish it as the current version."""
    from .models import VideoFeatures

    rows = VideoFeatures.objects.filter(removed=False).order_by("id").values_list("id", "video_id", "embedding")
    pks, uuids, vectors = [], [], []
    for pk, video_id, vec in rows.iterator(chunk_size=5000):
        pks.append(pk)
        uuids.append(str(video_id))
        vectors.append(np.frombuffer(bytes(vec), np.float32))
    matrix = np.stack(vectors) if vectors else np.zeros((0, DIM), np.float32)
    exact = len(pks) < feed_settings().hnsw_min
    index = VideoIndex(
        version=0,
        index=build(matrix, np.array(pks, np.int64), exact=exact),
        uuids=dict(zip(pks, uuids)),
        watermark=max(pks) if pks else 0,
    )
    save(index)
    reset()
    return index
