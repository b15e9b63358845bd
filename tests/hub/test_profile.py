"""An area's profile against the real hub: every number in it is a published cell (or, for the
county, the sum of published district cells), withheld values stay withheld, ranks order only
published values, and the request is audited like any data request."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import ANALYST
from tests.hub_locator import dict_rows

API = "/api/v1"


def get(url: str, **params) -> dict:
    reply = requests.get(url, params=params, auth=ANALYST, timeout=60)
    reply.raise_for_status()
    return reply.json()


def table(url: str, dataset: str, geography: str, period: str, category: str = "all") -> dict[str, dict]:
    doc = get(f"{url}{API}/values/{dataset}/{geography}", period=period, category=category)
    return {row[0]: dict(zip(doc["fields"][1:], row[1:])) for row in doc["rows"]}


def point(row: dict) -> dict:
    return {"count": row["count"], "suppressed": row["suppressed"], "rate": row["rate"]}


@pytest.fixture(scope="module")
def withheld_area(reference_url) -> str:
    """An LSOA withheld in at least one month of the police crime totals (and published in another)."""
    doc = get(f"{reference_url}{API}/catalogue")
    months = next(d for d in doc["datasets"] if d["id"] == "police_crime")["periods"]
    seen: dict[str, set[bool]] = {}
    for month in months[:4]:
        for code, row in table(reference_url, "police_crime", "lsoa", month).items():
            seen.setdefault(code, set()).add(row["suppressed"])
    return next(code for code, flags in sorted(seen.items()) if flags == {True, False})


def test_every_number_is_a_published_cell_or_a_sum_of_them(reference_url, withheld_area):
    doc = get(f"{reference_url}{API}/profile/police_crime/lsoa/{withheld_area}")
    assert doc["kind"] == "month" and doc["area"]["code"] == withheld_area
    district = doc["area"]["district_code"]
    withheld = 0
    for entry in doc["series"]:
        lsoas = table(reference_url, "police_crime", "lsoa", entry["period"])
        districts = table(reference_url, "police_crime", "district", entry["period"])
        assert entry["area"] == point(lsoas[withheld_area])
        assert entry["district"] == point(districts[district])
        if any(row["suppressed"] for row in districts.values()):
            assert entry["county"] == {"count": None, "suppressed": True, "rate": None}
        else:
            assert entry["county"]["count"] == sum(row["count"] for row in districts.values())
        if entry["area"]["suppressed"]:                  # withheld: never a zero, never a missing point
            assert entry["area"]["count"] is None and entry["area"]["rate"] is None
            withheld += 1
    months = next(d for d in get(f"{reference_url}{API}/catalogue")["datasets"] if d["id"] == "police_crime")
    assert withheld and [e["period"] for e in doc["series"]] == months["periods"]


def test_the_rank_orders_only_published_values(reference_url):
    lsoas = table(reference_url, "police_crime", "lsoa", "2024-12")
    published = {code: row["rate"] for code, row in lsoas.items() if row["rate"] is not None}
    code = sorted(published)[len(published) // 2]
    doc = get(f"{reference_url}{API}/profile/police_crime/lsoa/{code}")
    assert doc["rank"]["period"] == "2024-12" and doc["rank"]["measure"] == "rate"
    assert doc["rank"]["all"] == {"position": 1 + sum(r > published[code] for r in published.values()),
                                  "of": len(published)}
    mine = doc["area"]["district_code"]
    boundaries = requests.get(f"{reference_url}{API}/boundaries/lsoa", auth=ANALYST, timeout=60).json()
    in_district = {f["properties"]["area_code"] for f in boundaries["features"]
                   if f["properties"]["district_code"] == mine}
    assert doc["rank"]["district"]["of"] == len(in_district & set(published))
    withheld = next(c for c, row in lsoas.items() if row["suppressed"])
    assert get(f"{reference_url}{API}/profile/police_crime/lsoa/{withheld}")["rank"]["all"] is None


def test_other_datasets_and_deprivation_for_the_same_area(reference_url, withheld_area):
    doc = get(f"{reference_url}{API}/profile/police_crime/lsoa/{withheld_area}")
    others = {o["dataset"]: o for o in doc["others"]}
    assert "police_crime" not in others and {"asb_incidents", "fire_incidents"} <= set(others)
    for dataset, other in others.items():
        assert {k: other[k] for k in ("count", "suppressed", "rate")} == point(
            table(reference_url, dataset, "lsoa", other["period"])[withheld_area])
    imd = {r["indicator"]: r["value"] for r in doc["reference"] if r["dataset"] == "imd2019"}
    rank = get(f"{reference_url}{API}/reference/imd2019/lsoa", indicator="IMD_rank")
    assert imd["IMD_rank"] == dict(rank["rows"])[withheld_area]


def test_profiles_are_audited_and_bad_requests_name_what_exists(reference_url, reference_db_path, withheld_area):
    path = f"{API}/profile/police_crime/lsoa/{withheld_area}"
    before = dict_rows(reference_db_path, "SELECT max(seq) AS seq FROM audit_log")[0]["seq"]
    get(reference_url + path)
    rows = dict_rows(reference_db_path, "SELECT username, endpoint, dataset, status, rows FROM audit_log "
                                        "WHERE seq > ?", (before,))
    assert [(r["username"], r["endpoint"], r["dataset"], r["status"]) for r in rows] == [
        (ANALYST[0], path, "police_crime", 200)] and rows[0]["rows"] > 12
    assert requests.get(reference_url + path, timeout=30).status_code == 401
    missing = requests.get(f"{reference_url}{API}/profile/police_crime/lsoa/E01999999", auth=ANALYST, timeout=30)
    assert missing.status_code == 404 and "no area 'E01999999'" in missing.json()["detail"]
    oa_only = requests.get(f"{reference_url}{API}/profile/school_attendance/oa/E00000001", auth=ANALYST, timeout=30)
    assert oa_only.status_code == 404
