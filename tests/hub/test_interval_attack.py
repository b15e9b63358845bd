"""The attacker of ``tests/hub/attacker.py`` against real hubs, over HTTP with an aggregates-only account.

Against exact counts with suppression (the method the hub used before), interval reasoning with
nothing more than "a withheld count is at least 1" recovers withheld counts exactly. Against the
hub's method (cell-key noise, suppression, and the protection intervals the catalogue states) it
recovers none, and narrows none below its interval, across two successive releases too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from jin_hub import db
from jin_hub.local_server import start_hub
from tests.conftest import COUNCIL, TEST_SECRET, add_test_accounts
from tests.hub import attacker
from tests.hub.conftest import DATES
from tests.hub_locator import new_hub

PERIOD_KINDS = ("periods", "years", "financial_years", "rolling")


def truth(db_path: Path, dataset: str, releases: int = 1) -> pd.Series:
    """The true count of every nonzero cell of the latest release (the answer key, from the
    record-level data, never shown to the attacker)."""
    conn = db.connect(db_path)
    rid, report = conn.execute("SELECT r.id, r.report FROM datasets d JOIN releases r ON r.id = d.current_release "
                               "WHERE d.id = ?", (dataset,)).fetchone()
    chain = attacker.chain_of(json.loads(report)["geographies"])
    records = conn.frame(f"SELECT period, category, {', '.join(f'{g}_code' for g in chain)} FROM "
                         "record_areas WHERE release_id = ?", (rid,))
    months = sorted(records["period"].unique())
    longs = {f"{m[:4]}" for m in months} | {f"FY{m[:4]}" for m in months} | {f"FY{int(m[:4]) - 1}" for m in months}
    longs |= {f"L12-{m}" for m in months}
    cover = pd.DataFrame([(m, q) for q in longs for m in attacker.months_of(q)], columns=["month", "period"])
    longer = records.rename(columns={"period": "month"}).merge(cover, on="month")
    out = []
    for level in chain:
        for grain in (records, longer):
            for cat in (grain["category"], pd.Series("all", index=grain.index)):
                out.append(grain.groupby([pd.Series(level, index=grain.index), grain[f"{level}_code"],
                                          grain["period"], cat]).size())
    counts = pd.concat(out)
    counts.index.names = ["geography", "area_code", "period", "category"]
    return counts.groupby(level=[0, 1, 2, 3]).sum()


@pytest.fixture(scope="module")
def suppression_hub(suppression_db_path):
    """The demo's extracts published with exact counts and suppression (the method before)."""
    hub = start_hub(suppression_db_path)
    yield suppression_db_path, hub.url
    hub.stop()


@pytest.fixture(scope="module")
def nesting(hub_url):
    """Which area holds which, from the boundaries' geometry (the same in every test hub)."""
    import requests

    session = requests.Session()
    session.auth = COUNCIL
    return attacker.nesting(session, hub_url, list(attacker.CHAIN))


@pytest.mark.parametrize("dataset, district", [("police_crime", "E07000176"), ("fire_incidents", "E07000175")])
def test_interval_reasoning_defeats_plain_suppression(suppression_hub, nesting, dataset, district):
    """The method the hub must protect against: exact counts, withheld cells known to be at least 1."""
    path, url = suppression_hub
    tables = attacker.fetch(url, COUNCIL, dataset, nesting)
    assert tables.entry["disclosure"]["method"] == "suppression"
    found = attacker.attack([tables], district, truth(path, dataset))
    print(dataset, district, "suppression:", found)
    assert found.exact > 20 and found.narrow_withheld > 20, found


@pytest.mark.parametrize("dataset, district, big", [("police_crime", "E07000176", False),
                                                    ("police_crime", "E06000018", True),
                                                    ("fire_incidents", "E07000175", False),
                                                    ("school_attendance", "E07000170", False),
                                                    ("asb_incidents", "E07000172", False)])
def test_no_withheld_or_hidden_count_is_narrowed(hub_url, hub_db_path, nesting, dataset, district, big):
    """Interval propagation over every cell of the district; exact LP bounds for the narrowest
    (none for the city, whose LP takes minutes: ``make privacy`` runs them)."""
    tables = attacker.fetch(hub_url, COUNCIL, dataset, nesting)
    assert tables.entry["disclosure"]["method"] == "cell_key"
    assert tables.entry["disclosure"]["protection"]["withheld_min_values"] >= 3
    found = attacker.attack([tables], district, truth(hub_db_path, dataset), lp_cells=0 if big else 3)
    print(dataset, district, "cell key:", found)
    assert found.protected > 100, found
    assert (found.exact, found.narrow_withheld, found.narrow_hidden, found.lp_narrow) == (0, 0, 0, 0), found


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory, span_extracts, nesting):
    """The police tables of two successive releases of the 19-month hub, as an attacker who saved
    the first keeps them: the first to June 2024, the second with July added."""
    from jin_hub import db, geography
    from jin_hub.demo.boundaries import FILES
    from jin_hub.ingest.pipeline import ingest

    out = tmp_path_factory.mktemp("two_releases")
    column, fmt = DATES["police_crime"]
    frame = pd.read_csv(span_extracts["police_crime"])
    first = out / "police_to_june.csv"
    frame[pd.to_datetime(frame[column], format=fmt).dt.strftime("%Y-%m") <= "2024-06"].to_csv(first, index=False)
    path = new_hub(out / "hub.sqlite")
    conn = db.connect(path)
    for level, file in FILES.items():
        geography.store_boundaries(conn, geography.read_boundary_file(file, level), file.name)
    add_test_accounts(conn)
    tables = []
    for extract in (first, span_extracts["police_crime"]):
        ingest(conn, "police_crime", extract, TEST_SECRET)
        hub = start_hub(path)
        try:
            tables.append(attacker.fetch(hub.url, COUNCIL, "police_crime", nesting))
        finally:
            hub.stop()
    conn.close()
    return path, tables


def test_two_releases_narrow_nothing(two_releases):
    """The rolling 12 months to June and to July, and every month in both releases, taken together."""
    path, tables = two_releases
    assert "L12-2024-06" in tables[0].entry["rolling"] and "L12-2024-07" in tables[1].entry["rolling"]
    report = db.connect(path).execute("SELECT report FROM releases WHERE no = 2").fetchone()[0]
    assert json.loads(report)["earlier_cells"] > 1000      # the hub checked the second beside the first
    found = attacker.attack(tables, "E07000171", truth(path, "police_crime"), lp_cells=3)
    print("two releases:", found)
    assert found.protected > 100, found
    assert (found.exact, found.narrow_withheld, found.narrow_hidden, found.lp_narrow) == (0, 0, 0, 0), found


@pytest.fixture(scope="module")
def real_hub(tmp_path_factory, demo_extracts):
    """24 months of real police.uk crime in Nottinghamshire, published by the hub."""
    from tests.conftest import build_hub_db_apart
    from tests.hub.police_uk import REAL, police_uk_extract

    if not REAL.is_dir():
        pytest.skip(f"the shared real data is not beside the repository ({REAL})")
    out = tmp_path_factory.mktemp("real")
    extract = police_uk_extract(REAL, out / "police_uk.csv")
    path = build_hub_db_apart(new_hub(out / "hub.sqlite"),
                              {"police_crime": extract, "population": demo_extracts["population"]},
                              ["police_crime"])
    hub = start_hub(path)
    yield path, hub.url
    hub.stop()


def test_real_police_uk_crime_narrows_nothing(real_hub, nesting):
    """Two years of real crime (calendar years, a financial year, the latest 12 months), one district,
    by interval propagation (its LP takes minutes); ``make privacy --police-uk`` attacks all eight."""
    path, url = real_hub
    tables = attacker.fetch(url, COUNCIL, "police_crime", nesting)
    assert {"2023", "2024", "FY2023"} <= set(tables.entry["years"] + tables.entry["financial_years"])
    found = attacker.attack([tables], "E07000176", truth(path, "police_crime"))
    print("real police.uk:", found)
    assert found.protected > 5000, found
    assert (found.exact, found.narrow_withheld, found.narrow_hidden, found.lp_narrow) == (0, 0, 0, 0), found


@pytest.mark.parametrize("dataset", ["police_uk_crime", "police_uk_asb"])
def test_real_police_uk_on_2021_areas_narrows_nothing(police_uk_db_path, dataset):
    """The police.uk download as the hub ingests it (LSOA 2021, MSOA 2021, districts; the
    attacker works out the nesting from the generalised boundaries by the rule the hub states):
    one district of each dataset, interval propagation and LP bounds for the narrowest cells."""
    import requests

    hub = start_hub(police_uk_db_path)
    try:
        session = requests.Session()
        session.auth = COUNCIL
        parents = attacker.nesting(session, hub.url, ["lsoa21", "msoa21", "district"])
        tables = attacker.fetch(hub.url, COUNCIL, dataset, parents)
    finally:
        hub.stop()
    assert set(tables.entry["geographies"]) == {"lsoa21", "msoa21", "district"}
    found = attacker.attack([tables], "E07000174", truth(police_uk_db_path, dataset), lp_cells=3)
    print(f"real police.uk {dataset}:", found)
    assert found.protected > 1000, found
    assert (found.exact, found.narrow_withheld, found.narrow_hidden, found.lp_narrow) == (0, 0, 0, 0), found
