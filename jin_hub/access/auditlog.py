"""The audit log: one append-only row per request that asks for data, with who, agency, endpoint,
dataset, parameters, stated purpose, rows returned and time.

Triggers in the schema refuse UPDATE and DELETE; each row also carries the SHA-256 of the previous
row and of itself, so an edit made behind the database's back (a copied and altered file) shows up
in ``verify``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from dataclasses import dataclass

from jin_hub.access.accounts import PUBLIC, Principal, _stamp, now

GENESIS = "0" * 64
FIELDS = ("seq", "at", "username", "agency", "role", "method", "endpoint", "dataset", "params", "purpose",
          "status", "rows", "client", "prev_hash", "hash")


@dataclass
class Entry:
    """An audit row being filled in while a request is served."""

    method: str
    endpoint: str
    params: dict[str, str]
    client: str | None
    principal: Principal = PUBLIC
    dataset: str | None = None
    purpose: str | None = None
    rows: int = 0


def _digest(prev_hash: str, values: tuple) -> str:
    return hashlib.sha256((prev_hash + json.dumps(values, separators=(",", ":"))).encode()).hexdigest()


def append(conn: sqlite3.Connection, entry: Entry, status: int) -> int:
    """Write ``entry`` (serialised with other writers); returns its sequence number."""
    p = entry.principal
    values = (_stamp(now()), p.username, p.agency, p.role, entry.method, entry.endpoint, entry.dataset,
              json.dumps(entry.params, sort_keys=True), entry.purpose, int(status), int(entry.rows), entry.client)
    conn.execute("BEGIN IMMEDIATE")
    try:
        last = conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        cur = conn.execute(f"INSERT INTO audit_log ({', '.join(FIELDS[1:])}) VALUES ({', '.join('?' * 14)})",
                           (*values, prev, _digest(prev, values)))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return int(cur.lastrowid)


def query(conn: sqlite3.Connection, since: str | None = None, until: str | None = None,
          username: str | None = None, agency: str | None = None, dataset: str | None = None,
          limit: int | None = None) -> list[dict]:
    """Audit rows, oldest first, filtered."""
    where, args = [], []
    for column, op, value in (("at", ">=", since), ("at", "<", until), ("username", "=", username),
                              ("agency", "=", agency), ("dataset", "=", dataset)):
        if value:
            where.append(f"{column} {op} ?")
            args.append(value)
    sql = f"SELECT {', '.join(FIELDS)} FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY seq"
    if limit:
        sql = f"SELECT * FROM ({sql.replace('ORDER BY seq', 'ORDER BY seq DESC')} LIMIT {int(limit)}) ORDER BY seq"
    return [dict(zip(FIELDS, row)) for row in conn.execute(sql, args)]


def verify(conn: sqlite3.Connection) -> tuple[int, list[int]]:
    """(rows checked, sequence numbers whose chain does not hold)."""
    broken, prev, n = [], GENESIS, 0
    for row in conn.execute(f"SELECT {', '.join(FIELDS)} FROM audit_log ORDER BY seq"):
        n += 1
        values = tuple(row[1:13])
        if row[13] != prev or row[14] != _digest(prev, values):
            broken.append(row[0])
        prev = row[14]
    return n, broken


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
