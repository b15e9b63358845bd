"""Record-level grants: which agency may fetch which dataset's cleansed records, and under which
data sharing protocol. Aggregates need no grant; records always do."""

from __future__ import annotations

from jin_hub.access.accounts import AccessError, _stamp, agency_exists, now
from jin_hub.backends import Connection
from jin_hub.ingest.registry import schemas


def add(conn: Connection, agency: str, dataset: str, protocol: str) -> None:
    agency_exists(conn, agency)
    known = schemas(conn)
    if dataset not in known:
        raise AccessError(f"no dataset '{dataset}'; datasets: {', '.join(known)}")
    if not protocol.strip():
        raise AccessError("name the data sharing protocol that allows this grant (--protocol)")
    conn.execute("INSERT OR REPLACE INTO grants VALUES (?, ?, ?, ?)", (agency, dataset, protocol.strip(),
                                                                      _stamp(now())))


def revoke(conn: Connection, agency: str, dataset: str) -> None:
    if not conn.execute("DELETE FROM grants WHERE agency = ? AND dataset = ?", (agency, dataset)).rowcount:
        raise AccessError(f"agency '{agency}' has no grant for '{dataset}'; see: jin-hub grants list")


def listing(conn: Connection) -> list[dict]:
    rows = conn.execute("SELECT agency, dataset, protocol, granted FROM grants ORDER BY agency, dataset")
    return [{"agency": a, "dataset": d, "protocol": p, "granted": g} for a, d, p, g in rows]


def granted(conn: Connection, agency: str | None, dataset: str) -> bool:
    return agency is not None and conn.execute(
        "SELECT 1 FROM grants WHERE agency = ? AND dataset = ?", (agency, dataset)).fetchone() is not None


def datasets_of(conn: Connection, agency: str | None) -> list[str]:
    return [d for (d,) in conn.execute("SELECT dataset FROM grants WHERE agency = ? ORDER BY dataset", (agency,))]
