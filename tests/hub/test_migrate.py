"""``jin-hub migrate``: a real hub copied from SQLite to a real PostgreSQL and back, served by real
hub processes; a target holding a hub, or out of reach, is refused with exit 2 and left as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import requests

from jin_hub import db
from jin_hub.access import auditlog
from jin_hub.local_server import start_hub
from jin_hub.migrate import tables
from tests.conftest import ANALYST, ROOT, snapshot_db

VALUES = ("/api/v1/values/police_crime/lsoa", {"period": "2024"})


def jin_hub(source: Path | str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(source), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)


def contents(locator: Path | str) -> dict[str, list[tuple]]:
    """Every hub table's rows, in a stable order."""
    conn = db.open_readonly(locator)
    try:
        return {t: sorted(map(tuple, conn.execute(f"SELECT {', '.join(names)} FROM {t}").fetchall()), key=repr)
                for t, names in tables().items()}
    finally:
        conn.close()


def values(locator: Path | str) -> bytes:
    with start_hub(locator) as hub:
        answer = requests.get(hub.url + VALUES[0], params=VALUES[1], auth=ANALYST, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.content


def test_a_hub_moves_to_postgresql_and_back_and_serves_the_same(hub_db_path, pg_url, tmp_path):
    source = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    served = values(source)                                                # (and audit rows to carry over)
    before = contents(source)
    assert before["audit_log"]
    done = jin_hub(source, "migrate", "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "the chain verifies" in done.stdout and "police_crime: published cells identical" in done.stdout
    assert contents(pg_url) == before                                      # every row of every table
    conn = db.connect(pg_url)
    assert conn.execute("SELECT count(*) FROM areas WHERE geom IS NULL").fetchone()[0] == 0    # PostGIS made

    back = tmp_path / "portable.sqlite"                                    # PostgreSQL -> SQLite
    assert jin_hub(pg_url, "migrate", "--to", str(back)).returncode == 0
    assert contents(back) == before

    n, broken = auditlog.verify(conn)
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert values(pg_url) == served                                        # the same bytes from either hub
    rows = conn.execute("SELECT seq, prev_hash FROM audit_log WHERE seq > ? ORDER BY seq", (last[0],)).fetchall()
    assert rows and rows[0] == (last[0] + 1, last[1])                     # numbered on from the copied rows
    assert auditlog.verify(conn) == (n + len(rows), broken)               # the chain goes on on PostgreSQL


def test_a_target_holding_a_hub_is_refused_untouched(hub_db_path, pg_url, tmp_path):
    conn = db.connect(pg_url)
    conn.execute("INSERT INTO agencies VALUES (?, ?, ?)", ("other", "Another hub's agency", "2026-01-01"))
    before = contents(pg_url)
    done = jin_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"), "migrate", "--to", pg_url)
    assert done.returncode == 2, done.stderr
    assert "already holds hub data (agencies)" in done.stderr and "Traceback" not in done.stderr
    assert contents(pg_url) == before


@pytest.mark.sqlite_only(reason="its source is an SQLite file holding text in a number column")
def test_a_row_the_target_refuses_leaves_it_empty(hub_db_path, pg_url, tmp_path):
    """Text in a number column (SQLite keeps it, PostgreSQL will not): refused late in the copy,
    after the records went in, and rolled back."""
    source = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    with closing(sqlite3.connect(source)) as conn, conn:
        conn.execute("INSERT INTO sign_in_failures VALUES ('x', '127.0.0.1', 'many', NULL, 0, '2026-01-01')")
    done = jin_hub(source, "migrate", "--to", pg_url)
    assert done.returncode == 2, done.stderr
    assert "refused a row of sign_in_failures, so nothing was written" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not any(contents(pg_url).values())


def test_an_unreachable_target_is_refused(hub_db_path, pg_server, tmp_path):
    url = pg_server.url("anything").replace(f":{pg_server.port}/", ":1/")
    done = jin_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"), "migrate", "--to", url)
    assert done.returncode == 2, done.stderr
    assert "cannot reach PostgreSQL" in done.stderr and "Traceback" not in done.stderr
