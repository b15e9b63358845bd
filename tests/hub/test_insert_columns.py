"""Rows inserted from columns, many per statement, arrive exactly as row-by-row inserts would."""

import sqlite3

import pytest

from jin_hub import db
from jin_hub.backends import sqlite

pytestmark = pytest.mark.sqlite_only(reason="SQLite's bound-variable limit and its file's WAL checkpointing")


def memory() -> sqlite.Connection:
    return sqlite3.connect(":memory:", factory=sqlite.Connection)


@pytest.mark.parametrize("n", [0, 1, 7, 100, 1234])
def test_columns_arrive_as_rows(monkeypatch, n):
    monkeypatch.setattr(sqlite, "ROWS_PER_STATEMENT", 100)      # several full statements and a remainder
    conn = memory()
    conn.execute("CREATE TABLE t (i INTEGER, s TEXT, x REAL, k TEXT)")
    columns = [list(range(n)), [f"v{i}" for i in range(n)], [i / 3 for i in range(n)],
               [None if i % 3 else f"k{i}" for i in range(n)]]
    db.insert_columns(conn, "t", ["i", "s", "x", "k"], columns)
    assert conn.execute("SELECT * FROM t ORDER BY rowid").fetchall() == list(zip(*columns))


def test_statements_stay_within_the_variable_limit():
    conn = memory()
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 10)   # 3 rows of 3 per statement at most
    conn.execute("CREATE TABLE t (a, b, c)")
    rows = [(i, -i, str(i)) for i in range(50)]
    db.insert_columns(conn, "t", ["a", "b", "c"], [list(c) for c in zip(*rows)])
    assert conn.execute("SELECT * FROM t ORDER BY rowid").fetchall() == rows


def test_columns_filled_before_others_are_known_and_never_filled_stay_null():
    conn = memory()
    conn.execute("CREATE TABLE t (id INTEGER, key TEXT, note TEXT)")
    rows = db.Rows("t", ["id", "key", "note"], 3)
    rows.fill("id", [1, 2, 3])                            # laid out while the keys are still being made
    rows.fill("key", ["a", None, "c"])
    rows.insert(conn)
    assert conn.execute("SELECT * FROM t ORDER BY id").fetchall() == [(1, "a", None), (2, None, None), (3, "c", None)]


@pytest.mark.parametrize("cuts", [[0, 250], [0, 1, 99, 100, 101, 250], [0, 137, 250]])
def test_rows_filled_and_inserted_part_by_part_arrive_as_a_whole(monkeypatch, cuts):
    monkeypatch.setattr(sqlite, "ROWS_PER_STATEMENT", 100)
    conn = memory()
    conn.execute("CREATE TABLE t (id INTEGER, key TEXT)")
    rows = db.Rows("t", ["id", "key"], 250)
    rows.fill("id", list(range(250)))
    for start, stop in zip(cuts, cuts[1:]):             # each part's keys as they come, then its rows
        rows.fill("key", [f"k{i}" for i in range(start, stop)], start)
        rows.insert(conn, start, stop)
    assert conn.execute("SELECT * FROM t ORDER BY rowid").fetchall() == [(i, f"k{i}") for i in range(250)]


def test_a_big_commit_is_checkpointed_in_the_background_and_autocheckpoint_comes_back(tmp_path):
    path = tmp_path / "hub.sqlite"
    conn = db.connect(path)
    conn.execute("CREATE TABLE t (x BLOB)")
    size = path.stat().st_size
    with conn.checkpointer() as checkpoint:
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        with conn:
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO t VALUES (?)", ([bytes(200)] for _ in range(20_000)))
        assert path.stat().st_size == size                  # committed to the WAL only, not yet checkpointed
        checkpoint.start()
    assert path.stat().st_size > size + 3_000_000           # the thread wrote it into the database file
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (20_000,)
