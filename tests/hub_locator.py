"""Where the tests' hubs live: SQLite files (the default), or, with ``JIN_TEST_DB=postgresql``,
databases on this test process's own PostgreSQL server (``tests.pg_server``), so the same hub
tests, asserting the same things, run on both backends.

A test names its hub by the SQLite path it would use; on PostgreSQL that path maps to a database
named after it (the same path, the same database), created empty with PostGIS.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from jin_hub.backends import Locator, is_postgres

#: The backend the hub tests run on: sqlite | postgresql.
BACKEND = os.environ.get("JIN_TEST_DB", "sqlite")
ON_POSTGRES = BACKEND == "postgresql"

_server = None


def server():
    """This process's PostgreSQL server, started on first use (stopped at exit)."""
    global _server
    if _server is None:
        from tests.pg_server import Server

        _server = Server()
    return _server


def _name(path: Path | str) -> str:
    """The database a hub path stands for: readable, unique per path, within PostgreSQL's 63 bytes."""
    path = Path(path)
    return f"{path.parent.name[-30:]}_{path.stem[:12]}_{hashlib.sha1(str(path).encode()).hexdigest()[:10]}"


def exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(server().admin("postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def new_hub(path: Path) -> Locator:
    """The hub at ``path`` (an SQLite file), or on PostgreSQL its database, created empty if new."""
    if not ON_POSTGRES:
        return path
    name = _name(path)
    return server().url(name) if exists(name) else server().create(name)


def copy_hub(source: Locator, copy: Path) -> Locator:
    """A consistent copy of the hub at ``source`` (live ones too) at ``copy``, or on PostgreSQL
    in the database ``copy`` names: a template copy, else (while the source has other sessions,
    which ``CREATE DATABASE … TEMPLATE`` refuses) a dump of it restored there."""
    if not is_postgres(source):
        import sqlite3

        with sqlite3.connect(copy) as target:
            sqlite3.connect(source).backup(target)
        return copy
    import psycopg

    from tests.pg_server import HUB_ROLE

    name, origin = _name(copy), urlsplit(str(source)).path.lstrip("/")
    with psycopg.connect(server().admin("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        try:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{origin}" OWNER {HUB_ROLE}')
            return server().url(name)
        except psycopg.errors.ObjectInUse:
            pass
    server().create(name)
    _dump_into(server().admin(origin), server().admin(name))
    return server().url(name)


def _dump_into(source: str, target: str) -> None:
    """``pg_dump source | pg_restore -d target`` (into a database that has PostGIS already)."""
    from tests.pg_server import binaries

    bin_dir = binaries()
    dump = subprocess.Popen([bin_dir / "pg_dump", "-Fc", "-d", source], stdout=subprocess.PIPE)
    subprocess.run([bin_dir / "pg_restore", "-d", target], stdin=dump.stdout, check=True, stderr=subprocess.PIPE)
    if dump.wait() != 0:
        raise RuntimeError(f"pg_dump of {source} failed")


def built_hub(name: str, build) -> Locator:
    """The run's build ``name`` of a hub on PostgreSQL, made by ``build(hub)`` (``hub``: the path
    standing for it) on this process's server the first time it is asked for: copies are made of it."""
    hub = Path("/built") / name / "hub.sqlite"
    if not exists(_name(hub)):
        build(hub)
    return server().url(_name(hub))


def dict_rows(locator: Locator, sql: str, params: tuple = ()) -> list[dict]:
    """The rows of ``sql`` on the hub at ``locator``, each a dict by column name (either backend)."""
    from jin_hub import db

    conn = db.connect(locator)
    try:
        cur = conn.execute(sql, params)
        names = [column[0] for column in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        conn.close()


def last_audit_seq(locator: Locator) -> int:
    """The audit log's last row number at ``locator``."""
    return dict_rows(locator, "SELECT coalesce(max(seq), 0) AS seq FROM audit_log")[0]["seq"]


#: Behind the hub's back, per backend: the audit log's append-only trigger dropped.
UNGUARD_AUDIT = {"sqlite": "DROP TRIGGER audit_log_no_update",
                 "postgresql": "DROP TRIGGER audit_log_no_change ON audit_log"}


def fail_audit(kind: str, status: int | None = None) -> str:
    """SQL (for backend ``kind``) making the trigger ``audit_block`` fail every audit row, or those
    of answers with ``status``, as a full disk would."""
    if kind == "sqlite":
        when = f"WHEN NEW.status = {status} " if status else ""
        return ("DROP TRIGGER IF EXISTS audit_block; CREATE TRIGGER audit_block BEFORE INSERT ON audit_log "
                f"{when}BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    test = f"NEW.status = {status}" if status else "true"
    return ("CREATE OR REPLACE FUNCTION audit_block() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {test} THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$; "
            "CREATE OR REPLACE TRIGGER audit_block BEFORE INSERT ON audit_log FOR EACH ROW "
            "EXECUTE FUNCTION audit_block()")


def absent_hub(path: Path) -> Locator:
    """Where the hub at ``path`` would be, made sure not to exist (no file; no database)."""
    if not ON_POSTGRES:
        return path
    server().drop(_name(path))
    return server().url(_name(path))


def stored_bytes(locator: Locator) -> bytes:
    """Every byte the hub at ``locator`` keeps: its SQLite file with its WAL, or a plain dump of
    its PostgreSQL database."""
    if not is_postgres(locator):
        path = Path(locator)
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))
    from tests.pg_server import binaries

    admin = server().admin(urlsplit(str(locator)).path.lstrip("/"))
    return subprocess.run([binaries() / "pg_dump", "-d", admin], check=True, capture_output=True).stdout


#: The query naming the hub's tables, per backend.
TABLES = {"sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
          "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"}
