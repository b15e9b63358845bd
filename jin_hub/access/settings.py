"""Hub-wide access settings the administrator chooses (stored in the hub database)."""

from __future__ import annotations

from jin_hub.backends import Connection

ANONYMOUS = "allow_anonymous"


def allow_anonymous(conn: Connection) -> bool:
    """Whether callers without credentials may read aggregates (off unless the admin turns it on)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (ANONYMOUS,)).fetchone()
    return bool(row and row[0] == "on")


def set_anonymous(conn: Connection, allowed: bool) -> None:
    conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (ANONYMOUS, "on" if allowed else "off"))
