"""The audit log under load: a real hub on loopback hammered by 50 concurrent clients for a minute,
with wrong passwords, unknown names and unsigned requests mixed in.

Every request to a data endpoint, and every refused sign-in anywhere, must leave exactly one audit
row with the status the client got; no request may fail with a 5xx while the disk is healthy; and
the hash chain must stay one line (``jin-hub audit verify``). Before the audit had a writer of its
own, a quarter to a half of such requests got 503, rows said 200 for them, and the chain forked.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from jin_hub import db
from jin_hub.local_server import start_hub
from tests.conftest import ADMIN, ANALYST, COUNCIL, snapshot_db
from tests.hub.test_signin_hardening import client_at

CLIENTS = 50
SECONDS = 60.0
PURPOSE = "load test: the audit log under concurrent requests"
#: Endpoints that describe data: audited only when they refuse a sign-in (401 or 429).
DESCRIBING = ("/api/v1/catalogue", "/collections")
GOOD = (ANALYST, COUNCIL, ADMIN)


@dataclass(frozen=True)
class Call:
    path: str
    params: dict[str, str | int]


DATA_CALLS = (
    Call("/api/v1/values/police_crime/lsoa", {"period": "2024-01"}),
    Call("/api/v1/values/fire_incidents/district", {"period": "2024"}),
    Call("/collections/police_crime_lsoa/items", {"limit": 20}),
    Call("/api/v1/records/police_crime", {"purpose": PURPOSE, "limit": 20}),
    Call("/api/v1/zones", {}),
    Call("/api/v1/boundaries/district", {}),
    Call("/api/v1/admin/audit", {"limit": 5}),
    Call("/api/v1/catalogue", {}),
    Call("/collections", {}),
)


def credentials(client: int, n: int) -> tuple[str, str] | None:
    """Who client ``client`` claims to be on its ``n``-th request: most clients are partners with
    the right password; one in ten guesses a real user's password, one in ten tries made-up
    names, and one in ten sends no credentials at all."""
    kind = client % 10
    if kind == 7:
        return None
    if kind == 8:
        return GOOD[client % 3][0], f"guess-{n}"
    if kind == 9:
        return f"ghost.{client}.{n % 13}", "not-a-password-at-all"
    return GOOD[(client + n) % 3]


def audited(path: str, status: int) -> bool:
    """Whether the hub must log this response: data always, descriptions only on a refused sign-in."""
    return path not in DESCRIBING or status in (401, 429)


def hammer(url: str, clients: int, seconds: float) -> tuple[list[tuple[str, int]], list[float]]:
    """``clients`` threads, each from a loopback address of its own, sending requests back to back
    until ``seconds`` have passed: every (path, status) answered, and every latency in seconds."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)
    deadline = time.monotonic() + seconds + 5

    def run(client: int) -> None:
        mine = []
        with client_at(url, f"127.0.1.{client + 1}") as http:
            start.wait()
            stop = min(deadline, time.monotonic() + seconds)
            n = 0
            while time.monotonic() < stop:
                call = DATA_CALLS[(client + n) % len(DATA_CALLS)]
                began = time.monotonic()
                try:
                    status = http.get(call.path, params=call.params, auth=credentials(client, n)).status_code
                except httpx.HTTPError:                # no answer at all: as bad as a 5xx
                    status = 0
                mine.append((call.path, status, time.monotonic() - began))
                n += 1
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return [(p, s) for p, s, _ in results], [t for *_, t in results]


@pytest.fixture()
def load_hub(tmp_path, hub_db_path) -> Iterator[tuple[str, Path]]:
    """A hub of its own (a copy of the test hub), so the load leaves the shared one alone."""
    copy = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    with start_hub(copy) as hub:
        yield hub.url, copy


def test_audit_log_stays_true_under_load(load_hub):
    """No 5xx (nor unanswered request), one row per audited request with its status, one chain."""
    url, path = load_hub
    conn = db.connect(path)
    (before,) = conn.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()
    answered, latency = hammer(url, CLIENTS, SECONDS)
    statuses = Counter(s for _, s in answered)
    latency.sort()
    print(f"\n{len(answered)} requests in {SECONDS:.0f} s by {CLIENTS} clients: {dict(sorted(statuses.items()))}; "
          f"p50 {statistics.median(latency) * 1000:.0f} ms, p99 {latency[int(len(latency) * 0.99)] * 1000:.0f} ms")
    assert not [s for s in statuses if s >= 500 or s == 0], statuses
    assert statuses[200] > len(answered) / 3                          # real work, not only refusals
    assert {401, 429} <= set(statuses)                                # and refusals mixed in

    logged = Counter(conn.execute("SELECT endpoint, status FROM audit_log WHERE seq > ?", (before,)))
    expected = Counter((p, s) for p, s in answered if audited(p, s))
    print(f"audit rows {sum(logged.values())}, audited requests {sum(expected.values())}")
    assert logged == expected

    out = subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(path), "audit", "verify"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "hash chain verified" in out.stdout, out.stderr
