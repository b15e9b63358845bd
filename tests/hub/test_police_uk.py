"""The real police.uk files for Nottinghamshire (24 months), ingested as a hub administrator does
it, checked against an independent count of the raw files made here with pandas and shapely.

The independent count applies the published rules itself (a crime re-published under the same
Crime ID counted once; an area by its LSOA code, converted where the 2021 census changed it, and
by the point only where there is no code), never the hub's code.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from jin_hub import cli, db, reference
from jin_hub.demo import realdata
from jin_hub.ingest import registry
from jin_hub.ingest.cellkey import MAX_NOISE
from jin_hub.ingest.pipeline import ingest
from jin_hub.store import Store
from tests.conftest import snapshot_db

pytestmark = pytest.mark.skipif(not realdata.available(), reason=f"no real data at {realdata.folder()}: set "
                                                                 "JIN_REALDATA")
REAL = realdata.folder()
ASB = "Anti-social behaviour"
SNAP = 250.0          # the hub's CANDIDATE_METRES: how far a split area's point may lie outside


@pytest.fixture(scope="module")
def hub(police_uk_db_path) -> Path:
    return police_uk_db_path


@pytest.fixture(scope="module")
def reports(hub) -> dict[str, dict]:
    conn = db.connect(hub)
    return {d: json.loads(r) for d, r in conn.execute(
        "SELECT r.dataset, r.report FROM datasets d JOIN releases r ON r.id = d.current_release")}


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """Every row of every file, with its file."""
    files = sorted((REAL / "police_uk").glob("*-street.csv.gz"))
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False).assign(file=f.name) for f in files],
                     ignore_index=True)


def test_every_file_reconciles(reports, raw):
    """Rows in = accepted + quarantined (+ the other dataset's), per file and in total."""
    crime, asb = reports["police_uk_crime"], reports["police_uk_asb"]
    assert crime["input_rows"] == asb["input_rows"] == len(raw) == 258_417
    per_file = raw.groupby("file").size()
    asb_rows = raw[raw["Crime type"] == ASB].groupby("file").size()
    assert set(crime["files"]) == set(per_file.index) and len(per_file) == 24
    for name, rows in per_file.items():
        c, a = crime["files"][name], asb["files"][name]
        assert c["rows"] == a["rows"] == rows
        assert c["accepted"] + c["quarantined"] + c["filtered_out"] == rows
        assert c["filtered_out"] == a["accepted"] + a["quarantined"] == asb_rows[name]
        assert sum(c["quarantine_reasons"].values()) == c["quarantined"]
    for report in (crime, asb):
        assert report["accepted"] + report["quarantined"] + report["filtered_out"]["rows"] == len(raw)
        assert sum(report["quarantine_reasons"].values()) == report["quarantined"]
        assert sum(report["placement"]["routes"].values()) == report["accepted"]


def independent(raw: pd.DataFrame, crime: bool) -> pd.DataFrame:
    """The rows of one dataset with their LSOA 2021 (None where they cannot be placed) and why."""
    rows = raw[(raw["Crime type"] != ASB) if crime else (raw["Crime type"] == ASB)].copy()
    has_id = rows["Crime ID"] != ""
    rows["why"] = np.where(has_id & rows["Crime ID"].duplicated() & has_id, "duplicate Crime ID", None)
    areas = pd.DataFrame([f["properties"] for f in json.loads(
        (REAL / "boundaries" / "lsoa21_nottinghamshire.geojson").read_text())["features"]])
    shapes = dict(zip(areas["lsoa21_code"], shapely.from_geojson([json.dumps(f["geometry"]) for f in json.loads(
        (REAL / "boundaries" / "lsoa21_nottinghamshire.geojson").read_text())["features"]])))
    links = pd.read_csv(REAL / "lookups" / "lsoa11_lsoa21_ltla22_nottinghamshire.csv", dtype=str)
    to21 = links.groupby("lsoa11_code")["lsoa21_code"].agg(list)

    def area(code: str, lon: str, lat: str) -> tuple[str | None, str | None]:
        if not code:
            if not lon:
                return None, "no location"
            point = shapely.Point(float(lon), float(lat))
            inside = sorted(c for c, s in shapes.items() if s.covers(point))
            return (inside[0], None) if inside else (None, "outside")
        if code in shapes:
            return code, None
        targets = [t for t in to21.get(code, []) if t in shapes]
        if not targets:
            return None, "cross-border"
        if len(targets) == 1:
            return targets[0], None
        if not lon:
            return None, "split, no location"
        point = shapely.Point(float(lon), float(lat))
        return min(targets, key=lambda t: (shapes[t].distance(point), t)), None
    placed = [area(*v) for v in rows[["LSOA code", "Longitude", "Latitude"]].itertuples(index=False)]
    rows["lsoa21"] = [p[0] for p in placed]
    rows["why"] = rows["why"].where(rows["why"].notna(), [p[1] for p in placed])
    return rows


@pytest.mark.parametrize("dataset, crime", [("police_uk_crime", True), ("police_uk_asb", False)])
def test_every_lsoa_count_matches_an_independent_count(hub, reports, raw, dataset, crime):
    """Records per LSOA and month equal the independent count exactly; each published count is
    within the cell-key noise of it, or withheld."""
    mine = independent(raw, crime)
    kept = mine[mine["why"].isna() & mine["lsoa21"].notna()]
    # the hub tests points in British National Grid, this test in WGS84: a point within a metre of
    # an edge may tip either way, so a handful of cells may differ (the totals may not)
    expected = kept.groupby(["lsoa21", "Month"]).size()
    conn = db.connect(hub)
    release = conn.execute("SELECT current_release FROM datasets WHERE id = ?", (dataset,)).fetchone()[0]
    (no,) = conn.execute("SELECT no FROM releases WHERE id = ?", (release,)).fetchone()
    records = conn.frame("SELECT area_code, period FROM records WHERE id >> 32 = ?", (no,))
    got = records.groupby(["area_code", "period"]).size()
    assert got.sum() == len(kept) == reports[dataset]["accepted"]
    diff = got.sub(expected, fill_value=0)
    assert (diff != 0).sum() <= 0.001 * len(expected), diff[diff != 0].head()
    published = conn.frame(
        "SELECT area_code, period, count FROM aggregates WHERE release_id = ? AND geography = 'lsoa21' AND "
        "category = 'all' AND length(period) = 7", (release,)).set_index(["area_code", "period"])
    true = got.reindex(published.index).fillna(0)
    shown = published["count"].notna()
    assert shown.sum() > 1000                           # the rest withheld by disclosure control
    assert (np.abs(published["count"][shown] - true[shown]) <= MAX_NOISE).all()
    assert (published.loc[~shown].index.isin(got.index)).all()     # withheld: a real count, never a zero


def test_quarantine_reasons_match_the_raw_files(reports, raw):
    for dataset, crime in (("police_uk_crime", True), ("police_uk_asb", False)):
        mine = independent(raw, crime)["why"].value_counts()
        reasons = reports[dataset]["quarantine_reasons"]
        assert reasons.get("no location: neither coordinates nor an area code", 0) == mine.get("no location", 0)
        assert reasons.get("area code outside the hub's areas", 0) == mine.get("cross-border", 0)
        assert reasons.get("duplicate Crime ID", 0) == mine.get("duplicate Crime ID", 0)
    assert reports["police_uk_crime"]["quarantine_reasons"]["duplicate Crime ID"] == 730
    asb = raw[raw["Crime type"] == ASB]
    assert asb.duplicated(subset=[c for c in asb.columns if c != "file"]).sum() > 0   # alike, yet not duplicates
    assert "duplicate Crime ID" not in reports["police_uk_asb"]["quarantine_reasons"]


def test_vintage_routes_are_counted(reports, raw):
    """2011-only codes of early 2023 go through the lookup: merged areas directly, split ones by
    their point; the report says how many took each route and how placing by point would differ."""
    routes = reports["police_uk_crime"]["placement"]["routes"]
    assert routes["merged"] > 0 and routes["split by location"] > 0 and routes["unchanged"] > 100_000
    links = pd.read_csv(REAL / "lookups" / "lsoa11_lsoa21_ltla22_nottinghamshire.csv", dtype=str)
    old_only = set(links.loc[links["change_code"] != "U", "lsoa11_code"]) - set(links["lsoa21_code"])
    crime = raw[(raw["Crime type"] != ASB) & raw["LSOA code"].isin(old_only)]
    assert routes["merged"] + routes["split by location"] <= len(crime)
    check = reports["police_uk_asb"]["placement"]
    assert 0 < check["rows_whose_point_is_in_another_area"] < check["rows_with_code_and_point"]
    assert check["mean_area_count_difference"] > 0


def test_the_asb_gap_of_september_2024_is_flagged(hub):
    entry = next(d for d in Store(hub).catalogue() if d["id"] == "police_uk_asb")
    flags = entry["release"]["quality_flags"]
    assert [(f["period"], f["category"], f["kind"]) for f in flags] == [("2024-09", "Anti-social behaviour", "low")]
    assert 700 < flags[0]["count"] < 900 and flags[0]["periods"] == ["2024-09", "2024", "L12-2024-12"]


def test_crime_rates_follow_deprivation(hub):
    """Published crime per 1,000 residents and the IMD 2025 crime domain score agree strongly."""
    store = Store(hub)
    entry = next(d for d in store.catalogue() if d["id"] == "police_uk_crime")
    assert entry["rate"]["label"] == "per 1,000 residents (Census 2021)"
    _, _, cells = store.values("police_uk_crime", "lsoa21", "L12-2024-12", "all")
    values = pd.DataFrame([(code, v[2]) for code, v in cells.items()], columns=["area_code", "rate"])
    entry, _, score = reference.values(store.conn, "imd2025", "lsoa21", "Crime_score")   # the hub's reference layer
    assert entry["disclosure"]["method"] == "none"
    values["score"] = values["area_code"].map(score)
    both = values.dropna()
    assert len(both) > 600
    assert both["rate"].rank().corr(both["score"].rank()) > 0.6


@pytest.fixture()
def copy(hub, tmp_path) -> Path:
    """A copy of the real hub a test may ingest into."""
    return snapshot_db(hub, tmp_path / "hub.sqlite")


def month_file(folder: Path, month: str, rows: pd.DataFrame | None = None) -> Path:
    """police.uk's file for ``month`` as downloaded (plain CSV in a YYYY-MM folder), or ``rows``
    of it in its layout."""
    src = REAL / "police_uk" / f"{month}-nottinghamshire-street.csv.gz"
    path = folder / month / f"{month}-nottinghamshire-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if rows is None:
        path.write_bytes(gzip.decompress(src.read_bytes()))
    else:
        rows.to_csv(path, index=False)
    return path


def test_a_download_folder_takes_only_street_files(copy, tmp_path, capsys):
    """police.uk's download layout: the outcomes files beside the street files are left alone."""
    download = tmp_path / "download"
    for month in ("2024-05", "2024-06"):
        month_file(download, month)
        (download / month / f"{month}-nottinghamshire-outcomes.csv").write_text("Crime ID,Month,Outcome type\n"
                                                                               "x,2024-05,Unable to prosecute\n")
    cli.main(["--db", str(copy), "--secret-file", str(tmp_path / "s"), "ingest", "police_uk_asb", str(download),
              "--cutoff", "2024-06"])
    out = capsys.readouterr().out
    assert re.search(r"rows in from 2 files, 2024-05-nottinghamshire-street.csv to "
                     r"2024-06-nottinghamshire-street.csv", out), out
    report = json.loads(db.connect(copy).execute(
        "SELECT report FROM releases r JOIN datasets d ON d.current_release = r.id WHERE d.id = 'police_uk_asb'"
    ).fetchone()[0])
    assert set(report["files"]) == {"2024-05-nottinghamshire-street.csv", "2024-06-nottinghamshire-street.csv"}
    assert {r["period"] for r in report["quality_flags"]} <= {"2024-05", "2024-06"}


def test_another_forces_file_is_refused_and_nothing_changes(copy, tmp_path, raw, capsys):
    """A file whose rows lie outside the hub's areas (here, the Derbyshire rows police.uk files
    under Nottinghamshire) is refused whole, named, and the current release stays."""
    before = db.connect(copy).execute("SELECT current_release FROM datasets ORDER BY id").fetchall()
    inside = {code for (code,) in db.connect(copy).execute("SELECT area_code FROM areas WHERE geography = 'lsoa21'")}
    rows = raw[(raw["Crime ID"] != "") & ~raw["Crime ID"].duplicated()].drop(columns="file")
    old = set(pd.read_csv(REAL / "lookups" / "lsoa11_lsoa21_ltla22_nottinghamshire.csv", dtype=str)["lsoa11_code"])
    elsewhere = rows[(rows["LSOA code"] != "") & ~rows["LSOA code"].isin(inside | old)]
    assert len(elsewhere) > 1000
    good = month_file(tmp_path / "in", "2024-03")
    foreign = month_file(tmp_path / "out", "2024-04", elsewhere.assign(Month="2024-04"))
    with pytest.raises(SystemExit):
        cli.main(["--db", str(copy), "--secret-file", str(tmp_path / "s"), "ingest", "police_uk_crime",
                  str(good), str(foreign)])
    err = capsys.readouterr().err
    assert "2024-04-nottinghamshire-street.csv" in err and "another force's" in err and "Nothing was published" in err
    assert db.connect(copy).execute("SELECT current_release FROM datasets ORDER BY id").fetchall() == before


@pytest.mark.parametrize("make, message", [
    (lambda folder: (folder / "empty").mkdir(), "holds no file matching *-street.csv"),
    (lambda folder: (folder / "2024-01-x-street.csv").write_text("Crime ID,Month\n1,2024-01\n"),
     "missing column(s) Longitude"),
])
def test_bad_sources_are_named(copy, tmp_path, capsys, make, message):
    make(tmp_path)
    target = tmp_path / "empty" if (tmp_path / "empty").exists() else tmp_path / "2024-01-x-street.csv"
    with pytest.raises(SystemExit):
        cli.main(["--db", str(copy), "--secret-file", str(tmp_path / "s"), "ingest", "police_uk_crime", str(target)])
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("file, measure, code, column, total", [
    ("census2011_population_lsoa11_nottinghamshire.csv", "census2011", "LSOA Code", "Persons", 1_091_482),
    ("population_mid2019_lsoa11_nottinghamshire.csv", "mid2019", "lsoa11_code", "total_population", 1_161_124),
])
def test_real_populations_for_2011_areas(tmp_path, hub_db_path, file, measure, code, column, total):
    """Census 2011 (written "1,563") and mid-2019 residents load for the 2011 LSOAs and sum up
    to the county's published totals at every level."""
    path = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    cli.main(["--db", str(path), "load-denominators", str(REAL / "reference" / file), "--measure", measure,
              "--geography", "lsoa", "--code-column", code, "--column", column])
    sums = dict(db.connect(path).execute("SELECT geography, sum(value) FROM denominators WHERE measure = ? "
                                              "GROUP BY geography", (measure,)))
    assert sums == {"lsoa": total, "msoa": total, "district": total}


def test_a_definition_without_a_family_publishes_on_2021_areas(copy, tmp_path):
    """Data from 2021 on defaults to the 2021 areas where they are loaded."""
    text = (registry.SHIPPED / "police_uk_asb.toml").read_text(encoding="utf-8")
    mine = tmp_path / "asb_default.toml"
    mine.write_text(text.replace('id = "police_uk_asb"', 'id = "asb_default"').replace('geography = "2021"\n', ""),
                    encoding="utf-8")
    conn = db.connect(copy)
    schema, _ = registry.add(conn, mine)
    assert schema.policy.family == ""
    result = ingest(conn, "asb_default", REAL / "police_uk" / "2024-06-nottinghamshire-street.csv.gz", b"s" * 32,
                    cutoff="2024-06")
    assert result.report["family"] == "2021" and result.report["geographies"] == ["lsoa21", "msoa21", "district"]
