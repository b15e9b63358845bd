"""Date safety at ingest (issue 19, item 3): rows dated after the extract's cut-off, declared or
its latest complete month, and rows dated in the future are quarantined, so a stray row cannot
make the hub publish a later month or 12-month period.

Today's attack: a 2024 extract plus one row dated 2025-01 made the hub publish both ``2024`` and
``L12-2025-01`` at output-area level, and their difference is January 2024's count per area.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from jin_hub import backends, db
from jin_hub.ingest.dates import month_label, this_month
from jin_hub.ingest.pipeline import ingest
from tests.conftest import ROOT, TEST_SECRET, snapshot_db
from tests.hub.extract_edits import accepted_lines, edited, quarantine
from tests.hub_locator import new_hub

STRAY = {"crime_ref": "NP/25/9000001", "reported_at": "2025-01-03T10:00", "category": "Burglary",
         "easting": "457000", "northing": "340000", "location_desc": "On or near Park Road"}


@pytest.fixture()
def hub(tmp_path, hub_db_path) -> backends.Connection:
    """A copy of the test hub (every geography, OA up; the demo's 2024 police release)."""
    conn = db.connect(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    yield conn
    conn.close()


def release_periods(conn: backends.Connection, release_id: str, geography: str = "oa") -> set[str]:
    return {p for (p,) in conn.execute("SELECT DISTINCT period FROM aggregates WHERE release_id = ? AND geography = ?",
                                       (release_id, geography))}


def test_one_stray_row_after_the_year_publishes_no_later_period(tmp_path, hub, demo_extracts):
    before = accepted_lines(hub, "police_crime")
    assert max(before.values()) == "2024-12"
    path = edited(demo_extracts["police_crime"], tmp_path / "police_plus_one.csv", appended=(STRAY,))
    stray_line = len(path.read_text(encoding="utf-8").splitlines())
    result = ingest(hub, "police_crime", path, TEST_SECRET)
    report = result.report
    assert report["cutoff"] == "2024-12" and report["cutoff_declared"] is None
    assert report["accepted"] + report["quarantined"] == report["input_rows"]
    held = quarantine(hub, result.release_id)
    assert held[stray_line].startswith("dated after the extract's cut-off 2024-12: its latest complete month")
    assert [line for line, why in held.items() if why.startswith("dated after")] == [stray_line]
    assert accepted_lines(hub, "police_crime") == before                  # every other row as before
    assert not [p for p in release_periods(hub, result.release_id) if "2025" in p]   # no L12-2025-01 at OA
    assert "2024" in report["periods"] and not [p for p in report["periods"] if "2025" in p]     # nor anywhere


def test_rows_dated_in_the_future_are_quarantined(tmp_path, hub, demo_extracts):
    lines = sorted(accepted_lines(hub, "police_crime"))[100:4000:1300]     # three rows that were accepted
    path = edited(demo_extracts["police_crime"], tmp_path / "police_2099.csv",
                  {line: {"reported_at": f"2099-06-{10 + k:02d}T12:00"} for k, line in enumerate(lines)})
    result = ingest(hub, "police_crime", path, TEST_SECRET)
    held = quarantine(hub, result.release_id)
    now = month_label(this_month())
    assert {line: held[line] for line in lines} == {
        line: f"dated after {now}, the month of this ingest: check the year in reported_at" for line in lines}
    assert result.report["cutoff"] == "2024-12"                          # not 2099-06
    assert max(p for p in release_periods(hub, result.release_id, "lsoa") if len(p) == 7) == "2024-12"
    assert "2099" not in "".join(result.report["periods"])


def jin_hub(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jin_hub", *args], capture_output=True, text=True, cwd=ROOT)


def test_a_declared_cutoff_keeps_only_the_months_up_to_it(tmp_path, hub, demo_extracts):
    before = accepted_lines(hub, "police_crime")
    hub.close()
    dbp, extract = str(new_hub(tmp_path / "hub.sqlite")), str(demo_extracts["police_crime"])
    secret = ["--secret-file", str(tmp_path / "s.secret")]
    out = jin_hub("--db", dbp, *secret, "ingest", "police_crime", extract, "--cutoff", "2024-06")
    assert out.returncode == 0, out.stderr
    assert "months up to 2024-06 (declared)" in out.stdout
    conn = db.connect(dbp)
    (rid,) = conn.execute("SELECT current_release FROM datasets WHERE id = 'police_crime'").fetchone()
    assert accepted_lines(conn, "police_crime") == {line: m for line, m in before.items() if m <= "2024-06"}
    later = {line for line, why in quarantine(conn, rid).items()
             if why == "dated after the extract's cut-off 2024-06: declared with --cutoff"}
    assert later == {line for line, m in before.items() if m > "2024-06"} and later
    assert max(release_periods(conn, rid, "lsoa")) == "2024-06"
    again = jin_hub("--db", dbp, *secret, "ingest", "police_crime", extract, "--cutoff", "2024-06")
    assert again.returncode == 0 and "nothing changed" in again.stdout
    for bad, words in (("2024-13", "is not a month: give it as YYYY-MM"), ("2099-01", "is after this month")):
        out = jin_hub("--db", dbp, *secret, "ingest", "police_crime", extract, "--cutoff", bad)
        assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr
    assert conn.execute("SELECT current_release FROM datasets WHERE id = 'police_crime'").fetchone() == (rid,)
