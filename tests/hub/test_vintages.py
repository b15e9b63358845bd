"""2011 and 2021 census geography in one hub: the real ONS boundaries of both vintages load through
the admin CLI, nest only within their own family, and LSOA codes of either vintage convert to the
hub's LSOAs by the real ONS lookup (by location where an area was split)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from jin_hub import backends, db, geography, nesting, vintages, zones
from tests.conftest import BOUNDARIES, REALDATA, snapshot_db
from tests.hub.test_cli import jin_hub
from tests.hub_locator import new_hub

if not REALDATA.is_dir():
    pytest.skip(f"no real data at {REALDATA}: set JIN_REALDATA", allow_module_level=True)

REAL = REALDATA
LOOKUP = REAL / "lookups" / "lsoa11_lsoa21_ltla22_nottinghamshire.csv"
#: Each real boundary file, the geography it is loaded as, and its number of areas.
FILES = [("lsoa21_nottinghamshire.geojson", "lsoa21", 684), ("msoa21_nottinghamshire.geojson", "msoa21", 137),
         ("wards21_nottinghamshire.geojson", "ward21", 189), ("ltla21_nottinghamshire.geojson", "district", 8),
         ("msoa11_nottinghamshire.geojson", "msoa", 138)]


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Path:
    """A fresh hub with the real 2021 boundaries, the 2011 LSOAs and MSOAs, and the real lookup, all
    loaded as an admin loads them."""
    path = new_hub(tmp_path_factory.mktemp("vintages") / "hub.sqlite")
    for name, geo, n in FILES:
        out = jin_hub("--db", str(path), "load-boundaries", str(REAL / "boundaries" / name), "--geography", geo)
        assert out.returncode == 0 and f"loaded {n} {geo} areas" in out.stdout, out.stderr
    assert jin_hub("--db", str(path), "load-boundaries", str(BOUNDARIES)).returncode == 0
    out = jin_hub("--db", str(path), "load-lookup", str(LOOKUP))
    assert out.returncode == 0, out.stderr
    assert "loaded 690 LSOA 2011 -> 2021 links (658 unchanged, 20 split, 12 merged" in out.stdout
    return path


@pytest.fixture(scope="module")
def conn(hub) -> backends.Connection:
    return db.connect(hub)


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    """The real lookup, read here independently of the hub."""
    return pd.read_csv(LOOKUP, dtype=str)


def points(conn: backends.Connection, geo: str, codes) -> tuple[np.ndarray, np.ndarray]:
    """Representative points (British National Grid) of real areas."""
    wkb = [conn.execute("SELECT geom_wkb FROM areas WHERE geography = ? AND area_code = ?", (geo, c)).fetchone()[0]
           for c in codes]
    pts = shapely.point_on_surface(shapely.from_wkb(wkb))
    return shapely.get_x(pts), shapely.get_y(pts)


def convert(conn, target: str, codes, x=None, y=None, converter=None):
    codes = np.array(codes, dtype=object)
    x = np.full(len(codes), np.nan) if x is None else np.asarray(x, dtype=float)
    y = np.full(len(codes), np.nan) if y is None else np.asarray(y, dtype=float)
    converter = converter or vintages.Converter.from_db(conn, target)
    return converter.convert(codes, x, y, geography.AreaIndex.from_db(conn, target))


# ---- geography ids and families ------------------------------------------------------------------
def test_ids_levels_and_families():
    assert [nesting.level(g) for g in ("lsoa21", "msoa21", "ward21", "lsoa", "district")] == \
        ["lsoa", "msoa", "ward", "lsoa", "district"]
    assert nesting.family("lsoa21") == "2021" and nesting.family("oa") == "2011"
    assert nesting.families("district") == ("2011", "2021")
    assert nesting.rank("lsoa21") == nesting.rank("lsoa") < nesting.rank("msoa21") < nesting.rank("district")
    with pytest.raises(KeyError, match="unknown geography 'lsoa22'"):
        nesting.level("lsoa22")


def test_each_family_nests_within_itself_only(conn):
    pairs = {(c, p): bool(n) for c, p, n in conn.execute("SELECT child, parent, nested FROM geography_pairs")}
    assert pairs[("lsoa21", "msoa21")] and pairs[("lsoa21", "district")] and pairs[("msoa21", "district")]
    assert pairs[("lsoa", "msoa")] and pairs[("lsoa", "district")]
    assert not pairs[("lsoa21", "ward21")] and not pairs[("msoa21", "ward21")]        # wards cut across them
    assert all(set(nesting.families(c)) & set(nesting.families(p)) for c, p in pairs)   # never 2011 with 2021
    assert nesting.finest(conn) == "lsoa" and nesting.finest(conn, "2021") == "lsoa21"
    maps = nesting.nested_maps(conn, "2021")
    assert set(maps) == {("lsoa21", "msoa21"), ("lsoa21", "district"), ("msoa21", "district"), ("ward21", "district")}
    assert len(maps[("lsoa21", "msoa21")]) == 684 and set(maps[("lsoa21", "msoa21")].values()) <= {
        c for (c,) in conn.execute("SELECT area_code FROM areas WHERE geography = 'msoa21'")}
    assert ("lsoa", "msoa") in nesting.nested_maps(conn, "2011")
    assert not any({"lsoa21", "msoa21"} & set(pair) for pair in nesting.nested_maps(conn, "2011"))
    assert set(nesting.nested_maps(conn)) == set(maps) | set(nesting.nested_maps(conn, "2011"))


def test_record_view_and_zones_know_both_families(conn, links):
    columns = {d[0] for d in conn.execute("SELECT * FROM record_areas LIMIT 0").description}
    assert {"lsoa_code", "lsoa21_code", "msoa21_code", "ward21_code", "district_code"} <= columns
    listed = {z["id"]: z for z in zones.listing(conn)}
    ward = next(z for z in listed.values() if z["geography"] == "ward21")
    assert ward["kind"] == "ward" and ward["id"].startswith("ward21-")
    district = listed["district-e06000018"]                             # Nottingham
    city = links[links["ltla22_code"] == "E06000018"]
    for geo, column in (("lsoa21", "lsoa21_code"), ("lsoa", "lsoa11_code")):
        found = zones.members(conn, district, geo)
        assert len(found ^ set(city[column])) <= 3, geo         # super-generalised boundaries misplace a few
    with pytest.raises(zones.ZoneError, match="nest inside them, not lsoa21"):
        zones.members(conn, ward, "lsoa21")


def test_boundary_files_of_the_wrong_vintage_are_refused(tmp_path):
    with pytest.raises(geography.BoundaryError, match=r"holds 2011 areas \(LSOA11CD\) but geography 'lsoa21' is "
                                                      "the 2021 one: load it with --geography lsoa$"):
        geography.read_boundary_file(BOUNDARIES, "lsoa21")
    with pytest.raises(geography.BoundaryError, match="geography 'msoa' is the 2011 one: load it with --geography "
                                                      "msoa21"):
        geography.read_boundary_file(REAL / "boundaries" / "msoa21_nottinghamshire.geojson", "msoa")
    out = jin_hub("--db", str(new_hub(tmp_path / "h.sqlite")), "load-boundaries",
                  str(REAL / "boundaries" / "msoa11_nottinghamshire.geojson"), "--geography", "msoa21")
    assert out.returncode == 2 and "--geography msoa" in out.stderr


def test_a_boundary_file_without_names_uses_the_codes(tmp_path):
    import pyogrio

    frame = pyogrio.read_dataframe(REAL / "boundaries" / "msoa21_nottinghamshire.geojson")
    bare = tmp_path / "msoa21_codes_only.geojson"
    pyogrio.write_dataframe(frame.drop(columns="msoa21_name"), bare)
    read = geography.read_boundary_file(bare, "msoa21")
    assert len(read.codes) == 137 and list(read.names) == list(read.codes)


# ---- the lookup ------------------------------------------------------------------------------
def test_bad_lookups_are_refused_and_change_nothing(hub, links, tmp_path):
    path = snapshot_db(hub, tmp_path / "hub.sqlite")

    def stored():
        return db.connect(path).execute("SELECT * FROM lsoa_changes ORDER BY 1, 2").fetchall()

    before = stored()
    assert len(before) == 690
    unknown = links.copy()
    unknown.loc[unknown["change_code"] == "S", "change_code"] = "Q"
    partial = links[~links["ltla22_code"].eq("E07000170")]                # without Ashfield
    cases = {"unknown change code(s) 'Q' (use U, S, M or X)": unknown,
             "has no column change_code or CHGIND": links.drop(columns="change_code"),
             "does not cover 74 of the loaded lsoa areas": partial}
    for message, frame in cases.items():
        bad = tmp_path / "lookup.csv"
        frame.to_csv(bad, index=False)
        out = jin_hub("--db", str(path), "load-lookup", str(bad))
        assert out.returncode == 2 and message in out.stderr, out.stderr
        assert stored() == before
    out = jin_hub("--db", str(path), "load-lookup", str(tmp_path / "absent.csv"))
    assert out.returncode == 2 and "not found: check the path" in out.stderr


def test_the_ons_column_names_are_read_too(tmp_path, links):
    ons = links.rename(columns={"lsoa11_code": "LSOA11CD", "lsoa21_code": "LSOA21CD", "change_code": "CHGIND"})
    ons.to_csv(tmp_path / "ons.csv", index=False, encoding="utf-8-sig")
    read = vintages.read_lookup(tmp_path / "ons.csv")
    assert len(read) == 690 and read["change"].value_counts().to_dict() == {"U": 658, "S": 20, "M": 12}


# ---- conversion ------------------------------------------------------------------------------
def test_every_route_to_lsoa21_on_real_codes(conn, links):
    unchanged = links.loc[links["change_code"] == "U", "lsoa11_code"].iloc[:3].tolist()
    merged = links[links["change_code"] == "M"]
    new = sorted(set(links["lsoa21_code"]) - set(links["lsoa11_code"]))[:2]           # 2021-only codes
    out, route, reason = convert(conn, "lsoa21", [*unchanged, *merged["lsoa11_code"], *new])
    assert list(route) == ["unchanged"] * 3 + ["merged"] * len(merged) + ["same vintage"] * 2
    assert list(out) == [*unchanged, *merged["lsoa21_code"], *new] and not any(reason)

    split = links[links["change_code"] == "S"]                            # every successor of every split
    x, y = points(conn, "lsoa21", split["lsoa21_code"])
    out, route, reason = convert(conn, "lsoa21", split["lsoa11_code"], x, y)
    assert list(out) == list(split["lsoa21_code"]) and set(route) == {"split by location"} and not any(reason)
    out, route, reason = convert(conn, "lsoa21", split["lsoa11_code"])                 # no location
    assert not any(out) and set(route) == {"quarantined"}
    assert set(reason) == {"LSOA 2011 code split in 2021 and the row has no location"}


def test_a_split_code_is_placed_only_in_its_successors(conn, links):
    code = "E01027931"                                                        # Ashfield 013B, split in three
    successors = sorted(links.loc[links["lsoa11_code"] == code, "lsoa21_code"])
    assert len(successors) == 3
    wkb = [w for (w,) in conn.execute("SELECT geom_wkb FROM areas WHERE geography = 'lsoa21' AND area_code IN "
                                      f"({','.join('?' * 3)})", successors)]
    union = shapely.union_all(shapely.from_wkb(wkb))
    away = shapely.get_point(shapely.get_exterior_ring(max(shapely.get_parts(union.buffer(10)), key=lambda g: g.area)),
                             0)                                       # 10 m outside: quarantined
    near = shapely.get_point(shapely.get_exterior_ring(max(shapely.get_parts(union.buffer(1)), key=lambda g: g.area)),
                             0)                                       # 1 m outside: the nearest successor
    elsewhere = points(conn, "lsoa21", ["E01013810"])                         # Nottingham 018A: not a successor
    x = [near.x, away.x, elsewhere[0][0]]
    y = [near.y, away.y, elsewhere[1][0]]
    out, route, reason = convert(conn, "lsoa21", [code] * 3, x, y)
    assert out[0] in successors and route[0] == "split by location" and reason[0] is None
    assert list(out[1:]) == [None, None] and list(route[1:]) == ["quarantined"] * 2
    assert set(reason[1:]) == {"location in none of the LSOA 2021 areas its LSOA 2011 code maps to"}
    wide = vintages.Converter.from_db(conn, "lsoa21", snap=20.0)        # generalised boundaries: a wider margin
    assert convert(conn, "lsoa21", [code], x[1:2], y[1:2], converter=wide)[0][0] in successors


def test_every_route_to_lsoa_2011(conn, links):
    merged_into = links[links["change_code"] == "M"]                        # a 2021 code made of several 2011
    x, y = points(conn, "lsoa", merged_into["lsoa11_code"])
    out, route, reason = convert(conn, "lsoa", merged_into["lsoa21_code"], x, y)
    assert list(out) == list(merged_into["lsoa11_code"]) and set(route) == {"split by location"}
    split = links[links["change_code"] == "S"]                              # each successor has one 2011 area
    out, route, _ = convert(conn, "lsoa", [*split["lsoa21_code"], *split["lsoa11_code"][:1], "E01013810"])
    assert list(out) == [*split["lsoa11_code"], split["lsoa11_code"].iloc[0], "E01013810"]
    assert list(route) == ["merged"] * len(split) + ["same vintage", "unchanged"]
    out, route, reason = convert(conn, "lsoa", merged_into["lsoa21_code"][:1])
    assert reason[0] == "LSOA 2021 code split in 2011 and the row has no location"


def test_redrawn_areas_go_by_location(hub, links, tmp_path):
    path = snapshot_db(hub, tmp_path / "hub.sqlite")
    redrawn = links.copy()
    redrawn.loc[redrawn["lsoa11_code"] == "E01028314", "change_code"] = "X"         # Newark and Sherwood 002B
    redrawn.to_csv(tmp_path / "redrawn.csv", index=False)
    conn = db.connect(path)
    vintages.load_lookup(conn, tmp_path / "redrawn.csv")
    successors = redrawn.loc[redrawn["lsoa11_code"] == "E01028314", "lsoa21_code"]
    x, y = points(conn, "lsoa21", successors)
    out, route, _ = convert(conn, "lsoa21", ["E01028314"] * len(successors), x, y)
    assert list(out) == list(successors) and set(route) == {"redrawn by location"}
    assert convert(conn, "lsoa21", ["E01028314"])[2][0] == "LSOA 2011 code redrawn in 2021 and the row has no location"


def test_unreadable_missing_and_cross_border_codes(conn):
    police = pd.read_csv(REAL / "police_uk" / "2023-01-nottinghamshire-street.csv.gz", dtype=str)
    outside = sorted(set(police["LSOA code"].dropna()) - {c for (c,) in conn.execute(
        "SELECT area_code FROM areas WHERE geography IN ('lsoa', 'lsoa21')")})[:2]         # real cross-border codes
    assert len(outside) == 2
    out, route, reason = convert(conn, "lsoa21", [*outside, "E0101381", "N/A", None, np.nan, " e01013810 "])
    assert list(reason[:6]) == ["area code outside the hub's areas (cross-border)"] * 2 + \
        ["unreadable area code"] * 2 + ["no area code"] * 2
    assert not any(out[:6]) and set(route[:6]) == {"quarantined"}
    assert out[6] == "E01013810" and route[6] == "unchanged"


def test_a_quarter_of_a_million_real_rows_convert_fast(conn):
    from pyproj import Transformer

    crimes = pd.concat([pd.read_csv(f, usecols=["LSOA code", "Longitude", "Latitude"])
                        for f in sorted((REAL / "police_uk").glob("*-street.csv.gz"))], ignore_index=True)
    x, y = Transformer.from_crs(4326, 27700, always_xy=True).transform(crimes["Longitude"].to_numpy(),
                                                                       crimes["Latitude"].to_numpy())
    codes = crimes["LSOA code"].to_numpy(dtype=object)
    converter = vintages.Converter.from_db(conn, "lsoa21")
    areas = geography.AreaIndex.from_db(conn, "lsoa21")
    start = time.perf_counter()
    out, route, reason = converter.convert(codes, x, y, areas)
    took = time.perf_counter() - start
    assert len(codes) == 258_417 and took < 0.5, took
    assert ((out == None) == (reason != None)).all() and ((route == "quarantined") == (out == None)).all()  # noqa: E711
    counts = pd.Series(route).value_counts()
    assert counts["merged"] > 0 and counts["split by location"] > 0 and counts["same vintage"] > 0
    assert pd.Series(reason).value_counts()["no area code"] == 2_020
