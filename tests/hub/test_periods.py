"""Financial years and the rolling 12 months: codes, what a release publishes, values, API and records.

The demo hub holds one calendar year (2024: its rolling 12 months is that year); the 19-month hub
(tests/hub/conftest.py) holds Jan 2023 – Jul 2024, so it publishes 2023, FY2023 and L12-2024-07.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import requests

from jin_hub import db, periods
from jin_hub.ingest.cellkey import MAX_NOISE
from jin_hub.ingest.disclosure import rule_text
from jin_hub.ingest.registry import get_schema
from tests.conftest import ANALYST

SPAN = {"years": ["2023"], "financial_years": ["FY2023"], "rolling": ["L12-2024-07"]}
PURPOSE = "checking the financial-year filter"


def get(url: str, **kw) -> requests.Response:
    return requests.get(url, timeout=60, auth=ANALYST, **kw)


def catalogue(url: str) -> dict[str, dict]:
    return {d["id"]: d for d in get(f"{url}/api/v1/catalogue").json()["datasets"]}


def values(url: str, dataset: str, geography: str, period: str, category: str = "all") -> pd.DataFrame:
    """Published values of one period, indexed by area code."""
    doc = get(f"{url}/api/v1/values/{dataset}/{geography}", params={"period": period, "category": category}).json()
    return pd.DataFrame(doc["rows"], columns=doc["fields"]).set_index("area_code")


# ---- codes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("code, kind, first, last, label", [
    ("2024-03", "month", "2024-03", "2024-03", "Mar 2024"),
    ("2024", "year", "2024-01", "2024-12", "2024 (calendar year)"),
    ("FY2024", "fy", "2024-04", "2025-03", "Apr 2024 – Mar 2025 (financial year)"),
    ("L12-2025-03", "rolling", "2024-04", "2025-03", "12 months to Mar 2025"),
    ("L12-2025-01", "rolling", "2024-02", "2025-01", "12 months to Jan 2025"),
])
def test_period_codes(code, kind, first, last, label):
    assert re.match(periods.PATTERN, code)
    assert periods.kind(code) == kind and periods.span(code) == (first, last) and periods.label(code) == label
    assert len(periods.months(code)) == (1 if kind == "month" else 12)
    assert periods.months(code)[0] == first and periods.months(code)[-1] == last


@pytest.mark.parametrize("bad", ["FY24", "fy2024", "L12-2024-13", "L12-2024", "2024-Q1", "2024-1", "2024-00", ""])
def test_malformed_codes_are_rejected(bad):
    assert not re.match(periods.PATTERN, bad)
    with pytest.raises(ValueError, match="is not a period code"):
        periods.kind(bad)


def months(first: str, last: str) -> list[str]:
    return [str(p) for p in pd.period_range(first, last, freq="M")]


@pytest.mark.parametrize("first, last, published, twins", [
    ("2024-01", "2024-12", ["2024", "L12-2024-12"], {"L12-2024-12": "2024"}),
    ("2024-04", "2025-03", ["FY2024", "L12-2025-03"], {"L12-2025-03": "FY2024"}),
    ("2023-01", "2024-07", ["2023", "FY2023", "L12-2024-07"], {}),
    ("2023-04", "2025-02", ["2024", "FY2023", "L12-2025-02"], {}),     # whole years only, never part-years
    ("2024-01", "2024-11", [], {}),                                    # under 12 months: months only
])
def test_only_whole_12_month_periods_are_published(first, last, published, twins):
    assert periods.multi_month(months(first, last)) == published
    assert periods.twins(published) == twins


def test_gaps_inside_the_span_still_count_as_covered():
    """A month with no records is a month of zeros, not a hole: the financial year is complete."""
    assert periods.multi_month(["2023-04", "2024-03"]) == ["FY2023", "L12-2024-03"]


def test_rule_text_names_every_longer_period():
    police = rule_text(get_schema("police_crime").policy, 5)
    assert "financial years" in police and "the latest 12 months" in police and "Whole years" not in police
    assert "financial years" not in rule_text(get_schema("school_attendance").policy, 5)


# ---- catalogue ---------------------------------------------------------------------------------
def test_catalogue_lists_the_new_periods_with_labels(span_url, hub_url):
    span = catalogue(span_url)
    for dataset in ("police_crime", "fire_incidents", "asb_incidents"):
        entry = span[dataset]
        assert {k: entry[k] for k in SPAN} == SPAN
        assert entry["periods"] == months("2023-01", "2024-07")
        assert entry["period_labels"] == {"FY2023": "Apr 2023 – Mar 2024 (financial year)",
                                          "L12-2024-07": "12 months to Jul 2024"}
    police = span["police_crime"]
    assert police["publication_years"]["all"] == ["oa", "lsoa", "msoa", "district"]
    assert "periods 2023-01 to 2024-07;" in police["release"]["notes"]
    demo = catalogue(hub_url)["police_crime"]
    assert demo["years"] == ["2024"] and demo["financial_years"] == [] and demo["rolling"] == ["L12-2024-12"]
    assert demo["period_labels"] == {"L12-2024-12": "12 months to Dec 2024"}


@pytest.mark.parametrize("hub", ["hub_url", "span_url"])
def test_school_attendance_publishes_no_longer_periods(request, hub):
    url = request.getfixturevalue(hub)
    entry = catalogue(url)["school_attendance"]
    assert entry["years"] == entry["financial_years"] == entry["rolling"] == [] and entry["publication_years"] == {}
    assert all(re.fullmatch(r"\d{4}-\d{2}", p) for p in entry["periods"])
    assert set(entry["period_labels"]) == set(entry["periods"])                      # terms only
    r = get(f"{url}/api/v1/values/school_attendance/lsoa", params={"period": "FY2023"})
    assert r.status_code == 404 and "months" in r.json()["detail"]


def test_school_attendance_stores_only_terms(span_db_path):
    conn = db.connect(span_db_path)
    stored = {p for (p,) in conn.execute(
        "SELECT DISTINCT period FROM aggregates WHERE release_id = (SELECT current_release FROM datasets "
        "WHERE id = 'school_attendance')")}
    assert stored == {f"{y}-{m}" for y in ("2023", "2024") for m in ("01", "04", "09")}


def test_catalogue_search_understands_the_new_codes(span_url):
    def ids(**params) -> list[str]:
        return [d["id"] for d in get(f"{span_url}/api/v1/catalogue", params=params).json()["datasets"]]

    assert len(ids(period_from="FY2024")) == 4                     # data in Apr–Jul 2024
    assert len(ids(period_to="FY2022")) == 4                       # … and in Jan–Mar 2023
    assert ids(period_from="L12-2031-01") == [] and ids(period_to="FY2021") == []
    assert get(f"{span_url}/api/v1/catalogue", params={"period_from": "FY24"}).status_code == 422


# ---- values ------------------------------------------------------------------------------------
def summed_months(url: str, dataset: str, geography: str, period: str, category: str) -> pd.DataFrame:
    """Each area's months of ``period``: their sum, and whether any of them is withheld."""
    frames = [values(url, dataset, geography, m, category) for m in periods.months(period)]
    counts = pd.concat([f["count"] for f in frames], axis=1)
    return pd.DataFrame({"sum": counts.sum(axis=1, min_count=1), "withheld": counts.isna().any(axis=1)})


@pytest.mark.parametrize("dataset, geography, category", [
    ("police_crime", "district", "all"), ("police_crime", "district", "Burglary"), ("police_crime", "msoa", "all"),
    ("police_crime", "lsoa", "all"), ("fire_incidents", "district", "all")])
@pytest.mark.parametrize("period", ["FY2023", "L12-2024-07"])
def test_a_longer_period_is_the_sum_of_its_months(suppression_span_url, dataset, geography, category, period):
    """With exact counts (the hub's own carry noise: ``test_cell_key_longer_periods_are_perturbed_like_every_cell``)."""
    url = suppression_span_url
    both = values(url, dataset, geography, period, category).join(summed_months(url, dataset, geography, period,
                                                                                category))
    shown = both[~both["suppressed"]]
    assert (shown["count"] >= shown["sum"].fillna(0)).all()          # its published months never add up to more
    whole = shown[~shown["withheld"]]
    assert len(whole) >= 1 and (whole["count"] == whole["sum"]).all()
    assert both.loc[both["suppressed"], "count"].isna().all()


@pytest.mark.parametrize("period", ["FY2023", "L12-2024-07", "2023"])
def test_published_longer_periods_count_every_record_of_their_months(span_url, span_db_path, period):
    """Within the noise the catalogue states, and exactly where counts are exact."""
    conn = db.connect(span_db_path)
    entry = catalogue(span_url)["police_crime"]
    true = pd.Series(dict(conn.execute(
        "SELECT district_code, count(*) FROM record_areas WHERE release_id = ? AND period BETWEEN ? AND ? "
        "GROUP BY district_code", (entry["release"]["id"], *periods.span(period)))))
    published = values(span_url, "police_crime", "district", period)
    assert len(published) == 8 and not published["suppressed"].any()
    off = (published["count"] - true.loc[published.index]).abs()
    assert off.max() <= entry["disclosure"]["max_noise"] == 3 and off.max() > 0


def test_the_rolling_12_months_of_a_calendar_year_is_that_year(hub_url):
    for dataset, geography in [("police_crime", "oa"), ("police_crime", "lsoa"), ("asb_incidents", "lsoa")]:
        year = values(hub_url, dataset, geography, "2024")
        rolling = values(hub_url, dataset, geography, "L12-2024-12")
        assert year[["count", "suppressed"]].equals(rolling[["count", "suppressed"]])
        assert year["suppressed"].any()


def test_cell_key_longer_periods_are_perturbed_like_every_cell(span_url, span_db_path):
    conn = db.connect(span_db_path)
    release = catalogue(span_url)["asb_incidents"]["release"]["id"]
    for period in ("FY2023", "L12-2024-07"):
        published = values(span_url, "asb_incidents", "lsoa", period)
        assert ((published["count"] == 0) | (published["count"] >= 10) | published["suppressed"]).all()
        true = pd.Series(dict(conn.execute(
            "SELECT lsoa_code, count(*) FROM record_areas WHERE release_id = ? AND period BETWEEN ? AND ? "
            "GROUP BY lsoa_code", (release, *periods.span(period)))))
        shown = published["count"].dropna()
        shown = shown[shown > 0]
        noise = shown - true.reindex(shown.index).fillna(0)
        assert (noise != 0).any() and noise.abs().max() <= MAX_NOISE
        again = values(span_url, "asb_incidents", "lsoa", period)
        assert again.equals(published)


@pytest.mark.parametrize("path, words", [
    ("/api/v1/values/police_crime/district?period=FY2023", None),
    ("/api/v1/values/police_crime/oa?period=L12-2024-07", None),          # OA: totals by longer periods
    ("/collections/police_crime_lsoa/items?period=FY2023&limit=5", None),
    ("/api/v1/values/police_crime/lsoa?period=FY1999", "financial years FY2023"),
    ("/api/v1/values/police_crime/lsoa?period=FY2024", "financial years FY2023"),   # not yet complete
    ("/api/v1/values/police_crime/lsoa?period=L12-2031-01", "the latest 12 months L12-2024-07"),
    ("/api/v1/values/police_crime/lsoa?period=L12-2024-06", "months 2023-01 to 2024-07"),   # only the latest
    ("/api/v1/values/police_crime/lsoa?period=2024", "calendar years 2023"),
    ("/api/v1/values/police_crime/oa?period=FY2023&category=Burglary", "by financial years"),
    ("/api/v1/values/police_crime/lsoa?period=L12-2024-07&category=Violence%20and%20sexual%20offences",
     "by the latest 12 months"),
])
def test_values_accept_published_codes_and_name_what_is_available(span_url, path, words):
    r = get(span_url + path)
    if words is None:
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 404 and words in r.json()["detail"], r.text


@pytest.mark.parametrize("endpoint", ["/api/v1/values/police_crime/lsoa", "/collections/police_crime_lsoa/items",
                                      "/api/v1/records/police_crime"])
@pytest.mark.parametrize("bad", ["FY24", "fy2023", "L12-2024-13", "L12-24-07", "2023-Q1", "FY2023-04"])
def test_malformed_codes_get_422(span_url, endpoint, bad):
    r = get(span_url + endpoint, params={"period": bad, "purpose": PURPOSE})
    assert r.status_code == 422 and "period" in r.text


# ---- records -----------------------------------------------------------------------------------
@pytest.mark.parametrize("period", ["FY2023", "L12-2024-07", "2023"])
def test_records_filtered_by_a_longer_period_are_exactly_its_months(span_url, span_db_path, period):
    doc = get(f"{span_url}/api/v1/records/police_crime", params={"purpose": PURPOSE, "period": period,
                                                                 "limit": 50_000}).json()
    rows = pd.DataFrame(doc["rows"], columns=doc["fields"])
    assert doc["numberMatched"] == len(rows) > 1000
    assert set(rows["period"]) == set(periods.months(period))
    per_month = [get(f"{span_url}/api/v1/records/police_crime", params={"purpose": PURPOSE, "period": m,
                                                                        "limit": 1}).json()["numberMatched"]
                 for m in periods.months(period)]
    assert sum(per_month) == len(rows)
    conn = db.connect(span_db_path)
    (everything,) = conn.execute("SELECT count(*) FROM record_areas WHERE release_id = ?", (doc["release"],)).fetchone()
    outside = everything - len(rows)
    assert outside > 0 and np.isin(rows["record_key"], conn.frame(
        "SELECT record_key FROM record_areas WHERE release_id = ? AND (period < ? OR period > ?)",
        (doc["release"], *periods.span(period)))["record_key"]).sum() == 0
