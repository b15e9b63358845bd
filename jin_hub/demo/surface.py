"""The shared synthetic geography of the demo: LSOA polygons, population and a deprivation surface.

Every synthetic dataset draws its per-area rates from the same spatially clustered deprivation
surface, so that the cross-dataset comparisons have real structure to find (with noise, and with
areas where the relationship does not hold).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

BOUNDARIES = Path(__file__).resolve().parents[2] / "resources/boundaries/nottinghamshire_lsoa11.geojson"

#: Centres (BNG metres) of deprivation clusters: (easting, northing, spread m, weight).
#: Loosely the places a Nottinghamshire analyst would name; synthetic, not IMD.
DEPRIVATION_CENTRES = [
    (458200, 341000, 2500, 1.0),   # St Ann's / Sneinton
    (453600, 345600, 2200, 0.9),   # Bulwell
    (455200, 337000, 2000, 0.7),   # Meadows / Radford
    (453500, 361000, 3000, 0.8),   # Mansfield
    (449300, 358600, 2500, 0.7),   # Sutton-in-Ashfield
    (458600, 379300, 2500, 0.6),   # Worksop
    (479900, 354000, 2000, 0.4),   # Newark
]
#: Night-time economy: crime beyond what deprivation explains.
CITY_CENTRE = (457300, 339900, 1200)


@dataclass(frozen=True)
class Areas:
    """LSOAs as parallel arrays: codes, names, district names, shapely polygons, centroids."""

    codes: np.ndarray
    names: np.ndarray
    districts: np.ndarray
    geoms: np.ndarray
    cx: np.ndarray
    cy: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)


def load_areas(path: Path = BOUNDARIES) -> Areas:
    """Read the demo LSOA boundaries (EPSG:27700 GeoJSON)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    feats = data["features"]
    geoms = np.array([shapely.geometry.shape(f["geometry"]) for f in feats], dtype=object)
    cent = shapely.centroid(geoms)
    return Areas(
        codes=np.array([f["properties"]["LSOA11CD"] for f in feats]),
        names=np.array([f["properties"]["LSOA11NM"] for f in feats]),
        districts=np.array([f["properties"]["LAD11NM"] for f in feats]),
        geoms=geoms,
        cx=shapely.get_x(cent),
        cy=shapely.get_y(cent),
    )


def gaussian(cx: np.ndarray, cy: np.ndarray, x: float, y: float, spread: float) -> np.ndarray:
    """Isotropic Gaussian kernel value at the area centroids."""
    return np.exp(-((cx - x) ** 2 + (cy - y) ** 2) / (2.0 * spread**2))


def deprivation(areas: Areas, rng: np.random.Generator) -> np.ndarray:
    """Spatially clustered deprivation score in [0, 1] per area (kernels + smoothed noise)."""
    score = np.zeros(len(areas))
    for x, y, spread, weight in DEPRIVATION_CENTRES:
        score += weight * gaussian(areas.cx, areas.cy, x, y, spread)
    score = score + 0.35 * smooth_noise(areas, rng)
    score -= score.min()
    return score / score.max()


def smooth_noise(areas: Areas, rng: np.random.Generator, spread: float = 3000.0) -> np.ndarray:
    """Gaussian-smoothed random field in [-1, 1]: neighbours resemble each other."""
    raw = rng.normal(0.0, 1.0, len(areas))
    d2 = (areas.cx[:, None] - areas.cx[None, :]) ** 2 + (areas.cy[:, None] - areas.cy[None, :]) ** 2
    kernel = np.exp(-d2 / (2.0 * spread**2))
    smooth = kernel @ raw / kernel.sum(axis=1)
    return smooth / (np.abs(smooth).max() + 1e-12)


def population(areas: Areas, rng: np.random.Generator) -> np.ndarray:
    """Synthetic resident population per LSOA (ONS LSOAs hold roughly 1,000–3,000 people)."""
    return rng.integers(1000, 3000, len(areas))


def sample_points(areas: Areas, counts: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Uniform random points inside each area: ``counts[i]`` points in area ``i``.

    Returns (x, y, area_index). Rejection sampling on each polygon's bounding box, vectorised
    per area with ``shapely.contains_xy``.
    """
    xs, ys, idx = [], [], []
    bounds = shapely.bounds(areas.geoms)
    for i in np.flatnonzero(counts):
        need = int(counts[i])
        minx, miny, maxx, maxy = bounds[i]
        got_x: list[np.ndarray] = []
        got_y: list[np.ndarray] = []
        have = 0
        while have < need:
            n = max(64, 3 * (need - have))
            px = rng.uniform(minx, maxx, n)
            py = rng.uniform(miny, maxy, n)
            inside = shapely.contains_xy(areas.geoms[i], px, py)
            got_x.append(px[inside])
            got_y.append(py[inside])
            have += int(inside.sum())
        xs.append(np.concatenate(got_x)[:need])
        ys.append(np.concatenate(got_y)[:need])
        idx.append(np.full(need, i))
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(idx)


@dataclass(frozen=True)
class Surface:
    """Everything the four synthetic datasets share, drawn once per seed.

    ``youth`` is the propensity for youth disorder that drives truancy, criminal damage and minor
    arson together: it follows deprivation except in a few ``decoupled`` clusters, where it is
    independent of it (so the comparisons also have areas where the relationship fails).
    """

    areas: Areas
    deprivation: np.ndarray
    population: np.ndarray
    youth: np.ndarray
    night: np.ndarray
    decoupled: np.ndarray

    def __len__(self) -> int:
        return len(self.areas)


def build_surface(areas: Areas, seed: int) -> Surface:
    """The shared surface for ``seed`` (its own generator, so every dataset sees the same one)."""
    rng = np.random.default_rng([seed, 2011])
    dep = deprivation(areas, rng)
    pop = population(areas, rng)
    youth = np.clip(dep * (1.0 + 0.3 * smooth_noise(areas, rng, 2000.0)), 0.0, None)
    decoupled = np.zeros(len(areas), dtype=bool)
    for i in rng.choice(len(areas), 3, replace=False):
        decoupled |= gaussian(areas.cx, areas.cy, areas.cx[i], areas.cy[i], 1500.0) > 0.5
    youth[decoupled] = rng.uniform(0.0, 1.0, int(decoupled.sum()))
    x, y, spread = CITY_CENTRE
    night = 1.0 + 6.0 * gaussian(areas.cx, areas.cy, x, y, spread)
    return Surface(areas, dep, pop, youth / youth.max(), night, decoupled)
