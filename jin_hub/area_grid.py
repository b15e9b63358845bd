"""A raster shortcut for placing a million points in areas.

Testing each point against polygons (an R-tree, then an exact test) costs about a microsecond a
point. Most points, though, lie well inside an area: cover the areas with a grid of small square
cells, and a cell that no boundary comes near (nor within the snapping distance of one) lies wholly
in one area or wholly outside all, so every point in it is placed by looking its cell up. Only
points in cells a boundary passes near take the exact test, so the result is the exact one.

Cells are labelled by scanline filling at their centres (even-odd over every ring of an area) and
cells near a boundary are found by walking each boundary in steps shorter than half a cell; both
are plain numpy, built in a fraction of a second when an area index is made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
import shapely

OUTSIDE = -1           # the cell is outside every area (and not near one)
NEAR_EDGE = -2         # a boundary passes near: points here need the exact test
#: Cell side in metres: small enough that most points of a town's output areas are in cells no
#: boundary touches, big enough that the grid of a county stays a few tens of megabytes.
CELL_METRES = 25.0
MAX_CELLS = 40_000_000


@dataclass
class AreaGrid:
    """Per cell of a regular grid: the index of the area holding all of it, ``OUTSIDE`` or ``NEAR_EDGE``."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    label: np.ndarray            # int32, row-major: cell (ix, iy) at iy * nx + ix

    @classmethod
    def build(cls, geoms: np.ndarray, margin: float, cell: float = CELL_METRES) -> Optional[AreaGrid]:
        """The grid of ``geoms`` (polygons), with cells within ``margin`` of a boundary marked
        ``NEAR_EDGE``; cells grow past ``cell`` to keep a large extent within ``MAX_CELLS``. None
        when no grid helps (no geometry, cells too small for the margin, rings that do not close)."""
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms) if len(geoms) else (np.nan,) * 4
        if not np.isfinite([xmin, ymin, xmax, ymax]).all():
            return None
        cell = max(cell, math.sqrt((xmax - xmin) * (ymax - ymin) / MAX_CELLS) * 1.1)
        if margin >= cell / 4:
            return None
        pad = 2 * cell + margin
        nx, ny = math.ceil((xmax - xmin + 2 * pad) / cell), math.ceil((ymax - ymin + 2 * pad) / cell)
        grid = cls(xmin - pad, ymin - pad, cell, nx, ny, np.empty(0, dtype=np.int32))     # labelled by _fill
        edges = _edges(geoms)
        if not grid._fill(*edges):
            return None
        grid._mark_near(*edges[:4], margin)
        return grid

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per point: its area's index, ``OUTSIDE`` or ``NEAR_EDGE``; points off the grid are far
        from every area, so ``OUTSIDE``."""
        ix = np.floor((x - self.x0) / self.cell)
        iy = np.floor((y - self.y0) / self.cell)
        on = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        out = np.full(len(x), OUTSIDE, dtype=np.int32)
        out[on] = self.label[iy[on].astype(np.int64) * self.nx + ix[on].astype(np.int64)]
        return out

    def _fill(self, ax, ay, bx, by, owner) -> bool:
        """Label each cell whose centre is inside an area (even-odd across the rows of centres);
        cells claimed twice (overlapping areas) are left to the exact test. False if some area's
        rings do not close, so crossings do not pair up."""
        row = lambda v: np.ceil((v - self.y0) / self.cell - 0.5).astype(np.int64)    # noqa: E731
        low, high = np.minimum(ay, by), np.maximum(ay, by)
        first, stop = row(low), row(high)                  # rows whose centre y is in [low, high)
        count = np.maximum(stop - first, 0)
        edge = np.repeat(np.arange(len(ax)), count)
        r = np.repeat(first, count) + _within(count)
        yc = self.y0 + (r + 0.5) * self.cell
        xc = ax[edge] + (yc - ay[edge]) * (bx[edge] - ax[edge]) / (by[edge] - ay[edge])
        who = owner[edge]
        order = np.lexsort((xc, r, who))
        r, xc, who = r[order], xc[order], who[order]
        if len(r) % 2 or (r[0::2] != r[1::2]).any() or (who[0::2] != who[1::2]).any():
            return False
        col = lambda v: np.ceil((v - self.x0) / self.cell - 0.5).astype(np.int64)    # noqa: E731
        start = r[0::2] * self.nx + col(xc[0::2])           # centres with x in [left, right)
        end = r[0::2] * self.nx + col(xc[1::2])
        keep = end > start
        self._paint(start[keep], end[keep], who[0::2][keep])
        return True

    def _paint(self, start: np.ndarray, end: np.ndarray, owner: np.ndarray) -> None:
        """Label cells [start, end) of each span with its owner, and every other cell ``OUTSIDE``,
        as one run-length expansion. Cells in two spans (areas that overlap) are left to the
        exact test."""
        order = np.argsort(start, kind="stable")
        start, end, owner = start[order], end[order], owner[order]
        reach = np.maximum.accumulate(end)
        clash = np.zeros(len(start), dtype=bool)
        clash[1:] = start[1:] < reach[:-1]                  # starts inside an earlier span
        ok = ~clash
        runs = np.empty(2 * ok.sum() + 1, dtype=np.int64)
        runs[1::2] = end[ok] - start[ok]
        runs[0::2] = np.diff(np.concatenate([[0], start[ok], [self.nx * self.ny]])) - np.concatenate(
            [[0], runs[1::2]])
        values = np.full(len(runs), OUTSIDE, dtype=np.int32)
        values[1::2] = owner[ok]
        self.label = np.repeat(values, runs)
        for i in np.flatnonzero(clash):
            self.label[start[i]:end[i]] = NEAR_EDGE

    def _mark_near(self, ax, ay, bx, by, margin: float) -> None:
        """Mark ``NEAR_EDGE`` every cell within ``margin`` (and a millimetre) of a boundary: each
        edge is walked in steps under half a cell, and the cells under each step's box, widened
        by the margin, are marked (at most two by two: the box is narrower than a cell)."""
        reach = margin + 1e-3
        step = self.cell / 2 - reach
        pieces = np.maximum(np.ceil(np.hypot(bx - ax, by - ay) / step), 1).astype(np.int64)
        edge = np.repeat(np.arange(len(ax)), pieces)
        k = _within(pieces)
        t0, t1 = k / pieces[edge], (k + 1) / pieces[edge]
        dx, dy = (bx - ax)[edge], (by - ay)[edge]
        px0, px1 = ax[edge] + t0 * dx, ax[edge] + t1 * dx
        py0, py1 = ay[edge] + t0 * dy, ay[edge] + t1 * dy
        cell_of = lambda v, origin: np.floor((v - origin) / self.cell).astype(np.int64)    # noqa: E731
        ix = (cell_of(np.minimum(px0, px1) - reach, self.x0), cell_of(np.maximum(px0, px1) + reach, self.x0))
        iy = (cell_of(np.minimum(py0, py1) - reach, self.y0), cell_of(np.maximum(py0, py1) + reach, self.y0))
        for cx in ix:
            for cy in iy:
                self.label[cy * self.nx + cx] = NEAR_EDGE


def _within(counts: np.ndarray) -> np.ndarray:
    """0, 1, … counts[i]-1 for each i in turn: the place of each repeated item in its run."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def _edges(geoms: np.ndarray) -> tuple[np.ndarray, ...]:
    """(ax, ay, bx, by, area index) of every edge of every ring of ``geoms``."""
    parts, area = shapely.get_parts(geoms, return_index=True)
    rings, part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]                       # consecutive vertices of one ring
    a, b = xy[:-1][same], xy[1:][same]
    return a[:, 0], a[:, 1], b[:, 0], b[:, 1], area[part[ring[:-1][same]]].astype(np.int32)
