"""The demo's output areas: real ONS OA codes in their real LSOAs, on shapes that tile each LSOA.

Census OA tables join to JiN's OA layers by code, so every code must be a real one, in the LSOA
ONS puts it in; the shapes are approximate, but they must still cover their LSOA exactly once.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest
import shapely

from jin_hub import db
from jin_hub.demo.boundaries import FILES
from tests.conftest import REALDATA as REAL

LOOKUP = REAL / "lookups" / "oa11_lsoa11_msoa11_lad17_nottinghamshire.csv"


def features(geography: str) -> list[dict]:
    return json.loads(FILES[geography].read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def oas() -> pd.DataFrame:
    """The committed OA file: one row per feature, with its geometry."""
    feats = features("oa")
    frame = pd.DataFrame([f["properties"] for f in feats])
    return frame.assign(geometry=[shapely.geometry.shape(f["geometry"]) for f in feats])


@pytest.fixture(scope="module")
def lookup() -> pd.DataFrame:
    """ONS's OA (2011) → LSOA lookup for Nottinghamshire."""
    if not LOOKUP.is_file():
        pytest.skip(f"the shared real data is not beside the repository ({LOOKUP}); set JIN_REALDATA")
    return pd.read_csv(LOOKUP, dtype=str, usecols=["OA11CD", "LSOA11CD"])


def test_every_oa_code_is_a_real_ons_code_in_its_lsoa(oas, lookup):
    assert oas["OA11CD"].is_unique
    unknown = sorted(set(oas["OA11CD"]) - set(lookup["OA11CD"]))
    assert not unknown, f"{len(unknown)} OA codes are not in ONS's lookup, e.g. {unknown[:5]}"
    missing = sorted(set(lookup["OA11CD"]) - set(oas["OA11CD"]))
    assert not missing, f"{len(missing)} real OAs have no area, e.g. {missing[:5]}"
    real_lsoa = dict(zip(lookup["OA11CD"], lookup["LSOA11CD"]))
    wrong = [(oa, lsoa) for oa, lsoa in zip(oas["OA11CD"], oas["LSOA11CD"]) if real_lsoa[oa] != lsoa]
    assert not wrong, f"OAs placed in the wrong LSOA: {wrong[:5]}"


def test_each_lsoa_has_as_many_oas_as_ons_says(oas, lookup):
    lsoas = {f["properties"]["LSOA11CD"] for f in features("lsoa")}
    ours, theirs = Counter(oas["LSOA11CD"]), Counter(lookup["LSOA11CD"])
    assert set(ours) == lsoas == set(theirs)
    differ = {code: (ours[code], theirs[code]) for code in lsoas if ours[code] != theirs[code]}
    assert not differ, f"OA counts (file, ONS) differ: {dict(list(differ.items())[:5])}"


def test_oas_tile_their_lsoa(oas):
    lsoas = {f["properties"]["LSOA11CD"]: shapely.geometry.shape(f["geometry"]) for f in features("lsoa")}
    geoms = oas["geometry"].to_numpy()
    assert shapely.is_valid(geoms).all()
    assert (shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON).all(), "each OA is one polygon"
    compact = 4 * np.pi * shapely.area(geoms) / shapely.length(geoms) ** 2
    assert compact.min() > 0.1, f"a sliver OA: {oas['OA11CD'][compact.argmin()]}"
    parts: dict[str, list] = defaultdict(list)
    for code, geom in zip(oas["LSOA11CD"], geoms):
        parts[code].append(geom)
    for code, lsoa in lsoas.items():
        pieces = np.array(parts[code], dtype=object)
        assert abs(shapely.area(pieces).sum() - lsoa.area) < 0.001 * lsoa.area, f"{code}: OAs' area ≠ LSOA's"
        assert shapely.symmetric_difference(shapely.union_all(pieces), lsoa).area < 0.001 * lsoa.area, \
            f"{code}: OAs do not cover exactly their LSOA"
        areas = shapely.area(pieces)
        assert areas.max() < 1.01 * areas.min(), f"{code}: OAs of unequal area"


def test_hub_nests_oa_in_lsoa_in_msoa_in_district(hub_db_path, oas):
    conn = db.connect(hub_db_path)
    nested = dict(conn.execute("SELECT child || '>' || parent, nested FROM geography_pairs"))
    assert [nested[pair] for pair in ("oa>lsoa", "lsoa>msoa", "msoa>district", "oa>district")] == [1, 1, 1, 1]
    placed = dict(conn.execute("SELECT child_code, parent_code FROM nesting WHERE child = 'oa' AND parent = 'lsoa'"))
    assert placed == dict(zip(oas["OA11CD"], oas["LSOA11CD"]))
