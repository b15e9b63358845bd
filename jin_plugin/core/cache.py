"""The local cache: boundaries per hub and geography (revalidated by ETag) and built layers.

Geometry is fetched once and reused, so switching dataset, period or category downloads only a
small table of numbers. Files are written to a temporary name and renamed into place, so an
interrupted fetch never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication, QgsFeedback

from .hub_client import API, HubClient


def default_cache_dir() -> Path:
    """``$JIN_CACHE_DIR`` or ``<QGIS profile>/jin_cache``."""
    env = os.environ.get("JIN_CACHE_DIR")
    return Path(env) if env else Path(QgsApplication.qgisSettingsDirPath()) / "jin_cache"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


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
                   progress=None) -> tuple[Path, bool]:
        """Path of up-to-date boundaries for ``geography``; True if they were downloaded."""
        path = self.boundaries_path(geography)
        etag_file = path.with_suffix(".etag")
        etag = etag_file.read_text() if path.exists() and etag_file.exists() else ""
        reply = client.get(f"{API}/boundaries/{geography}", accept="application/geo+json", etag=etag,
                           feedback=feedback, progress=progress)
        if reply.status == 304:
            return path, False
        write_atomically(path, reply.body)
        etag_file.write_text(reply.headers.get("etag", ""))
        return path, True
