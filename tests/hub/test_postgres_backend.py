"""The PostgreSQL backend: what only it has (PostGIS geometry, COPY, triggers, advisory write
lock) and its bad input, each a clear message and exit 2 with nothing half-created."""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading

import psycopg
import pytest

from jin_hub import backends, cli, db
from jin_hub.access import auditlog
from jin_hub.api.app import CONNECTIONS
from jin_hub.backends import BackendError, postgres
from tests.conftest import ROOT


def jin_hub(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jin_hub", "--db", url, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {name for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_an_unreachable_server_is_named_with_the_fix(pg_server):
    url = pg_server.url("anything").replace(f":{pg_server.port}/", ":1/")
    done = jin_hub(url, "status")
    assert done.returncode == 2, done.stderr
    assert "cannot reach PostgreSQL" in done.stderr and "is the server running" in done.stderr
    assert pg_server.password not in done.stderr and "***" in done.stderr     # the password is never printed
    assert "Traceback" not in done.stderr


def test_wrong_credentials_name_the_user(pg_server, pg_url):
    done = jin_hub(pg_server.url(pg_url.rsplit("/", 1)[1], password="wrong"), "users", "list")
    assert done.returncode == 2, done.stderr
    assert "PostgreSQL refused user jin" in done.stderr and "Traceback" not in done.stderr


def test_a_missing_database_says_how_to_create_it(pg_server):
    done = jin_hub(pg_server.url("no_such_hub"), "users", "list")
    assert done.returncode == 2 and "createdb -O jin no_such_hub" in done.stderr, done.stderr


def test_a_database_without_postgis_is_refused_and_left_empty(pg_server):
    url = pg_server.create("no_postgis", postgis=False)
    try:
        done = jin_hub(url, "users", "list")
        assert done.returncode == 2, done.stderr
        assert "has no PostGIS" in done.stderr and "postgresql-15-postgis-3" in done.stderr
        assert tables(url) == set()                                   # nothing half-created
    finally:
        pg_server.drop("no_postgis")


def test_a_schema_from_a_newer_jin_is_refused_untouched(pg_url):
    db.connect(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE jin_schema SET version = %s", (db.VERSION + 1,))
    before = tables(pg_url)
    done = jin_hub(pg_url, "users", "list")
    assert done.returncode == 2 and "newer than this jin-hub" in done.stderr, done.stderr
    assert tables(pg_url) == before
    with pytest.raises(BackendError, match="no JiN hub"):                     # serving a database without one
        db.open_readonly(pg_url.rsplit("/", 1)[0] + "/postgres")


def test_types_follow_sqlite_and_text_sorts_bytewise(pg_url):
    conn = db.connect(pg_url)
    columns = dict(conn.execute("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_name = 'records'").fetchall())
    assert columns["id"] == "bigint"                        # release no × 2^32 + line needs 64 bits
    conn.execute("INSERT INTO settings VALUES (?, ?), (?, ?), (?, ?)", ("b", "1", "B", "2", "a", "3"))
    assert [k for (k,) in conn.execute("SELECT key FROM settings ORDER BY key")] == ["B", "a", "b"]


def test_areas_get_postgis_geometry_with_a_gist_index(pg_url):
    from shapely import box, to_wkb

    conn = db.connect(pg_url)
    conn.execute("INSERT INTO areas VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 ("lsoa", "E01000001", "A", None, None, 0, 0, 10, 10, 0, 0, 1, 1, to_wkb(box(0, 0, 10, 10)),
                  "{}", "{}"))
    area, srid = conn.execute("SELECT ST_Area(geom), ST_SRID(geom) FROM areas").fetchone()
    assert (area, srid) == (100.0, 27700)
    assert conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'areas_geom'").fetchone()[0].count("gist")


def test_bulk_rows_go_through_copy_exactly(pg_url):
    conn = db.connect(pg_url)
    rows = [(i << 32 | i, "2024-01", "burglary", f"E0{i}", None if i % 3 else f"k{i}", None, None, None)
            for i in range(1, 2001)]
    with conn:
        conn.begin_write()
        db.insert_columns(conn, "records", ["id", "period", "category", "area_code", "record_key", "person_key",
                                            "caller_key", "address_key"], [list(c) for c in zip(*rows)])
    assert conn.execute("SELECT * FROM records ORDER BY id").fetchall() == rows


def test_the_audit_log_refuses_update_delete_and_truncate(pg_url):
    conn = db.connect(pg_url)
    auditlog.append_rows(conn, [("2026-01-01T00:00:00Z", "a", "x", "analyst", "GET", "/", None, "{}", None, 200, 1,
                                 "127.0.0.1")])
    for statement in ("UPDATE audit_log SET status = 500", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute(statement)
    assert auditlog.verify(conn) == (1, [])


def test_writers_take_turns_under_the_advisory_lock(pg_url):
    """Two connections appending at once: the chain holds (each reads the last hash under the lock)."""
    db.connect(pg_url).close()
    row = ("2026-01-01T00:00:00Z", "a", "x", "analyst", "GET", "/", None, "{}", None, 200, 1, "127.0.0.1")

    def append(times: int) -> None:
        conn = db.connect(pg_url)
        for _ in range(times):
            auditlog.append_rows(conn, [row, row])
        conn.close()

    threads = [threading.Thread(target=append, args=(40,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert auditlog.verify(db.connect(pg_url)) == (320, [])


def test_the_dialect_keeps_literals_and_doubles_percent():
    assert postgres.dialect("SELECT '?%' || ? WHERE a LIKE 'x%' AND b = ?") == \
        "SELECT '?%%' || %s WHERE a LIKE 'x%%' AND b = %s"
    assert backends.shown("postgresql://jin:secret@host:5432/hub") == "postgresql://jin:***@host:5432/hub"
    assert backends.shown("postgresql://jin:p%40ss%3Aword@host/hub") == "postgresql://jin:***@host/hub"


def test_a_hub_serves_on_after_postgresql_restarts():
    """Connections broken by a server restart are made again: every request after it is answered
    (and audited) as before, none meets the break as an error."""
    import requests

    from jin_hub.access import accounts
    from jin_hub.local_server import start_hub
    from tests.pg_server import Server

    server = Server()
    try:
        url = server.create("restarted")
        conn = db.connect(url)
        accounts.add_agency(conn, "hub", "JiN hub team")
        accounts.add_user(conn, "admin.user", "hub", "admin", "a long enough password 1")
        conn.close()
        hub = start_hub(url)
        auth = ("admin.user", "a long enough password 1")
        try:
            assert requests.get(f"{hub.url}/api/v1/catalogue", auth=auth, timeout=30).status_code == 200
            server.restart()
            statuses = [requests.get(f"{hub.url}/api/v1/catalogue", auth=auth, timeout=30).status_code
                        for _ in range(4)]
        finally:
            hub.stop()
        assert statuses == [200, 200, 200, 200], statuses
        assert auditlog.verify(db.connect(url))[1] == []
    finally:
        server.stop()


def test_serving_warns_when_its_processes_may_open_too_many_connections(pg_url, capsys):
    """Each process opens up to ``CONNECTIONS``: more than the server allows in all fails requests
    under load, so ``serve`` says so before it starts, with the setting to change."""
    allowed = db.connect(pg_url).connections_allowed()
    enough = argparse.Namespace(db=pg_url, workers=max(1, allowed // CONNECTIONS))
    cli._check_connections(enough)
    assert "warning" not in capsys.readouterr().err
    cli._check_connections(argparse.Namespace(db=pg_url, workers=allowed // CONNECTIONS + 1))
    warned = capsys.readouterr().err
    assert f"the server lets this hub open {allowed}" in warned and "max_connections" in warned
