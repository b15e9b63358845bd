"""Cell-key perturbation: noise that is fixed per cell, so repeating or overlapping queries gain nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jin_hub import db, geography, periods
from jin_hub.ingest.cellkey import MAX_NOISE, perturb, ptable
from jin_hub.ingest.pipeline import ingest
from tests.conftest import BOUNDARIES, TEST_SECRET
from tests.hub_locator import new_hub


def test_ptable_is_zero_mean_bounded_and_secret():
    table = ptable(TEST_SECRET)
    assert len(table) == 750 * 256
    assert table["pvalue"].abs().max() <= MAX_NOISE and abs(table.loc[table.pcv > 10, "pvalue"].mean()) < 0.05
    assert (table["pcv"] + table["pvalue"] >= 0).all()
    assert table.groupby("pcv")["pvalue"].nunique().min() > 1          # noise, not rounding
    assert not table["pvalue"].equals(ptable(b"a-different-hub-secret-32-bytes-long!")["pvalue"])


def _cells(accepted: pd.DataFrame) -> pd.DataFrame:
    return perturb(accepted, {"lsoa": None}, TEST_SECRET, threshold=10).set_index(
        ["area_code", "period", "category"])["count"]


def test_same_cell_same_noise_and_differencing_sees_noise():
    rng = np.random.default_rng(3)
    n = 3000
    accepted = pd.DataFrame({"area_code": rng.choice(["A", "B", "C"], n), "period": "2024-01",
                             "category": rng.choice(["Noise", "Graffiti"], n),
                             "record_key": [rng.bytes(10).hex() for _ in range(n)]})
    first, again = _cells(accepted), _cells(accepted.sample(frac=1, random_state=1))
    assert first.equals(again.loc[first.index])                        # order of records does not matter
    true = accepted.groupby(["area_code", "period", "category"]).size()
    cats = first[first.index.get_level_values("category") != "all"]
    assert (cats != true.loc[cats.index]).any()                        # some cells are perturbed …
    assert (cats - true.loc[cats.index]).abs().max() <= MAX_NOISE      # … by a little


def test_longer_periods_carry_their_own_fixed_noise():
    """A financial year is tabulated from its records: the same noise whatever the record order, and
    not the sum of its months' noise, so differencing it against them meets noise, not the truth."""
    rng = np.random.default_rng(4)
    n = 6000
    months = [str(p) for p in pd.period_range("2023-04", "2024-03", freq="M")]
    accepted = pd.DataFrame({"area_code": rng.choice([f"E{i}" for i in range(20)], n), "period": rng.choice(months, n),
                             "category": "Noise", "record_key": [rng.bytes(10).hex() for _ in range(n)]})

    def cells(frame: pd.DataFrame) -> pd.Series:
        return perturb(frame, {"lsoa": None}, TEST_SECRET, 10, periods.cover(["FY2023"])).set_index(
            ["area_code", "period", "category"])["count"]

    first, again = cells(accepted), cells(accepted.sample(frac=1, random_state=2))
    assert first.equals(again.loc[first.index])
    year = first.xs("FY2023", level="period").xs("Noise", level="category")
    true = accepted.groupby("area_code").size()
    assert (year != true.loc[year.index]).any() and (year - true.loc[year.index]).abs().max() <= MAX_NOISE
    by_month = first[first.index.get_level_values("period") != "FY2023"].xs("Noise", level="category")
    summed = by_month.groupby(level="area_code").sum()
    assert (summed.loc[year.index] != year).any()


def test_differencing_two_releases_does_not_reveal_the_added_person():
    """Add one record to each of 300 cells: the published change is rarely the true +1."""
    rng = np.random.default_rng(5)
    areas = [f"E{i:04d}" for i in range(300)]
    accepted = pd.DataFrame({"area_code": np.repeat(areas, 40), "period": "2024-01", "category": "Noise",
                             "record_key": [rng.bytes(10).hex() for _ in range(300 * 40)]})
    extra = pd.DataFrame({"area_code": areas, "period": "2024-01", "category": "Noise",
                          "record_key": [rng.bytes(10).hex() for _ in range(300)]})
    before = _cells(accepted)
    after = _cells(pd.concat([accepted, extra], ignore_index=True))
    diff = (after - before.loc[after.index]).astype(int)
    assert (diff == 1).mean() < 0.4 and diff.abs().max() <= 2 * MAX_NOISE + 1


def test_perturbed_release_is_stable_across_reingest(tmp_path, demo_extracts):
    def release(path):
        conn = db.connect(new_hub(tmp_path / f"{path.stem}.sqlite"))
        geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
        rid = ingest(conn, "asb_incidents", path, TEST_SECRET).release_id
        return conn.frame("SELECT area_code, period, category, count FROM aggregates WHERE release_id = ?",
                          (rid,)).set_index(["area_code", "period", "category"])["count"]

    original = demo_extracts["asb_incidents"]
    copy = tmp_path / "resent.csv"                      # the partner re-sends the same data, re-saved
    copy.write_bytes(original.read_bytes() + b"\n")
    a, b = release(original), release(copy)
    assert a.equals(b.loc[a.index]) and (a.dropna() >= 10).all()


def test_tabulation_is_onss_own_cell_for_cell():
    """JiN's array tabulation against ONS's ``create_perturbed_table`` on the same records: counts
    over 750 (p-table rows reused), many cells, a threshold, months and categories."""
    from cell_key_perturbation.create_perturbed_table import create_perturbed_table

    from jin_hub.ingest.cellkey import record_keys

    rng = np.random.default_rng(8)
    n = 20_000
    accepted = pd.DataFrame({"area_code": rng.choice([f"E{i:02d}" for i in range(40)] + ["BIG"] * 60, n),
                             "period": rng.choice(["2024-01", "2024-02", "2024-03"], n),
                             "category": rng.choice(["Noise", "Graffiti", "Personal"], n),
                             "record_key": [rng.bytes(8).hex() for _ in range(n)]})
    ours = perturb(accepted, {"lsoa": None}, TEST_SECRET, threshold=5)
    assert ours["true"].max() > 750
    data = accepted.assign(ckp_key=record_keys(accepted["record_key"]))
    is_all = ours["category"] == "all"
    for tab_vars, cats in ((["period", "category"], ~is_all), (["period"], is_all)):
        ons = create_perturbed_table(data=data, ptable=ptable(TEST_SECRET), geog=["area_code"], tab_vars=tab_vars,
                                     record_key="ckp_key", use_existing_ons_id=False, threshold=5)
        ons = ons[ons["pre_sdc_count"] > 0].set_index(["area_code", *tab_vars])
        mine = ours[cats].set_index(["area_code", *tab_vars])
        assert len(mine) == len(ons)
        pd.testing.assert_series_equal(mine["count"], ons.loc[mine.index, "count"], check_names=False)
        assert (mine["true"] == ons.loc[mine.index, "pre_sdc_count"]).all()
