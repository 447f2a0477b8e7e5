"""A burst of readers does not each render the page (BCAST-2). One snapshot per process holds
the status document and each representation rendered from it, built once per change.

Whether something changed is a fingerprint read from the database (the newest timeline row and
the newest schedule change); what time alone changes (planned work starts, a promise falls due,
a resolved incident ages out) ends a snapshot at that moment (`expires_at`). So two processes
(gunicorn workers, hosts) agree without talking to each other, and nothing is rebuilt while
nothing changes. A process checks the fingerprint at most once per `recheck` seconds; a commit in
this process checks at once. While one thread checks or rebuilds, the others serve the snapshot
they have (or, before the first build, wait for it) instead of rendering too. The same state
renders to the same bytes everywhere, so ETags agree between processes.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

RECHECK_SECONDS = 1.0
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Representation:
    """One rendering, as it is and gzipped (compressed once per snapshot, not per reader)."""

    body: bytes
    etag: str
    content_type: str
    gzipped: bytes
    gzip_etag: str


@dataclass
class Snapshot:
    """The document as of one fingerprint, and what was rendered from it so far."""

    key: Hashable
    document: dict[str, Any]
    last_modified: datetime
    expires_at: float = float("inf")  # when time alone changes it (`seconds`' scale)
    _rendered: dict[str, Representation] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def render(
        self, name: str, content_type: str, draw: Callable[[dict[str, Any]], bytes]
    ) -> Representation:
        """The representation `name`, drawn once per snapshot."""
        found = self._rendered.get(name)
        if found is not None:
            return found
        with self._lock:
            found = self._rendered.get(name)
            if found is None:
                body = draw(self.document)
                tag = hashlib.sha256(body).hexdigest()[:32]
                packed = gzip.compress(body, compresslevel=6, mtime=0)  # the same bytes each time
                found = self._rendered[name] = Representation(
                    body, f'"{tag}"', content_type, packed, f'"{tag}-gz"'
                )
            return found


class RenderCache(Generic[Key]):
    """The current snapshot: rebuilt by `build(key)` when `fingerprint()` changes."""

    def __init__(
        self,
        *,
        fingerprint: Callable[[], Key],
        build: Callable[[Key], Snapshot],
        recheck: float = RECHECK_SECONDS,
        seconds: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fingerprint = fingerprint
        self._build = build
        self._recheck = recheck
        self._monotonic = seconds
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked = float("-inf")
        self.builds = 0  # how many snapshots were built (the burst test counts them)

    def invalidate(self) -> None:
        """Something was committed here: the next reader checks the fingerprint at once."""
        self._checked = float("-inf")

    def current(self) -> Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and self._fresh(snapshot):
            return snapshot
        # One thread checks; while it does, the others serve the snapshot they have (at most
        # `recheck` seconds old) instead of queueing behind it. Only the very first readers,
        # with nothing to serve, wait for the first build.
        if snapshot is not None and not self._lock.acquire(blocking=False):
            return snapshot
        if snapshot is None:
            self._lock.acquire()
        try:
            if self._snapshot is not None and self._fresh(self._snapshot):
                return self._snapshot
            self._checked = self._monotonic()  # before reading: a commit meanwhile rechecks
            key = self._fingerprint()
            found = self._snapshot
            if found is None or found.key != key or self._checked >= found.expires_at:
                found = self._snapshot = self._build(key)
                self.builds += 1
            return found
        finally:
            self._lock.release()

    def _fresh(self, snapshot: Snapshot) -> bool:
        """Checked within `recheck` seconds (a clock that went back counts as not fresh) and
        not past the moment time alone changes it."""
        now = self._monotonic()
        return 0 <= now - self._checked < self._recheck and now < snapshot.expires_at
