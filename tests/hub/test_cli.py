"""The admin CLI end to end, as a hub administrator runs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import BOUNDARIES, ROOT
from tests.hub_locator import absent_hub, new_hub


def jin_hub(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jin_hub", *args], capture_output=True, text=True, cwd=ROOT)


def test_load_ingest_status(tmp_path, demo_extracts):
    dbp = str(new_hub(tmp_path / "hub.sqlite"))
    out = jin_hub("--db", dbp, "load-boundaries", str(BOUNDARIES), "--geography", "lsoa")
    assert out.returncode == 0 and "loaded 679 lsoa areas" in out.stdout
    out = jin_hub("--db", dbp, "ingest", "police_crime", str(demo_extracts["police_crime"]))
    assert out.returncode == 0, out.stderr
    assert "quarantined" in out.stdout and "duplicate" in out.stdout
    again = jin_hub("--db", dbp, "ingest", "police_crime", str(demo_extracts["police_crime"]))
    assert "nothing changed" in again.stdout
    status = jin_hub("--db", dbp, "status")
    assert '"police_crime"' in status.stdout


def test_errors_are_clear(tmp_path):
    dbp = str(new_hub(tmp_path / "hub.sqlite"))
    out = jin_hub("--db", dbp, "ingest", "police_crime", str(tmp_path / "nope.csv"))
    assert out.returncode == 2 and "not found: check the path" in out.stderr
    out = jin_hub("--db", dbp, "ingest", "burglars", str(tmp_path / "nope.csv"))
    assert out.returncode == 2 and "unknown dataset 'burglars'" in out.stderr
    out = jin_hub("--db", dbp, "load-boundaries", str(tmp_path / "none.gpkg"))
    assert out.returncode == 2 and "not found" in out.stderr
    out = jin_hub("--db", str(absent_hub(tmp_path / "absent.sqlite")), "status")
    assert out.returncode == 2 and "does not exist" in out.stderr


def test_more_errors_name_the_problem_and_the_fix(tmp_path, demo_extracts):
    dbp = str(new_hub(tmp_path / "hub.sqlite"))
    jin_hub("--db", dbp, "load-boundaries", str(BOUNDARIES))
    wrong = tmp_path / "asb.csv"
    wrong.write_text("when,what\n2024-01-01,noise\n", encoding="utf-8")
    out = jin_hub("--db", dbp, "ingest", "asb_incidents", str(wrong))
    assert out.returncode == 2 and "does not match the 'asb_incidents' schema: missing column(s)" in out.stderr
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"SQLite format 3\x00 but not really")
    out = jin_hub("--db", dbp, "load-boundaries", str(broken))
    assert out.returncode == 2 and "cannot read boundary file" in out.stderr
    short = tmp_path / "short.secret"
    short.write_text("tiny", encoding="utf-8")
    out = jin_hub("--db", dbp, "--secret-file", str(short), "ingest", "police_crime",
                  str(demo_extracts["police_crime"]))
    assert out.returncode == 2 and "too short" in out.stderr and "restore it from your backup" in out.stderr


@pytest.mark.sqlite_only(reason="the secret's place and mode beside the SQLite file")
def test_pseudonym_secret_is_created_outside_the_database_and_private(tmp_path, demo_extracts):
    dbp = tmp_path / "db" / "hub.sqlite"
    jin_hub("--db", str(dbp), "load-boundaries", str(BOUNDARIES))
    out = jin_hub("--db", str(dbp), "ingest", "fire_incidents", str(demo_extracts["fire_incidents"]))
    assert out.returncode == 0, out.stderr
    secret = dbp.parent / "hub.secret"
    assert "created a new pseudonym secret" in out.stdout and secret.exists()
    assert secret.stat().st_mode & 0o777 == 0o600
    assert secret.read_bytes().strip() not in dbp.read_bytes()


def test_denominator_errors_name_the_problem(tmp_path):
    dbp = str(new_hub(tmp_path / "hub.sqlite"))
    jin_hub("--db", dbp, "load-boundaries", str(BOUNDARIES))
    bad = tmp_path / "pop.csv"
    bad.write_text("LSOA11CD,population\nE01013810,1500\nE99999999,7\n", encoding="utf-8")
    out = jin_hub("--db", dbp, "load-denominators", str(bad))
    assert out.returncode == 2 and "1 area code(s) in pop.csv are not loaded lsoa areas, e.g. E99999999" in out.stderr
    bad.write_text("LSOA11CD,population\nE01013810,lots\n", encoding="utf-8")
    out = jin_hub("--db", dbp, "load-denominators", str(bad))
    assert out.returncode == 2 and "must hold whole numbers ≥ 0; not on line(s) 2" in out.stderr
    bad.write_text("LSOA11CD,population\nE01013810,1500\n", encoding="utf-8")
    out = jin_hub("--db", dbp, "load-denominators", str(bad))
    assert out.returncode == 0 and "loaded population for 1 lsoa areas" in out.stdout


@pytest.mark.sqlite_only(reason="times the kill by the WAL file's growth; PRAGMA integrity_check")
def test_killed_ingest_leaves_the_last_good_release_serving(tmp_path, demo_extracts):
    import signal
    import sqlite3
    import time

    from tests.conftest import build_hub_db

    dbp = build_hub_db(tmp_path / "hub.sqlite", demo_extracts)
    conn = sqlite3.connect(dbp)
    before = conn.execute("SELECT current_release FROM datasets WHERE id = 'school_attendance'").fetchone()[0]
    n_before = conn.execute("SELECT count(*) FROM aggregates").fetchone()[0]
    n_records = conn.execute("SELECT count(*) FROM record_areas").fetchone()[0]
    conn.close()
    resent = tmp_path / "school_resent.csv"      # a new, bigger file: a new release would take seconds to build
    header, *body = demo_extracts["school_attendance"].read_text(encoding="utf-8").splitlines()
    resent.write_text("\n".join([header, *body * 5]) + "\n", encoding="utf-8")
    wal = dbp.with_name(dbp.name + "-wal")
    written = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen([sys.executable, "-m", "jin_hub", "--db", str(dbp), "--secret-file",
                             str(tmp_path / "s.secret"), "ingest", "school_attendance", str(resent)], cwd=ROOT)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:     # kill it in the middle of writing
        if wal.exists() and wal.stat().st_size > written + (1 << 20):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "ingest finished before it could be killed mid-write"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(dbp)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT current_release FROM datasets WHERE id = 'school_attendance'").fetchone()[0] == before
    assert conn.execute("SELECT count(*) FROM aggregates").fetchone()[0] == n_before
    assert conn.execute("SELECT count(*) FROM record_areas").fetchone()[0] == n_records      # none half-made shown
    conn.close()
    # ingesting again finishes the job, and leaves nothing of the killed one behind
    out = jin_hub("--db", str(dbp), "--secret-file", str(tmp_path / "s.secret"), "ingest", "school_attendance",
                  str(resent))
    assert out.returncode == 0, out.stderr
    conn = sqlite3.connect(dbp)
    assert conn.execute("SELECT count(*) FROM releases WHERE status != 'complete'").fetchone()[0] == 0
    assert not conn.execute("SELECT count(*) FROM records WHERE id >> 32 NOT IN (SELECT no FROM releases)"
                            ).fetchone()[0]


def test_ingest_output_names_no_person(tmp_path, demo_extracts):
    import json

    dbp = str(new_hub(tmp_path / "hub.sqlite"))
    jin_hub("--db", dbp, "load-boundaries", str(BOUNDARIES))
    out = jin_hub("--db", dbp, "ingest", "police_crime", str(demo_extracts["police_crime"]))
    manifest = json.loads(demo_extracts["manifest"].read_text(encoding="utf-8"))["files"]["police_crime"]
    printed = out.stdout + out.stderr
    assert "quarantined" in printed
    assert not [v for values in manifest["canaries"].values() for v in values if v in printed]


def test_running_hub_serves_new_denominators_at_once(tmp_path, hub_db_path, demo_extracts):
    """Value tables are kept in memory between requests; reloading denominators must not leave
    stale rates behind."""
    import csv

    import requests

    from jin_hub.local_server import start_hub
    from tests.conftest import ANALYST, snapshot_db

    db = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    hub = start_hub(db)
    url = f"{hub.url}/api/v1/values/police_crime/district?period=2024"
    try:
        before = {r[0]: r for r in requests.get(url, auth=ANALYST, timeout=30).json()["rows"]}
        doubled = tmp_path / "population_doubled.csv"
        with demo_extracts["population"].open(newline="") as src, doubled.open("w", newline="") as out:
            rows = [r for r in csv.reader(src) if r and not r[0].startswith("#")]
            writer = csv.writer(out)
            writer.writerow(rows[0])
            writer.writerows([[code, int(value) * 2] for code, value in rows[1:]])
        done = jin_hub("--db", str(db), "load-denominators", str(doubled), "--geography", "oa")
        assert done.returncode == 0, done.stderr
        after = {r[0]: r for r in requests.get(url, auth=ANALYST, timeout=30).json()["rows"]}
    finally:
        hub.stop()
    for code, (_, count, _, rate, base) in before.items():
        assert after[code][4] == 2 * base and after[code][1] == count
        assert abs(after[code][3] - rate / 2) < 0.02


def test_output_cut_short_by_a_pipe_exits_quietly(tmp_path):
    """``jin-hub status | head -1``: the reader leaves early (``true`` before the hub has written at all);
    the hub stops without a BrokenPipeError traceback or an error message."""
    dbp = new_hub(tmp_path / "hub.sqlite")
    assert jin_hub("--db", str(dbp), "load-boundaries", str(BOUNDARIES), "--geography", "lsoa").returncode == 0
    command = f"'{sys.executable}' -m jin_hub --db '{dbp}' status"
    for reader, shown in (("head -1", "{\n"), ("true", "")):
        piped = subprocess.run(["bash", "-c", f"{command} | {reader}; exit ${{PIPESTATUS[0]}}"],
                               capture_output=True, text=True, cwd=ROOT)
        assert piped.stderr == "" and piped.stdout == shown, (reader, piped.stderr)
        assert piped.returncode in (0, 141), piped.returncode      # done, or stopped by the pipe


def test_rows_placed_by_code_alone_are_reported(tmp_path):
    """A dataset whose rows carry an LSOA code and no point (the national benchmark's): the report
    has no point-against-code comparison, and the ingest still ends with its summary, exit 0."""
    from jin_hub import geography

    dbp = str(new_hub(tmp_path / "hub.sqlite"))
    assert jin_hub("--db", dbp, "load-boundaries", str(BOUNDARIES), "--geography", "lsoa").returncode == 0
    definition = (ROOT / "bench" / "scale_crime.toml").read_text(encoding="utf-8")
    (tmp_path / "coded.toml").write_text(definition, encoding="utf-8")
    assert jin_hub("--db", dbp, "datasets", "add", str(tmp_path / "coded.toml")).returncode == 0
    codes = geography.read_boundary_file(BOUNDARIES, "lsoa").codes[:40]
    rows = [f"{i:04x},2024-{1 + i % 12:02d},,,{codes[i % len(codes)]},Burglary" for i in range(400)]
    (tmp_path / "coded.csv").write_text("Crime ID,Month,Longitude,Latitude,LSOA code,Crime type\n"
                                        + "\n".join(rows) + "\n", encoding="utf-8")
    out = jin_hub("--db", dbp, "--secret-file", str(tmp_path / "hub.secret"), "ingest", "scale_crime",
                  str(tmp_path / "coded.csv"), "--cutoff", "2024-12")
    assert out.returncode == 0, out.stderr
    assert "400 accepted" in out.stdout and "placed" in out.stdout and "published" in out.stdout
    assert "have a point in another area" not in out.stdout
