"""The hub's audit log as the tests read it: straight from the database the hub writes."""

from __future__ import annotations

from jin_hub import db
from jin_hub.access import auditlog


def audit_rows(db_path, after: int = 0) -> list[dict]:
    """Audit rows whose ``seq`` is above ``after``, oldest first."""
    conn = db.connect(db_path)
    try:
        return [row for row in auditlog.query(conn) if row["seq"] > after]
    finally:
        conn.close()


def last_seq(db_path) -> int:
    """The newest audit row's ``seq`` (0 for an empty log)."""
    rows = audit_rows(db_path)
    return rows[-1]["seq"] if rows else 0
