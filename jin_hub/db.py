"""The hub database: schema and connections (SQLite, embedded by default).

Published data is keyed by release so an ingest builds a complete new release beside the current
one and switches the dataset's pointer in one transaction: readers never see half a release, and
a crash mid-ingest leaves the last good release serving.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
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
    status        TEXT NOT NULL,       -- building | complete
    report        TEXT NOT NULL        -- JSON run report
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
CREATE TABLE IF NOT EXISTS records (   -- cleansed, depersonalised record-level data (authorised roles only)
    release_id   TEXT NOT NULL,
    source_line  INTEGER NOT NULL,
    period       TEXT NOT NULL,      -- month only: exact dates and times are never kept
    category     TEXT NOT NULL,
    oa_code      TEXT, lsoa_code TEXT, msoa_code TEXT, ward_code TEXT, district_code TEXT,
    record_key   TEXT,               -- keyed pseudonym of the partner's reference (or UPN)
    person_key   TEXT,               -- keyed pseudonym of name + date of birth (links datasets)
    caller_key   TEXT,
    address_key  TEXT,
    PRIMARY KEY (release_id, source_line)
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
CREATE TABLE IF NOT EXISTS login_failures (  -- per user name, existing or not (no account enumeration)
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TEXT
);
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


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) the hub database with the schema in place."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")          # wait for an ingest's commit rather than fail
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(SCHEMA)
    return conn


def open_readonly(path: Path | str) -> sqlite3.Connection:
    """Open an existing hub database for serving; refuse to invent an empty one."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"hub database {path} does not exist: load boundaries and ingest a dataset first "
            "(jin-hub load-boundaries ..., jin-hub ingest ...)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    return conn
