"""The hub database: schema and connections (SQLite, embedded by default).

Published data is keyed by release so an ingest builds a complete new release beside the current
one and switches the dataset's pointer in one transaction: readers never see half a release, and
a crash mid-ingest leaves the last good release serving.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from jin_hub.nesting import GEOGRAPHIES

RECORDS = """
CREATE TABLE IF NOT EXISTS records (   -- cleansed, depersonalised record-level data (authorised roles only)
    id           INTEGER PRIMARY KEY,  -- release no × 2^32 + source line: a release's records are one range
    period       TEXT NOT NULL,        -- month only: exact dates and times are never kept
    category     TEXT NOT NULL,
    area_code    TEXT NOT NULL,        -- at the release's finest geography; the coarser ones via nesting
    record_key   TEXT,                 -- keyed pseudonym of the partner's reference (or UPN)
    person_key   TEXT,                 -- keyed pseudonym of name + date of birth (links datasets)
    caller_key   TEXT,
    address_key  TEXT
);
"""

SCHEMA = RECORDS + """
CREATE TABLE IF NOT EXISTS areas (
    geography     TEXT NOT NULL,
    area_code     TEXT NOT NULL,
    area_name     TEXT NOT NULL,
    district_code TEXT,
    district_name TEXT,
    minx REAL, miny REAL, maxx REAL, maxy REAL,             -- EPSG:27700 bounds
    lon_min REAL, lat_min REAL, lon_max REAL, lat_max REAL, -- CRS84 bounds, for OGC bbox filters
    geom_wkb      BLOB NOT NULL,       -- EPSG:27700
    geojson_bng   TEXT NOT NULL,       -- geometry member, EPSG:27700
    geojson_crs84 TEXT NOT NULL,       -- geometry member, OGC:CRS84
    PRIMARY KEY (geography, area_code)
);
CREATE TABLE IF NOT EXISTS geographies (
    geography   TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    source      TEXT NOT NULL,
    n_areas     INTEGER NOT NULL,
    etag        TEXT NOT NULL,
    body_bng    BLOB NOT NULL,         -- prebuilt FeatureCollection (EPSG:27700), served as is
    loaded_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS area_grids (  -- a geography's area_grid, kept so an ingest loads it, not builds it
    geography   TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,           -- of the areas it was built from (geography._fingerprint)
    x0 REAL NOT NULL, y0 REAL NOT NULL, cell REAL NOT NULL, nx INTEGER NOT NULL, ny INTEGER NOT NULL,
    label       BLOB NOT NULL            -- each cell's area index, OUTSIDE or NEAR_EDGE: int32, zlib
);
CREATE TABLE IF NOT EXISTS dataset_definitions (  -- registered by the admin (jin-hub datasets add)
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,                     -- the file's name when registered
    text TEXT NOT NULL,                     -- the definition (TOML) as written
    sha256 TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
    id              TEXT PRIMARY KEY,
    current_release TEXT
);
CREATE TABLE IF NOT EXISTS releases (
    id            TEXT PRIMARY KEY,
    dataset       TEXT NOT NULL,
    created       TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    status        TEXT NOT NULL,       -- building (its records written, no reader shown it) or complete
    report        TEXT NOT NULL,       -- JSON run report
    no            INTEGER UNIQUE,      -- release number: numbers its records (records.id)
    geography     TEXT                 -- the finest geography, where its records are placed
);
CREATE TABLE IF NOT EXISTS aggregates (
    release_id TEXT NOT NULL,
    geography  TEXT NOT NULL,
    period     TEXT NOT NULL,          -- YYYY-MM, YYYY, FYyyyy or L12-YYYY-MM (jin_hub.periods)
    category   TEXT NOT NULL,          -- 'all' or a category name
    area_code  TEXT NOT NULL,
    count      INTEGER,                -- NULL when suppressed
    suppressed INTEGER NOT NULL,
    PRIMARY KEY (release_id, geography, period, category, area_code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS geography_pairs (
    child       TEXT NOT NULL,
    parent      TEXT NOT NULL,
    nested      INTEGER NOT NULL,
    worst_share REAL NOT NULL,         -- smallest share of a child area inside its parent
    PRIMARY KEY (child, parent)
);
CREATE TABLE IF NOT EXISTS nesting (
    child       TEXT NOT NULL,
    child_code  TEXT NOT NULL,
    parent      TEXT NOT NULL,
    parent_code TEXT NOT NULL,
    PRIMARY KEY (child, child_code, parent)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lsoa_changes (  -- ONS LSOA 2011 -> 2021 lookup (jin_hub.vintages)
    lsoa11_code TEXT NOT NULL,
    lsoa21_code TEXT NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('U', 'S', 'M', 'X')),  -- unchanged, split, merged, redrawn
    PRIMARY KEY (lsoa11_code, lsoa21_code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS denominators (
    measure   TEXT NOT NULL,           -- population | pupils
    geography TEXT NOT NULL,
    area_code TEXT NOT NULL,
    value     INTEGER NOT NULL,
    source    TEXT NOT NULL,
    PRIMARY KEY (measure, geography, area_code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agencies (   -- partners party to the data sharing protocol
    id      TEXT PRIMARY KEY,            -- short id, e.g. notts-police
    name    TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    username      TEXT PRIMARY KEY,
    agency        TEXT NOT NULL REFERENCES agencies(id),
    role          TEXT NOT NULL CHECK (role IN ('analyst', 'admin')),
    password_hash TEXT NOT NULL,         -- argon2id
    disabled      INTEGER NOT NULL DEFAULT 0,
    created       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_id     TEXT PRIMARY KEY,         -- public half of the key
    username   TEXT NOT NULL REFERENCES users(username),
    key_sha256 TEXT NOT NULL,            -- the secret half is random (256 bits), so a plain hash suffices
    label      TEXT NOT NULL,
    created    TEXT NOT NULL,
    revoked    TEXT
);
CREATE TABLE IF NOT EXISTS sign_in_failures (  -- per user name (existing or not) and client address;
    username     TEXT NOT NULL,                 -- '*': the address's failures across all names
    client       TEXT NOT NULL,
    failures     INTEGER NOT NULL,              -- wrong passwords in a row ('*': checks not yet forgotten)
    locked_until TEXT,
    tries        INTEGER NOT NULL DEFAULT 0,    -- passwords checked since `since`
    since        TEXT NOT NULL,                 -- when the tries began ('*': when the next is forgotten)
    PRIMARY KEY (username, client)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS grants (     -- record-level access under the data sharing protocol
    agency     TEXT NOT NULL REFERENCES agencies(id),
    dataset    TEXT NOT NULL,
    protocol   TEXT NOT NULL,            -- the agreement that allows it
    granted    TEXT NOT NULL,
    PRIMARY KEY (agency, dataset)
);
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS zones (      -- named areas of interest: unions of areas of one geography
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,             -- district | ward | csp | user
    geography TEXT NOT NULL,
    areas     TEXT NOT NULL,             -- JSON list of area codes
    created   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (  -- append-only, hash-chained: who saw what, when, and why
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    username  TEXT,
    agency    TEXT,
    role      TEXT NOT NULL,
    method    TEXT NOT NULL,
    endpoint  TEXT NOT NULL,
    dataset   TEXT,
    params    TEXT NOT NULL,             -- JSON query parameters
    purpose   TEXT,
    status    INTEGER NOT NULL,
    rows      INTEGER NOT NULL,
    client    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS quarantine (
    release_id  TEXT NOT NULL,
    source_line INTEGER NOT NULL,      -- 1-based line in the partner's file (header = 1)
    reason      TEXT NOT NULL,         -- never carries personal fields
    PRIMARY KEY (release_id, source_line)
) WITHOUT ROWID;
"""


#: Rows per INSERT statement at most: enough that SQLite's per-statement work is spread thin.
ROWS_PER_STATEMENT = 500


class Rows:
    """Rows for a table laid out row by row in one flat list, filled a column at a time by slice
    assignment (in C, never a tuple per row), so columns known early can be laid out while others
    are still being made; inserted many rows per statement, which binds and steps a million rows
    about 30 % faster than ``executemany`` one row at a time."""

    def __init__(self, table: str, names: Sequence[str], n: int):
        self.table, self.names, self.n = table, list(names), n
        self.flat: list = [None] * (n * len(self.names))

    def fill(self, name: str, values: Sequence, start: int = 0) -> None:
        """Set column ``name`` of the rows from ``start`` on, one value per row (columns never
        filled stay NULL)."""
        width = len(self.names)
        first = start * width + self.names.index(name)
        self.flat[first:first + len(values) * width:width] = values

    def insert(self, conn: sqlite3.Connection, start: int = 0, stop: int | None = None) -> None:
        """Insert rows ``start`` to ``stop`` (all by default), as many per statement as SQLite's
        variable limit allows (up to ``ROWS_PER_STATEMENT``), the rest in one last statement."""
        n = (self.n if stop is None else stop) - start
        if n <= 0:
            return
        width = len(self.names)
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if hasattr(conn, "getlimit") else 999
        per = max(1, min(ROWS_PER_STATEMENT, limit // width, n))
        head = f"INSERT INTO {self.table} ({', '.join(self.names)}) VALUES "
        row = f"({', '.join('?' * width)})"
        flat, step = self.flat, per * width
        first, whole, end = start * width, (start + n // per * per) * width, (start + n) * width
        conn.executemany(head + ", ".join([row] * per), (flat[i:i + step] for i in range(first, whole, step)))
        if whole < end:
            conn.execute(head + ", ".join([row] * ((end - whole) // width)), flat[whole:end])


def insert_columns(conn: sqlite3.Connection, table: str, names: Sequence[str], columns: Sequence[Sequence]) -> None:
    """Insert rows given as equal-length columns (``Rows``)."""
    rows = Rows(table, names, len(columns[0]) if columns else 0)
    for name, column in zip(names, columns):
        rows.fill(name, column)
    rows.insert(conn)


#: Page size of a new hub database: a million records are written and checkpointed about a tenth
#: faster than with SQLite's default 4 KB pages, and an audit-log append still writes little.
PAGE_BYTES = 16384


class Checkpointer:
    """The WAL checkpoint after a big commit, run on a connection of its own in a thread while
    ``conn`` goes on (sqlite3 lets go of the GIL while SQLite works), instead of inside the commit.

    Automatic checkpoints are off on ``conn`` until ``close``, which waits for the thread and
    turns them back on; a checkpoint that cannot run is left to SQLite's next one.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        (self.pages,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        self.path = next((file for _, name, file in conn.execute("PRAGMA database_list") if name == "main"), "")
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


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) the hub database with the schema in place."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")          # wait for an ingest's commit rather than fail
    conn.execute(f"PRAGMA page_size={PAGE_BYTES}")      # takes effect only in a new database
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(SCHEMA)
    _migrate(conn)
    conn.executescript(VIEWS)
    return conn


_AREA_AT = ("CASE WHEN rel.geography = '{0}' THEN r.area_code ELSE (SELECT parent_code FROM nesting n "
            "WHERE n.child = rel.geography AND n.child_code = r.area_code AND n.parent = '{0}') END AS {0}_code")

#: Each record with its release and its area at every geography nesting above the finest (NULL at
#: geographies that do not nest, and at all of the other census family): the readable form of
#: ``records``, for the records API and hub SQL.
VIEWS = f"""
CREATE VIEW IF NOT EXISTS record_areas AS
SELECT r.id, rel.id AS release_id, r.id & 4294967295 AS source_line, r.period, r.category, r.area_code,
       {", ".join(_AREA_AT.format(g) for g in GEOGRAPHIES)},
       r.record_key, r.person_key, r.caller_key, r.address_key
FROM records r JOIN releases rel ON rel.no = r.id >> 32 AND rel.status = 'complete';
"""

#: ``PRAGMA user_version`` of the current schema.
VERSION = 4


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a hub database made by an earlier JiN up to ``VERSION`` (idempotent, one transaction).

    Version 1 numbers releases and keeps each record's area at the finest geography only, keyed
    by release number and line (a third of the size, and a big ingest writes it twice as fast).
    Version 2 shows records only of complete releases in ``record_areas`` (re-created after).
    Version 3 counts failed sign-ins per user name and client address (``sign_in_failures``); the
    per-name ``login_failures`` it replaces held only passing lock-outs and is dropped.
    Version 4 gives ``record_areas`` a column per 2021 geography too (re-created after).
    """
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version >= VERSION:
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
        conn.execute(f"PRAGMA user_version = {VERSION}")


def open_readonly(path: Path | str) -> sqlite3.Connection:
    """Open an existing hub database for serving; refuse to invent an empty one."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"hub database {path} does not exist: load boundaries and ingest a dataset first "
            "(jin-hub load-boundaries ..., jin-hub ingest ...)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    return conn
