"""Reference layers over HTTP: the real IMD 2019 loaded into the test hub by the admin's command is
in the catalogue (no disclosure control, licence, source), its values are the file's, every read is
audited, and bad input is refused with a clear message and nothing stored changed."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import requests

from jin_hub import db
from jin_hub.reference import DISCLOSURE
from tests.conftest import ANALYST, IMD2019, REALDATA, ROOT, snapshot_db
from tests.hub_locator import dict_rows, last_audit_seq

if not REALDATA.is_dir():
    pytest.skip(f"no real data at {REALDATA}: set JIN_REALDATA", allow_module_level=True)

API = "/api/v1"
COLUMNS = pd.read_csv(IMD2019, nrows=0).columns[1:].tolist()


def get(url: str, **kw) -> requests.Response:
    kw.setdefault("auth", ANALYST)
    return requests.get(url, timeout=30, **kw)


def test_catalogue_lists_imd_as_a_reference_theme(reference_url):
    doc = get(f"{reference_url}{API}/catalogue").json()
    assert "reference" in doc["themes"]
    entry = next(d for d in doc["datasets"] if d["id"] == "imd2019")
    assert entry["theme"] == "reference" and entry["title"] == "English Indices of Deprivation 2019"
    assert entry["disclosure"] == DISCLOSURE and entry["disclosure"]["method"] == "none"
    assert entry["categories"] == COLUMNS and entry["geographies"] == ["lsoa"]
    assert entry["licence"] == "Open Government Licence v3.0" and "Open Government Licence" in entry["attribution"]
    assert entry["source"] == IMD2019.name and entry["release"]["created"][:4].isdigit()
    rank = next(i for i in entry["indicators"] if i["id"] == "IMD_rank")
    assert rank["label"] == "Index of Multiple Deprivation rank" and "1 = the most deprived" in rank["direction"]
    assert rank["worse"] == "low"
    only = get(f"{reference_url}{API}/catalogue", params={"theme": "reference"}).json()["datasets"]
    assert [d["id"] for d in only] == ["imd2019"]
    assert "police_crime" in {d["id"] for d in doc["datasets"]}      # the JiN datasets are still listed


def test_values_are_the_files(reference_url):
    source = pd.read_csv(IMD2019, dtype={"lsoa11_code": str}).set_index("lsoa11_code")
    reply = get(f"{reference_url}{API}/reference/imd2019/lsoa", params={"indicator": "IMD_rank", "format": "csv"})
    assert reply.status_code == 200 and reply.headers["x-jin-indicator"] == "IMD_rank"
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0] == ["area_code", "value"] and len(rows) == 680
    assert {code: float(v) for code, v in rows[1:]} == source["IMD_rank"].to_dict()
    doc = get(f"{reference_url}{API}/reference/imd2019/lsoa", params={"indicator": "Crime_decile"}).json()
    assert doc["disclosure"]["method"] == "none" and doc["indicator"]["id"] == "Crime_decile"
    assert dict(doc["rows"])["E01013810"] == source.loc["E01013810", "Crime_decile"]
    default = get(f"{reference_url}{API}/reference/imd2019/lsoa").json()
    assert default["indicator"]["id"] == COLUMNS[0]


def test_zone_filter_keeps_the_zones_areas(reference_url):
    doc = get(f"{reference_url}{API}/reference/imd2019/lsoa", params={"zone": "south-nottinghamshire-csp"}).json()
    counts = get(f"{reference_url}{API}/values/police_crime/lsoa", params={"zone": "south-nottinghamshire-csp"}).json()
    assert {r[0] for r in doc["rows"]} == {r[0] for r in counts["rows"]} and len(doc["rows"]) > 100


@pytest.mark.parametrize(("path", "params", "status", "words"), [
    ("imd2019/msoa", {}, 404, "published only for geography 'lsoa'"),
    ("imd2019/lsoa", {"indicator": "IMD_score"}, 404, "choose one of: IMD_decile"),
    ("imd2025/lsoa", {}, 404, "no reference dataset 'imd2025'; published: imd2019"),
    ("imd2019/lsoa", {"zone": "atlantis"}, 404, "atlantis"),
])
def test_bad_requests_name_what_exists(reference_url, path, params, status, words):
    reply = get(f"{reference_url}{API}/reference/{path}", params=params)
    assert reply.status_code == status and words in reply.json()["detail"], reply.text


def _audit(db_path: Path, after: int) -> list[dict]:
    return dict_rows(db_path, "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq", (after,))


def test_every_read_is_audited(reference_url, reference_db_path):
    last = last_audit_seq(reference_db_path)
    get(f"{reference_url}{API}/reference/imd2019/lsoa", params={"indicator": "Health_rank", "format": "csv"})
    assert get(f"{reference_url}{API}/reference/imd2019/lsoa", auth=None).status_code == 401
    rows = _audit(reference_db_path, last)
    read, refused = rows[-2:]
    assert (read["username"], read["endpoint"], read["dataset"], read["status"], read["rows"]) == (
        ANALYST[0], f"{API}/reference/imd2019/lsoa", "imd2019", 200, 679)
    assert '"indicator": "Health_rank"' in read["params"]
    assert refused["status"] == 401 and refused["username"] is None


def jin_hub(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jin_hub", *args], capture_output=True, text=True, cwd=ROOT)


def _stored(db_path: Path) -> list:
    conn = db.connect(db_path)
    return [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("reference_datasets",
                                                                                  "reference_values")]


def test_bad_input_is_refused_and_nothing_changes(reference_db_path, tmp_path):
    db_path = snapshot_db(reference_db_path, tmp_path / "hub.sqlite")
    before = _stored(db_path)
    frame = pd.read_csv(IMD2019, dtype=str)
    no_code = tmp_path / "no_code.csv"
    frame.rename(columns={"lsoa11_code": "place"}).to_csv(no_code, index=False)
    words = tmp_path / "words.csv"
    frame.assign(IMD_rank=frame["IMD_rank"].where(frame.index != 3, "n/a")).to_csv(words, index=False)
    imd2025 = REALDATA / "reference" / "imd2025_lsoa21_nottinghamshire.csv"
    cases = [
        (no_code, ["--geography", "lsoa"], "needs one area code column"),
        (imd2025, ["--geography", "lsoa"], "are not loaded lsoa areas, e.g. E01033"),
        (words, ["--geography", "lsoa"], "column IMD_rank must hold numbers; 'n/a' on line(s) 5"),
        (IMD2019, ["--geography", "postcode"], "unknown geography 'postcode': the hub has boundaries for district"),
        (IMD2019, ["--geography", "lsoa", "--columns", "IMD_rank", "IMD_score"], "has no column(s) IMD_score"),
    ]
    for file, args, message in cases:
        out = jin_hub("--db", str(db_path), "load-reference", str(file), "--id", "imd2019", "--title", "IMD", *args)
        assert out.returncode == 2 and message in out.stderr, (message, out.stderr)
    out = jin_hub("--db", str(db_path), "load-reference", str(IMD2019), "--id", "police_crime", "--geography",
                  "lsoa", "--title", "IMD")
    assert out.returncode == 2 and "already a JiN dataset of counts" in out.stderr
    assert _stored(db_path) == before


def test_chosen_columns_and_labels(reference_db_path, tmp_path):
    db_path = snapshot_db(reference_db_path, tmp_path / "hub.sqlite")
    out = jin_hub("--db", str(db_path), "load-reference", str(IMD2019), "--id", "imd2019", "--geography", "lsoa",
                  "--title", "IMD 2019", "--columns", "IMD_decile=Deprivation decile,Crime_rank")
    assert out.returncode == 0, out.stderr
    datasets, values = _stored(db_path)
    assert len(datasets) == 1 and len(values) == 2 * 679
    assert '"label": "Deprivation decile"' in datasets[0][4] and '"Crime domain rank"' in datasets[0][4]


# ---- IMD 2025 on the 2021 LSOAs ------------------------------------------------------------------
IMD2025 = REALDATA / "reference" / "imd2025_lsoa21_nottinghamshire.csv"
INDICATORS2025 = REALDATA / "reference" / "imd2025_indicators_lsoa21_nottinghamshire.csv"
BURGLARY = "burglary_rate_per_1_000_at_risk_properties"


@pytest.fixture(scope="module")
def url_2025(reference_db_path, tmp_path_factory):
    """The IMD 2019 hub with the real 2021 LSOAs, IMD 2025 and its indicators, loaded as an admin does."""
    from tests.conftest import serve

    path = snapshot_db(reference_db_path, tmp_path_factory.mktemp("imd2025") / "hub.sqlite")
    out = jin_hub("--db", str(path), "load-boundaries", str(REALDATA / "boundaries" / "lsoa21_nottinghamshire.geojson"),
                  "--geography", "lsoa21")
    assert out.returncode == 0, out.stderr
    for file, dataset, title in ((IMD2025, "imd2025", "English Indices of Deprivation 2025"),
                                 (INDICATORS2025, "imd2025_indicators", "Indices of Deprivation 2025: indicators")):
        out = jin_hub("--db", str(path), "load-reference", str(file), "--id", dataset, "--geography", "lsoa21",
                      "--title", title)
        assert out.returncode == 0 and "for 684 lsoa21 areas" in out.stdout, out.stderr
    yield from serve(path)


def test_imd2025_and_its_crime_indicators_on_2021_lsoas(url_2025):
    doc = get(f"{url_2025}{API}/catalogue", params={"theme": "reference"}).json()
    entries = {d["id"]: d for d in doc["datasets"]}
    assert sorted(entries) == ["imd2019", "imd2025", "imd2025_indicators"]
    imd = entries["imd2025"]
    assert imd["geographies"] == ["lsoa21"] and imd["categories"] == pd.read_csv(IMD2025, nrows=0).columns[1:].tolist()
    score = next(i for i in imd["indicators"] if i["id"] == "IMD_score")
    assert (score["worse"], score["direction"]) == ("high", "score: higher = more deprived")
    burglary = next(i for i in entries["imd2025_indicators"]["indicators"] if i["id"] == BURGLARY)
    assert burglary["label"] == "Burglary rate per 1,000 at risk properties" and burglary["worse"] == "high"
    for file, dataset, column in ((IMD2025, "imd2025", "IMD_score"), (INDICATORS2025, "imd2025_indicators", BURGLARY)):
        source = pd.read_csv(file, dtype={"lsoa21_code": str}).set_index("lsoa21_code")[column].to_dict()
        rows = get(f"{url_2025}{API}/reference/{dataset}/lsoa21", params={"indicator": column}).json()["rows"]
        assert dict(rows) == source and len(rows) == 684
    assert get(f"{url_2025}{API}/reference/imd2025/lsoa").status_code == 404
