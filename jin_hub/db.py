"""The hub database: schema and connections (SQLite, embedded by default, or PostgreSQL/PostGIS:
``jin_hub.backends``).

Published data is keyed by release so an ingest builds a complete new release beside the current
one and switches the dataset's pointer in one transaction: readers never see half a release, and
a crash mid-ingest leaves the last good release serving.
"""

from __future__ import annotations

from collections.abc import Sequence

from jin_hub import backends
from jin_hub.backends import Connection, Locator, sqlite
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
CREATE TABLE IF NOT EXISTS boundary_levels (  -- a geography's web-map levels, made once when it is loaded
    geography TEXT NOT NULL,
    metres    INTEGER NOT NULL,          -- jin_hub.simplified.LEVELS (not 0: that is the areas as loaded)
    etag      TEXT NOT NULL,             -- the geography's etag when made: a level of other areas is not used
    body      BLOB NOT NULL,             -- the FeatureCollection (CRS84), gzipped as it is sent
    PRIMARY KEY (geography, metres)
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
CREATE TABLE IF NOT EXISTS web_sessions (  -- signed-in web pages: a hash of each session's id, never the id
    id_hash  TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    expires  REAL NOT NULL
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
CREATE TABLE IF NOT EXISTS reference_datasets (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    geography     TEXT NOT NULL,
    indicators    TEXT NOT NULL,       -- JSON list of Indicator, in the file's column order
    source_name   TEXT NOT NULL,       -- the file it was loaded from
    source_sha256 TEXT NOT NULL,
    publisher     TEXT NOT NULL,
    licence       TEXT NOT NULL,
    attribution   TEXT NOT NULL,
    loaded_at     TEXT NOT NULL,
    areas         INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reference_values (
    dataset   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    area_code TEXT NOT NULL,
    value     REAL,                    -- NULL where the file leaves the cell empty
    PRIMARY KEY (dataset, indicator, area_code)
) WITHOUT ROWID;
""" + backends.CHANGES + "".join(
    f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()} AFTER {event} ON {table} "
    f"BEGIN {backends.COUNT_CHANGE}; END;\n"
    for table in backends.WATCHED for event in ("INSERT", "UPDATE", "DELETE"))


class Rows:
    """Rows for a table laid out row by row in one flat list, filled a column at a time by slice
    assignment (in C, never a tuple per row), so columns known early can be laid out while others
    are still being made; inserted in bulk by the backend (``insert_rows``)."""

    def __init__(self, table: str, names: Sequence[str], n: int):
        self.table, self.names, self.n = table, list(names), n
        self.flat: list = [None] * (n * len(self.names))

    def fill(self, name: str, values: Sequence, start: int = 0) -> None:
        """Set column ``name`` of the rows from ``start`` on, one value per row (columns never
        filled stay NULL)."""
        width = len(self.names)
        first = start * width + self.names.index(name)
        self.flat[first:first + len(values) * width:width] = values

    def insert(self, conn: Connection, start: int = 0, stop: int | None = None) -> None:
        """Insert rows ``start`` to ``stop`` (all by default)."""
        stop = self.n if stop is None else stop
        if stop > start:
            conn.insert_rows(self.table, self.names, self.flat, start, stop)


def insert_columns(conn: Connection, table: str, names: Sequence[str], columns: Sequence[Sequence]) -> None:
    """Insert rows given as equal-length columns (``Rows``)."""
    rows = Rows(table, names, len(columns[0]) if columns else 0)
    for name, column in zip(names, columns):
        rows.fill(name, column)
    rows.insert(conn)


def connect(locator: Locator) -> Connection:
    """Open (creating if needed) the hub database at ``locator`` with the schema in place."""
    if backends.is_postgres(locator):
        from jin_hub.backends import postgres

        return postgres.connect(str(locator), SCHEMA, VIEWS, VERSION)
    return sqlite.connect(locator, SCHEMA, VIEWS, VERSION)


def open_readonly(locator: Locator) -> Connection:
    """Open an existing hub database for serving; refuse to invent an empty one."""
    if backends.is_postgres(locator):
        from jin_hub.backends import postgres

        return postgres.open_readonly(str(locator))
    return sqlite.open_readonly(locator)


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

#: The schema's version (SQLite: ``PRAGMA user_version``; PostgreSQL: ``jin_schema``).
VERSION = 7
