"""Data-quality flags (issue 24, point 6): police.uk's real September 2024 anti-social behaviour gap
is flagged and no ordinary month is; the edge cases of the method; and a release made from an
extract missing most of a month carries the flag into the catalogue served over HTTP."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import requests

from jin_hub import db
from jin_hub.ingest import quality
from jin_hub.store import Store
from tests.conftest import ANALYST, REALDATA, snapshot_db
from tests.thinned_hub import KEPT, THIN_MONTH

#: police.uk's files: beside the repository, or where ``JIN_REALDATA`` says the shared data is.
POLICE_UK = REALDATA / "police_uk"
ASB = "Anti-social behaviour"


@pytest.fixture(scope="module")
def real_counts() -> pd.DataFrame:
    """Records per month × police.uk crime type in Nottinghamshire, 2023–2024, plus the total."""
    files = sorted(POLICE_UK.glob("*-street.csv*"))
    if not files:
        pytest.skip(f"the shared real data is not beside the repository ({POLICE_UK}); set JIN_REALDATA")
    rows = pd.concat([pd.read_csv(f, usecols=["Month", "Crime type"]) for f in files], ignore_index=True)
    counts = rows.groupby(["Month", "Crime type"]).size().rename("count").reset_index().rename(
        columns={"Month": "period", "Crime type": "category"})
    total = counts.groupby("period", as_index=False)["count"].sum().assign(category="all")
    return pd.concat([counts, total], ignore_index=True)


def test_real_september_2024_asb_is_flagged_and_no_ordinary_month(real_counts):
    assert real_counts["period"].nunique() == 24 and real_counts["category"].nunique() == 15
    found = quality.flags(real_counts)
    gap = [f for f in found if f["period"] == "2024-09" and f["category"] == ASB]
    assert len(gap) == 1 and gap[0]["kind"] == "low" and gap[0]["count"] == 800
    assert 800 < gap[0]["usual"][0] < 1700 and gap[0]["usual"][1] > 3100       # every other month is ordinary
    assert gap[0]["note"].startswith("Sep 2024: 800 'Anti-social behaviour' records") and "missing" in gap[0]["note"]
    others = [f for f in found if f not in gap]
    judged = 24 * 15 - 1
    print(f"false flags on police.uk: {len(others)} of {judged} ordinary months × series")
    assert len(others) <= 1, others                                            # measured: 0


def test_flags_touch_the_periods_containing_their_month(real_counts):
    found = quality.flags(real_counts)
    for codes in (["2024-09"], ["2024"], ["FY2024"], ["L12-2024-12"], ["2023-01", "L12-2025-03"]):
        assert [f["period"] for f in quality.touching(found, codes)] == ["2024-09"], codes
    for codes in (["2024-08"], ["2023"], ["FY2023"], ["L12-2024-08"], []):
        assert quality.touching(found, codes) == [], codes
    assert [f["category"] for f in quality.touching(found, ["2024"], ASB)] == [ASB]
    assert [f["category"] for f in quality.touching(found, ["2024"], "all")] == [ASB]     # the total has the gap
    assert quality.touching(found, ["2024"], "Burglary") == []


def series(**levels: float | list[float]) -> pd.DataFrame:
    """Seeded Poisson counts per category over consecutive months of 2024–2025 (a list: exact)."""
    rng = np.random.default_rng(5)
    frames = []
    for category, level in levels.items():
        values = level if isinstance(level, list) else rng.poisson(level, 12)
        months = pd.period_range("2024-01", periods=len(values), freq="M").astype(str)
        frames.append(pd.DataFrame({"period": months, "category": category, "count": values}))
    return pd.concat(frames, ignore_index=True)


def cut(frame: pd.DataFrame, month: str, category: str, count: float) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[(frame["period"] == month) & (frame["category"] == category), "count"] = count
    return frame


def test_steady_series_give_no_flags_and_a_gap_one():
    counts = series(a=1000, b=200, c=40)
    assert quality.flags(counts) == []
    found = quality.flags(cut(counts, "2024-05", "a", 400))
    assert [(f["period"], f["category"], f["kind"]) for f in found] == [("2024-05", "a", "low")]
    assert found[0]["usual"][0] > 400 and 950 < found[0]["median"] < 1050
    spike = quality.flags(cut(counts, "2024-11", "b", 600))
    assert [(f["period"], f["category"], f["kind"], f["count"]) for f in spike] == [("2024-11", "b", "high", 600)]
    assert "duplicated" in spike[0]["note"]


def test_too_few_months_are_not_judged():
    six = series(a=[1000] * 5 + [100])                            # 5 other months: too few to know usual
    assert quality.flags(six) == []
    seven = series(a=[1000, 1010, 990, 1005, 995, 1000, 100])
    assert [f["period"] for f in quality.flags(seven)] == ["2024-07"]
    assert quality.flags(seven, min_months=7) == []
    assert quality.flags(pd.DataFrame(columns=["period", "category", "count"])) == []


def test_small_categories_and_zeros():
    assert quality.flags(series(a=[5] * 11 + [2])) == []           # 2 against 5: noise, not a gap
    assert quality.flags(series(a=[3, 4, 2, 3, 5, 3, 0, 4, 3, 2, 3, 4])) == []
    few = series(a=[25, 24, 26, 25, 27, 23, 25, 26, 24, 25, 25, 0])
    assert quality.flags(few) == [] and len(quality.flags(few, min_gap=0)) == 1      # 0 is under 10 below usual
    zero = quality.flags(series(a=[300] * 5 + [0] + [300] * 6))
    assert [(f["period"], f["count"], f["kind"]) for f in zero] == [("2024-06", 0, "low")]
    # A category with no row in a month the dataset has is a zero there.
    missing = series(a=200, b=300)
    missing = missing[~((missing["period"] == "2024-03") & (missing["category"] == "b"))]
    assert [(f["period"], f["category"], f["count"]) for f in quality.flags(missing)] == [("2024-03", "b", 0)]


def test_a_single_category_and_multi_month_rows():
    counts = series(all=[500, 520, 480, 510, 490, 505, 495, 515, 485, 500, 2000, 500])
    with_years = pd.concat([counts, pd.DataFrame({"period": ["2024", "FY2024"], "category": "all",
                                                  "count": [1, 10**6]})], ignore_index=True)
    for frame in (counts, with_years):                            # years are sums of months: not judged
        assert [(f["period"], f["category"], f["kind"]) for f in quality.flags(frame)] == [("2024-11", "all", "high")]


def test_unknown_counts_are_neither_judged_nor_used():
    counts = cut(series(a=1000), "2024-04", "a", np.nan)
    assert quality.flags(counts) == []
    assert [f["period"] for f in quality.flags(cut(counts, "2024-09", "a", 300))] == ["2024-09"]
    sparse = series(a=[1000, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 1000, 1000, 1000, 1000, 300])
    assert quality.flags(sparse) == []                           # 5 known other months: too few


def test_release_flags_come_from_published_cells_at_the_coarsest_geography():
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    rows = [(g, area, p, c, n, False) for p in months for g, areas in (("district", "AB"), ("ward21", "abcd"))
            for area in areas for c, n in (("all", 400 // len(areas)), ("x", 200 // len(areas)))]
    cells = pd.DataFrame([*rows, ("district", "A", "2024", "all", 2400, False)],
                         columns=["geography", "area_code", "period", "category", "count", "suppressed"])
    assert quality.published_months(cells)[["period", "category"]].value_counts().max() == 1
    assert set(quality.published_months(cells)["count"]) == {400, 200}
    cells["count"] = cells["count"].astype(float)
    thin = (cells["period"] == "2024-06") & (cells["category"] == "all")
    cells.loc[thin, "count"] /= 4
    found = quality.release_flags(cells)
    assert [(f["period"], f["category"], f["count"], f["periods"]) for f in found] == [
        ("2024-06", "all", 100, ["2024-06", "2024"])]
    withheld = cells.assign(suppressed=thin & (cells["area_code"] == "A"),
                            count=cells["count"].mask(thin & (cells["area_code"] == "A")))
    assert np.isnan(quality.published_months(withheld).set_index(["period", "category"]).loc[
        ("2024-06", "all"), "count"])
    assert quality.release_flags(withheld) == []                  # part of the month is withheld: not judged


def test_a_thinned_month_is_flagged_in_the_catalogue_over_http(thinned_url):
    served = requests.get(f"{thinned_url}/api/v1/catalogue", auth=ANALYST, timeout=30).json()
    catalogue = {d["id"]: d for d in served["datasets"]}
    found = catalogue["police_crime"]["release"]["quality_flags"]
    assert found and {f["period"] for f in found} == {THIN_MONTH}      # the thinned month, and only it
    total = next(f for f in found if f["category"] == "all")
    assert total["kind"] == "low" and total["count"] < total["usual"][0]
    assert abs(total["count"] / total["median"] - KEPT) < 0.1
    assert set(total["periods"]) == {THIN_MONTH, "2024", "L12-2024-12"}
    assert total["note"].startswith("Jun 2024: ") and "may not be real" in total["note"]
    for dataset in ("asb_incidents", "fire_incidents", "school_attendance"):   # ordinary synthetic months
        assert catalogue[dataset]["release"]["quality_flags"] == []


def test_a_release_made_before_flags_has_none(tmp_path, hub_db_path):
    path = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    with db.connect(path) as conn:
        for rid, report in conn.execute("SELECT id, report FROM releases").fetchall():
            older = {key: value for key, value in json.loads(report).items() if key != "quality_flags"}
            conn.execute("UPDATE releases SET report = ? WHERE id = ?", (json.dumps(older), rid))
        assert all("quality_flags" not in json.loads(r) for (r,) in conn.execute("SELECT report FROM releases"))
    assert [e["release"]["quality_flags"] for e in Store(path).catalogue()] == [[]] * 4
