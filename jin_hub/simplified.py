"""Boundaries for web maps at any scale: a geography's areas in lon/lat (CRS84), simplified as one
coverage to a few fixed levels, with no more decimals than the level needs.

A browser drawing the 34,753 LSOAs of England and Wales at full detail fetches and parses far more
than a national view can show, and had to project every vertex itself. Simplifying the areas one
by one would open gaps and slivers between neighbours; simplifying them as a coverage keeps every
shared edge shared.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import Transformer

from jin_hub.api.replies import GZIP_LEVEL
from jin_hub.geography import BNG, feature, feature_collection

#: Levels: metres of simplification (about the size of the detail dropped) -> decimals of lon/lat
#: kept (4 is about 10 m, 5 about 1 m). 0 is the areas as loaded, as OGC API clients get them.
LEVELS: dict[int, int] = {1000: 4, 250: 4, 50: 5, 0: 6}
#: Metres in a degree of latitude: a level's tolerance in lon/lat.
METRES_PER_DEGREE = 111_320
#: Web map pixels: the equator's length in metres over a zoom-0 world of one 512-pixel tile (as
#: MapLibre draws it), at the latitude of the middle of England and Wales.
EQUATOR = 40_075_016.686
TILE = 512
LATITUDE = 52.5


def level(simplify: float | None = None, zoom: float | None = None) -> int:
    """The coarsest level within ``simplify`` metres, or within a pixel of a web map at ``zoom``."""
    if zoom is not None:
        simplify = EQUATOR * math.cos(math.radians(LATITUDE)) / (TILE * 2 ** zoom)
    return max(m for m in LEVELS if m <= (simplify or 0))


def finer(metres: int) -> int | None:
    """The level after ``metres`` in detail, if a simplified one (0, full detail, costs nothing to make)."""
    return max((m for m in LEVELS if 0 < m < metres), default=None)


def coverage(wkb: Sequence[bytes], metres: int) -> np.ndarray:
    """Areas (EPSG:27700 WKB) in lon/lat at level ``metres`` (not 0).

    Rounded to the level's decimals first, then cleaned into a coverage (rounding, or the source
    itself, can leave neighbours overlapping or not quite meeting), then simplified as one: that
    only drops vertices, so what is left stays on the rounded grid and a valid coverage.
    """
    to_crs84 = Transformer.from_crs(BNG, "OGC:CRS84", always_xy=True)
    decimals = LEVELS[metres]
    areas = shapely.transform(shapely.from_wkb(wkb),
                              lambda xy: np.round(np.column_stack(to_crs84.transform(xy[:, 0], xy[:, 1])), decimals))
    cleaned = shapely.coverage_clean(areas, snapping_distance=0)
    return shapely.coverage_simplify(cleaned, metres / METRES_PER_DEGREE)


def collection(rows: Sequence[tuple], metres: int) -> bytes:
    """A FeatureCollection (CRS84) of ``rows`` (code, name, district code, district name, EPSG:27700
    WKB, CRS84 GeoJSON geometry) at level ``metres``, naming its level and the hub's levels."""
    geometry = ([r[5] for r in rows] if metres == 0
                else shapely.to_geojson(coverage([r[4] for r in rows], metres)))
    levels = ",".join(map(str, sorted(LEVELS, reverse=True)))
    return feature_collection([feature(*r[:4], g) for r, g in zip(rows, geometry)],
                              extra=f',"simplified_m":{metres},"levels_m":[{levels}]')


def packed(rows: Sequence[tuple]) -> list[tuple[int, bytes]]:
    """Every simplified level of ``rows`` (as ``collection`` takes them), gzipped: made when the
    boundaries are loaded and kept in the hub database, so no hub process simplifies a country
    (seconds a level) for its first web map after it starts."""
    return [(metres, gzip.compress(collection(rows, metres), compresslevel=GZIP_LEVEL, mtime=0))
            for metres in sorted(LEVELS, reverse=True) if metres]
