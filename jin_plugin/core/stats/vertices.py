"""Polygon vertices straight from WKB, for building contiguity weights without a Python loop per
vertex (QGIS's own vertex iterators are far too slow for 35,000 areas)."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

_POLYGON, _MULTIPOLYGON = 3, 6


@dataclass(frozen=True)
class Vertices:
    coords: np.ndarray          # (m, 2)
    owner: np.ndarray           # area index of each vertex
    ring_starts: np.ndarray     # first vertex of each ring
    centroids: np.ndarray       # (n, 2) mean of each area's exterior vertices (for k-nearest)
    n: int


def _dims(wkb_type: int) -> tuple[int, int]:
    """(base type, coordinates per vertex) of an ISO or EWKB geometry type code."""
    ewkb_z, ewkb_m = wkb_type & 0x80000000, wkb_type & 0x40000000
    code = wkb_type & 0x0FFFFFFF
    base, iso = code % 1000, code // 1000
    dims = 2 + (iso in (1, 3) or bool(ewkb_z)) + (iso in (2, 3) or bool(ewkb_m))
    return base, dims


def _polygon(buf: memoryview, pos: int, order: str, dims: int, rings: list) -> int:
    (n_rings,) = struct.unpack_from(order + "I", buf, pos)
    pos += 4
    for _ in range(n_rings):
        (n_pts,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        pts = np.frombuffer(buf, dtype=np.dtype(order + "f8"), count=n_pts * dims, offset=pos)
        rings.append(pts.reshape(n_pts, dims)[:, :2])
        pos += 8 * n_pts * dims
    return pos


def rings_of(wkb: bytes) -> list[np.ndarray]:
    """Every ring (exterior first) of a Polygon or MultiPolygon WKB."""
    buf = memoryview(wkb)
    order = "<" if buf[0] == 1 else ">"
    base, dims = _dims(struct.unpack_from(order + "I", buf, 1)[0])
    rings: list[np.ndarray] = []
    if base == _POLYGON:
        _polygon(buf, 5, order, dims, rings)
    elif base == _MULTIPOLYGON:
        (parts,) = struct.unpack_from(order + "I", buf, 5)
        pos = 9
        for _ in range(parts):
            part_order = "<" if buf[pos] == 1 else ">"
            _, part_dims = _dims(struct.unpack_from(part_order + "I", buf, pos + 1)[0])
            pos = _polygon(buf, pos + 5, part_order, part_dims, rings)
    else:
        raise ValueError(f"not a polygon geometry (WKB type {base}): comparisons need area layers")
    return rings


def from_wkb(geometries: Iterable[bytes]) -> Vertices:
    """Vertices of a sequence of polygon WKBs, one per area, in order."""
    coords, owner, starts, centroids = [], [], [], []
    count = 0
    for i, wkb in enumerate(geometries):
        rings = rings_of(wkb) if wkb else []
        centroids.append(rings[0].mean(axis=0) if rings else (np.nan, np.nan))
        for ring in rings:
            starts.append(count)
            coords.append(ring)
            owner.append(np.full(len(ring), i))
            count += len(ring)
    n = len(centroids)
    if not coords:
        return Vertices(np.empty((0, 2)), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
                        np.array(centroids, dtype=float).reshape(n, 2), n)
    return Vertices(np.concatenate(coords), np.concatenate(owner), np.array(starts, dtype=np.int64),
                    np.array(centroids, dtype=float), n)
