"""``jin-hub migrate --to TARGET``: move a hub to another database (SQLite or PostgreSQL, either
way), e.g. from the embedded SQLite file to PostgreSQL when one county becomes several, or from
PostgreSQL to one portable SQLite file.

Every table is copied as it is, audit log included with its sequence numbers and hashes, so the
chain goes on unbroken on the target. The source is read in one snapshot (a hub may keep serving
while it is copied; what it logs after the snapshot stays behind) and streamed in batches of
bounded size. The target is written in one transaction under the hub's write lock and checked
before it commits: row counts, the audit chain and each dataset's published cells must match the
source, or nothing is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

from jin_hub import backends, db
from jin_hub.access import auditlog
from jin_hub.backends import Connection, Locator

#: About this many bytes of values per batch: a few times that in Python objects, whatever the hub's size.
BATCH_BYTES = 8 << 20
#: Rows of the first batch of a table, from which the size of its batches is worked out.
FIRST_ROWS = 256
MAX_ROWS = 50_000


class MigrateError(ValueError):
    """A target that cannot take the hub, or a copy that does not match its source (nothing was
    written). The message names the problem and the fix."""


@dataclass
class Summary:
    """What a hub holds, to compare a copy with its source."""

    rows: dict[str, int] = field(default_factory=dict)         # table -> rows
    audit: tuple[int, str] = (0, auditlog.GENESIS)              # (rows, last hash)
    cells: dict[str, str] = field(default_factory=dict)        # dataset -> sha256 of its published cells


def tables() -> dict[str, list[str]]:
    """The hub's tables and their columns, in the schema's order (parents before the tables that
    refer to them), read from the schema itself so a table added to it is copied too."""
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.executescript(db.SCHEMA)
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' AND name != 'hub_changes' "
                                            "ORDER BY rowid")]          # (the copy's triggers count its own)
        return {n: [c[1] for c in conn.execute(f"PRAGMA table_info({n})")] for n in names}


def summarise(conn: Connection, layout: dict[str, list[str]]) -> Summary:
    """Row counts, the audit chain's length and last hash, and a hash of each dataset's published
    cells (its current release's aggregates, in key order). A broken audit chain is an error."""
    found = Summary({t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in layout})
    n, broken = auditlog.verify(conn)
    if broken:
        raise MigrateError(f"the audit chain of {backends.shown(conn.locator)} does not verify at seq "
                           f"{broken[0]} ({len(broken)} rows): find out why (jin-hub audit verify) before moving it")
    last = conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    found.audit = (n, last[0] if last else auditlog.GENESIS)
    for dataset, release in conn.execute("SELECT id, current_release FROM datasets ORDER BY id").fetchall():
        digest = hashlib.sha256()
        for row in conn.execute("SELECT geography, period, category, area_code, count, suppressed FROM aggregates "
                                "WHERE release_id = ? ORDER BY geography, period, category, area_code", (release,)):
            digest.update(json.dumps(list(row)).encode() + b"\n")
        found.cells[dataset] = digest.hexdigest()
    return found


def _batches(cursor, width: int) -> Iterator[list]:
    """The cursor's rows as flat lists (row by row) of about ``BATCH_BYTES`` of values each."""
    rows = cursor.fetchmany(FIRST_ROWS)
    while rows:
        flat = [value for row in rows for value in row]
        yield flat
        size = sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in flat) // len(rows) + width
        rows = cursor.fetchmany(max(FIRST_ROWS, min(MAX_ROWS, BATCH_BYTES // size)))


def _refuse_a_hub(conn: Connection, layout: dict[str, list[str]]) -> None:
    held = [t for t in layout if conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()]
    if held:
        raise MigrateError(f"{backends.shown(conn.locator)} already holds hub data ({', '.join(held)}): migrate "
                           "copies a hub only into an empty database; give a new one (createdb, or a new SQLite "
                           "file's path)")


def copy(source: Connection, target: Connection, say: Callable[[str], None] = print) -> Summary:
    """Copy every hub table from ``source`` into the empty ``target`` and check the copy; return
    what both hold. MigrateError (target unchanged) if it is not empty or the copy differs."""
    layout = tables()
    source.begin_snapshot()
    try:
        expected = summarise(source, layout)
        target.begin_write()
        try:
            _refuse_a_hub(target, layout)
            for table, names in layout.items():
                started = time.monotonic()
                _copy_table(source, target, table, names)
                say(f"  {table:<20} {expected.rows[table]:>10} rows  {time.monotonic() - started:6.1f} s")
            target.resume_numbering("audit_log", "seq")
            copied = summarise(target, layout)
            _compare(expected, copied, backends.shown(target.locator))
            target.commit()
        except BaseException:
            target.rollback()
            raise
    finally:
        source.rollback()
    return copied


def _copy_table(source: Connection, target: Connection, table: str, names: list[str]) -> None:
    """Stream ``table`` from ``source`` into ``target``; MigrateError naming the table if the target
    refuses a row (e.g. text an SQLite file holds in a number column, which PostgreSQL will not take)."""
    cursor = source.streamed(f"SELECT {', '.join(names)} FROM {table}")
    try:
        for flat in _batches(cursor, len(names)):
            target.insert_rows(table, names, flat, 0, len(flat) // len(names))
    except backends.errors() as exc:
        if _unreachable(exc):
            raise
        raise MigrateError(f"{backends.shown(target.locator)} refused a row of {table}, so nothing was written: "
                           f"{str(exc).strip().splitlines()[0]}. Correct that row in the source and run migrate "
                           "again") from exc
    finally:
        cursor.close()


def _unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` is a database out of reach or out of space (DB-API's OperationalError, which
    ``jin-hub`` reports as such), not a row refused."""
    return any(cls.__name__ == "OperationalError" for cls in type(exc).__mro__)


def _compare(expected: Summary, copied: Summary, where: str) -> None:
    wrong = [f"{t}: {n} rows, not {expected.rows[t]}" for t, n in copied.rows.items() if n != expected.rows[t]]
    if copied.audit != expected.audit:
        wrong.append(f"audit log: {copied.audit[0]} rows ending {copied.audit[1][:12]}, not {expected.audit[0]} "
                     f"ending {expected.audit[1][:12]}")
    wrong += [f"{d}: published cells differ" for d, h in copied.cells.items() if h != expected.cells.get(d)]
    if wrong:
        raise MigrateError(f"the copy in {where} does not match its source, so nothing was written: "
                           f"{'; '.join(wrong)}. Report this as a bug (with the two jin-hub versions and databases)")


def migrate(source: Locator, target: Locator, say: Callable[[str], None] = print) -> Summary:
    """Copy the hub at ``source`` into the empty database at ``target`` (each an SQLite path or a
    ``postgresql://`` URL), reporting progress through ``say``."""
    if str(source) == str(target):
        raise MigrateError(f"--to {backends.shown(target)} is the hub itself: give another database")
    db.open_readonly(source).close()                # (refuses a source without a hub, creating none)
    with closing(db.connect(source)) as src, closing(db.connect(target)) as dst:   # (made current, as by any command)
        say(f"copying {backends.shown(source)} to {backends.shown(target)}")
        return copy(src, dst, say)


def cmd_migrate(args: argparse.Namespace, source: Locator) -> None:
    started = time.monotonic()
    done = migrate(source, args.to)
    print(f"copied {sum(done.rows.values())} rows of {len(done.rows)} tables in {time.monotonic() - started:.1f} s "
          "and checked them: row counts equal")
    print(f"  audit log: {done.audit[0]} rows, the chain verifies, last hash {done.audit[1][:16]}… as in the source")
    for dataset, digest in done.cells.items():
        print(f"  {dataset}: published cells identical (sha256 {digest[:16]}…)")
    print("the pseudonym secret is not in the database: serve the new one with the same secret file "
          "(--secret-file), or later releases will not link to earlier ones")


def add_command(sub: argparse._SubParsersAction, db_path: Callable[[argparse.Namespace], Locator]) -> None:
    p = sub.add_parser("migrate", help="copy the hub (--db) into another, empty database: SQLite or PostgreSQL, "
                                       "either way, checked before it commits")
    p.add_argument("--to", required=True, metavar="TARGET",
                   help="an empty database: a postgresql://user:password@host/db URL or a new SQLite file's path")
    p.set_defaults(func=lambda args: cmd_migrate(args, db_path(args)))
