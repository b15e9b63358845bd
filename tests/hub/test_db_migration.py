"""A hub database made by an earlier JiN (records with an area column per level, releases not
numbered) is brought up to date on first open, and serves the same records afterwards."""

from __future__ import annotations

import sqlite3

import pytest

from jin_hub import db
from jin_hub.store import Store
from tests.conftest import snapshot_db

pytestmark = pytest.mark.sqlite_only(reason="migrates hub files made by older JiN versions (SQLite only)")

OLD_RECORDS = """
CREATE TABLE records (
    release_id TEXT NOT NULL, source_line INTEGER NOT NULL, period TEXT NOT NULL, category TEXT NOT NULL,
    oa_code TEXT, lsoa_code TEXT, msoa_code TEXT, ward_code TEXT, district_code TEXT,
    record_key TEXT, person_key TEXT, caller_key TEXT, address_key TEXT,
    PRIMARY KEY (release_id, source_line)
) WITHOUT ROWID"""
OLD_RELEASES = """
CREATE TABLE releases (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, created TEXT NOT NULL, source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL, status TEXT NOT NULL, report TEXT NOT NULL
)"""


def make_old(path) -> None:
    """Rewrite a current hub database into the layout of JiN before schema version 1."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(f"""
        BEGIN;
        CREATE TABLE old_records AS SELECT release_id, source_line, period, category, oa_code, lsoa_code,
            msoa_code, ward_code, district_code, record_key, person_key, caller_key, address_key FROM record_areas;
        DROP VIEW record_areas;
        DROP TABLE records;
        {OLD_RECORDS};
        INSERT INTO records SELECT * FROM old_records;
        DROP TABLE old_records;
        CREATE TABLE old_releases AS SELECT id, dataset, created, source_name, source_sha256, status, report
            FROM releases;
        DROP TABLE releases;
        {OLD_RELEASES};
        INSERT INTO releases SELECT * FROM old_releases;
        DROP TABLE old_releases;
        PRAGMA user_version = 0;
        COMMIT;""")
    conn.close()


def every_record(path) -> dict[str, list[tuple]]:
    store = Store(path)
    return {d: store.records(d, None, None, None, 1_000_000, 0)[2] for d in ("police_crime", "school_attendance")}


def test_an_old_hub_database_is_migrated_and_serves_the_same_records(hub_db_path, tmp_path):
    path = snapshot_db(hub_db_path, tmp_path / "old.sqlite")
    before = every_record(path)
    zone = {"id": "z", "geography": "district", "areas": ["E06000018"]}
    in_zone = Store(path).records("police_crime", None, None, zone, 1_000_000, 0)[1:]
    assert 0 < in_zone[0] < sum(map(len, before.values()))
    make_old(path)
    old = sqlite3.connect(path)
    assert "oa_code" in {row[1] for row in old.execute("PRAGMA table_info(records)")}
    old.close()

    db.connect(path).close()                       # what the CLI and the server do on start-up
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (db.VERSION,)
    assert {row[1] for row in conn.execute("PRAGMA table_info(records)")} >= {"id", "area_code"}
    assert every_record(path) == before
    assert all(rows for rows in before.values())
    assert Store(path).records("police_crime", None, None, zone, 1_000_000, 0)[1:] == in_zone
    db.connect(path).close()                       # a second open changes nothing
    assert every_record(path) == before
