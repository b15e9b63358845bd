"""The local cache: boundaries per hub and geography (revalidated by ETag), their layer template,
and built layers.

Geometry is fetched once and reused, so switching dataset, period or category downloads only a
small table of numbers; it is also converted once into a GeoPackage template, so building a layer
copies a file and fills in numbers. Files are written to a temporary name and renamed into place,
so an interrupted fetch never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication, QgsFeedback

from ..i18n import tr
from .hub_client import API, HubCancelled, HubClient
from .layers import TEMPLATE_VERSION, build_template, part_beside


def default_cache_dir() -> Path:
    """``$JIN_CACHE_DIR`` or ``<QGIS profile>/jin_cache``."""
    env = os.environ.get("JIN_CACHE_DIR")
    return Path(env) if env else Path(QgsApplication.qgisSettingsDirPath()) / "jin_cache"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename (a temporary name of its own, so concurrent
    writers never interleave)."""
    tmp = part_beside(path, ".part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(path: Path) -> threading.Lock:
    """One lock per cached file: queued fetches of one geography download its boundaries once."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, threading.Lock())


class Cache:
    """Cached files for one hub (kept apart per hub URL)."""

    def __init__(self, hub_url: str, root: Optional[Path] = None):
        key = hashlib.sha256(hub_url.rstrip("/").encode()).hexdigest()[:12]
        self.dir = (root or default_cache_dir()) / key
        self.layers_dir = self.dir / "layers"
        self.layers_dir.mkdir(parents=True, exist_ok=True)

    def boundaries_path(self, geography: str) -> Path:
        return self.dir / f"boundaries_{geography}.geojson"

    def boundaries(self, client: HubClient, geography: str, feedback: Optional[QgsFeedback] = None,
                   progress=None, current_etag: str = "") -> tuple[Path, bool]:
        """Path of up-to-date boundaries for ``geography``; True if they were downloaded.

        ``current_etag`` is the version the hub's catalogue lists: when the cached file has it, no
        request is made at all; otherwise the hub is asked, with the cached ETag for a 304.
        """
        with _lock(self.boundaries_path(geography)):
            return self._boundaries(client, geography, feedback, progress, current_etag)

    def _boundaries(self, client: HubClient, geography: str, feedback: Optional[QgsFeedback], progress,
                    current_etag: str) -> tuple[Path, bool]:
        path = self.boundaries_path(geography)
        etag_file = path.with_suffix(".etag")
        etag = etag_file.read_text() if path.exists() and etag_file.exists() else ""
        if etag and current_etag and etag.strip('"') == current_etag.strip('"'):
            return path, False
        reply = client.get(f"{API}/boundaries/{geography}", accept="application/geo+json", etag=etag,
                           feedback=feedback, progress=progress)
        if reply.status == 304:
            return path, False
        write_atomically(path, reply.body)
        etag_file.write_text(reply.headers.get("etag", ""))
        return path, True

    def template_path(self, geography: str) -> Path:
        """The layer template of the cached boundaries' version (and of this plugin's template layout)."""
        path = self.boundaries_path(geography)
        etag_file = path.with_suffix(".etag")
        etag = etag_file.read_text() if etag_file.exists() else ""
        if not etag:                                   # a hub without ETags: the file's own identity
            stat = path.stat()
            etag = f"{stat.st_size}-{stat.st_mtime_ns}"
        key = hashlib.sha256(f"{TEMPLATE_VERSION}:{etag}".encode()).hexdigest()[:12]
        return self.dir / f"template_{geography}_{key}.gpkg"

    def template(self, geography: str, feedback: Optional[QgsFeedback] = None) -> tuple[Path, bool]:
        """Path of the layer template of the cached boundaries of ``geography`` (call ``boundaries``
        first); True if it was built now. Templates of older boundaries are removed."""
        with _lock(self.dir / f"template_{geography}"):
            path = self.template_path(geography)
            if path.exists():
                return path, False
            if not build_template(self.boundaries_path(geography), path, feedback):
                raise HubCancelled(tr("Fetch cancelled: nothing was added."))
            for old in self.dir.glob(f"template_{geography}_*.gpkg"):
                if old != path:
                    with contextlib.suppress(OSError):         # left for next time if something holds it
                        old.unlink()
            return path, True
