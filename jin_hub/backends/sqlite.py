"""The embedded backend: one SQLite file in WAL mode, many readers and one writer at a time."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import threading
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import pandas as pd

#: Rows per INSERT statement at most: enough that SQLite's per-statement work is spread thin.
ROWS_PER_STATEMENT = 500
#: Page size of a new hub database: a million records are written and checkpointed about a tenth
#: faster than with SQLite's default 4 KB pages, and an audit-log append still writes little.
PAGE_BYTES = 16384


class Connection(sqlite3.Connection):
    """An SQLite connection with the hub's backend methods (``jin_hub.backends``)."""

    kind = "sqlite"
    broken = False                    # (a file: nothing to lose the connection to)
    json_values = "SELECT value FROM json_each(?)"

    @property
    def locator(self) -> str:
        return next((file for _, name, file in self.execute("PRAGMA database_list") if name == "main"), "")

    def begin_write(self) -> None:
        """Begin a transaction holding the database's write lock (writers queue for it)."""
        self.execute("BEGIN IMMEDIATE")

    def insert_rows(self, table: str, names: Sequence[str], flat: list, start: int, stop: int) -> None:
        """Insert rows ``start`` to ``stop`` of ``flat`` (row by row, ``len(names)`` values each),
        as many per statement as SQLite's variable limit allows (up to ``ROWS_PER_STATEMENT``):
        binding and stepping a million rows this way is about 30 % faster than ``executemany``
        one row at a time."""
        n, width = stop - start, len(names)
        per = max(1, min(ROWS_PER_STATEMENT, self.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width, n))
        head = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
        row = f"({', '.join('?' * width)})"
        step = per * width
        first, whole, end = start * width, (start + n // per * per) * width, (start + n) * width
        self.executemany(head + ", ".join([row] * per), (flat[i:i + step] for i in range(first, whole, step)))
        if whole < end:
            self.execute(head + ", ".join([row] * ((end - whole) // width)), flat[whole:end])

    def frame(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        """The rows of ``sql`` as a DataFrame."""
        cur = self.execute(sql, params)
        return pd.DataFrame.from_records(cur.fetchall(), columns=[d[0] for d in cur.description])

    def has_table(self, name: str) -> bool:
        found = self.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return found.fetchone() is not None

    def connections_allowed(self) -> None:
        return None

    def begin_snapshot(self) -> None:
        """Begin a read transaction: every query sees the database as it was when the first ran."""
        self.execute("BEGIN")

    def streamed(self, sql: str) -> sqlite3.Cursor:
        """The rows of ``sql``, stepped through as they are fetched (``fetchmany``)."""
        return self.execute(sql)

    def resume_numbering(self, table: str, column: str) -> None:
        """Nothing to do: SQLite's AUTOINCREMENT goes on past the largest number inserted."""

    def checkpointer(self) -> Checkpointer:
        return Checkpointer(self)

    def staging(self) -> Path:
        """Where files ingested together are joined: beside the database (same disk, same
        permissions), or the system's temporary folder for an in-memory one."""
        path = self.locator
        return Path(path).parent / "staging" if path else Path(tempfile.gettempdir()) / "jin-staging"


class Checkpointer:
    """The WAL checkpoint after a big commit, run on a connection of its own in a thread while
    ``conn`` goes on (sqlite3 lets go of the GIL while SQLite works), instead of inside the commit.

    Automatic checkpoints are off on ``conn`` until ``close``, which waits for the thread and
    turns them back on; a checkpoint that cannot run is left to SQLite's next one.
    """

    def __init__(self, conn: Connection):
        self.conn = conn
        (self.pages,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        self.path = conn.locator
        self.thread: threading.Thread | None = None
        conn.execute("PRAGMA wal_autocheckpoint = 0")

    def start(self) -> None:
        """Checkpoint what is committed so far, in the background."""
        if self.path and self.thread is None:
            self.thread = threading.Thread(target=self._checkpoint, name="jin-checkpoint", daemon=True)
            self.thread.start()

    def _checkpoint(self) -> None:
        with contextlib.suppress(sqlite3.Error), closing(sqlite3.connect(self.path)) as other:
            other.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        if self.thread is not None:
            self.thread.join()
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(self.pages)}")

    def __enter__(self) -> Checkpointer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def connect(path: Path | str, schema: str, views: str, version: int) -> Connection:
    """Open (creating if needed) the database at ``path`` with ``schema`` and ``views`` in place,
    brought up to schema ``version``."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, factory=Connection)
    conn.execute("PRAGMA busy_timeout=30000")          # wait for an ingest's commit rather than fail
    conn.execute(f"PRAGMA page_size={PAGE_BYTES}")      # takes effect only in a new database
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(schema)
    _migrate(conn, version)
    conn.executescript(views)
    return conn


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring a hub database made by an earlier JiN up to ``version`` (idempotent, one transaction).

    Version 1 numbers releases and keeps each record's area at the finest geography only, keyed
    by release number and line (a third of the size, and a big ingest writes it twice as fast).
    Version 2 shows records only of complete releases in ``record_areas`` (re-created after).
    Version 3 counts failed sign-ins per user name and client address (``sign_in_failures``); the
    per-name ``login_failures`` it replaces held only passing lock-outs and is dropped.
    Version 4 gives ``record_areas`` a column per 2021 geography too (re-created after).
    Version 5 counts changes to what the hub publishes (``hub_changes``, kept by triggers).
    Version 6 keeps the signed-in web sessions (``web_sessions``), so signing out ends one.
    Version 7 keeps each geography's web-map levels (``boundary_levels``), made when it is loaded;
    a hub loaded before makes them when first asked, as it did.
    """
    from jin_hub.db import RECORDS

    (found,) = conn.execute("PRAGMA user_version").fetchone()
    if found >= version:
        return
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        if "no" not in {row[1] for row in conn.execute("PRAGMA table_info(releases)")}:
            conn.execute("ALTER TABLE releases ADD COLUMN no INTEGER")
            conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS releases_no ON releases(no)")
            conn.execute("ALTER TABLE releases ADD COLUMN geography TEXT")
            conn.execute("UPDATE releases SET no = (SELECT count(*) FROM releases r WHERE r.rowid <= releases.rowid), "
                         "geography = json_extract(report, '$.geography')")
        if "oa_code" in {row[1] for row in conn.execute("PRAGMA table_info(records)")}:
            conn.execute("ALTER TABLE records RENAME TO records_v0")
            conn.execute(RECORDS)
            conn.execute(
                "INSERT INTO records SELECT (r.no << 32) + o.source_line, o.period, o.category, "
                "coalesce(o.oa_code, o.lsoa_code, o.msoa_code, o.ward_code, o.district_code), "
                "o.record_key, o.person_key, o.caller_key, o.address_key "
                "FROM records_v0 o JOIN releases r ON r.id = o.release_id")
            conn.execute("DROP TABLE records_v0")
        conn.execute("DROP TABLE IF EXISTS login_failures")
        conn.execute("DROP VIEW IF EXISTS record_areas")
        conn.execute(f"PRAGMA user_version = {version}")


def open_readonly(path: Path | str) -> Connection:
    """Open an existing hub database for serving; refuse to invent an empty one."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"hub database {path} does not exist: load boundaries and ingest a dataset first "
            "(jin-hub load-boundaries ..., jin-hub ingest ...)")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, factory=Connection)
