"""Several hub processes on one database, PostgreSQL and SQLite (hubs started apart, and ``serve
--workers N``): sign-in lock-out, the audit chain, an ingest's pointer flip and a killed process's
audit rows hold across processes as in one."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from jin_hub import db
from jin_hub.access import accounts, auditlog
from jin_hub.access.accounts import FREE_FAILURES
from jin_hub.backends import Locator
from jin_hub.local_server import HubProcess, start_hub
from tests.conftest import ANALYST, ROOT, build_hub_db

DATASET = "police_crime"
TARGET = ("lock.target", "lock-target-password")        # the user the lock-out test locks


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hub_db(request, tmp_path_factory, demo_extracts) -> Iterator[Locator]:
    """A hub of one dataset in a database of this module's own, on each backend: its locator."""
    if request.param == "sqlite":
        locator: Locator = tmp_path_factory.mktemp("workers") / "hub.sqlite"
    else:
        server, name = request.getfixturevalue("pg_server"), f"workers_{secrets.token_hex(4)}"
        locator = server.create(name)
    build_hub_db(locator, demo_extracts, [DATASET])
    conn = db.connect(locator)
    accounts.add_user(conn, TARGET[0], "hub", "analyst", TARGET[1])
    conn.close()
    yield locator
    if request.param == "postgresql":
        server.drop(name)


@pytest.fixture(scope="module")
def two_hubs(hub_db) -> Iterator[tuple[str, str]]:
    """Two hub processes serving the same database, each on its own port."""
    with start_hub(hub_db) as one, start_hub(hub_db) as other:
        yield one.url, other.url


def values_url(hub: str, period: str | None = None, **extra: str) -> tuple[str, dict]:
    params = {"period": period} if period else {}
    return f"{hub}/api/v1/values/{DATASET}/lsoa", params | extra


def get_values(hub: str, period: str | None = None, auth=ANALYST, **extra: str) -> requests.Response:
    url, params = values_url(hub, period, **extra)
    return requests.get(url, params=params, auth=auth, timeout=60)


def probed(url: Locator, prefix: str) -> dict[str, tuple[int, int]]:
    """{probe: (seq, status)} of the audit rows whose parameters carry a probe starting ``prefix``."""
    conn = db.open_readonly(url)
    try:
        rows = conn.execute("SELECT seq, params, status FROM audit_log WHERE params LIKE ?",
                            (f'%"probe": "{prefix}%',)).fetchall()
    finally:
        conn.close()
    return {json.loads(params)["probe"]: (seq, status) for seq, params, status in rows}


def chain(url: Locator) -> tuple[int, list[int]]:
    conn = db.open_readonly(url)
    try:
        return auditlog.verify(conn)
    finally:
        conn.close()


def test_lock_out_counts_failures_in_every_process(two_hubs):
    for attempt in range(FREE_FAILURES):             # wrong passwords, split between the processes
        answer = get_values(two_hubs[attempt % 2], auth=(TARGET[0], "wrong password"))
        assert answer.status_code == 401, (attempt, answer.text)
    for hub in two_hubs:                             # locked in both, even with the right password
        answer = get_values(hub, auth=TARGET)
        assert answer.status_code == 429, answer.text
        assert f"too many failed sign-ins for '{TARGET[0]}'" in answer.json()["detail"]
        assert int(answer.headers["Retry-After"]) > 0


def test_the_audit_chain_stays_one_line_in_request_order(two_hubs, hub_db):
    prefix, clients, each = secrets.token_hex(4), 4, 12

    def client(number: int) -> list[int]:
        with requests.Session() as session:
            statuses = []
            for i in range(each):                    # one client's requests go one after another
                url, params = values_url(two_hubs[(number + i) % 2], probe=f"{prefix}-{number}-{i:02d}")
                statuses.append(session.get(url, params=params, auth=ANALYST, timeout=60).status_code)
            return statuses

    with ThreadPoolExecutor(clients) as pool:
        statuses = [s for done in pool.map(client, range(clients)) for s in done]
    assert statuses == [200] * clients * each
    rows = probed(hub_db, prefix)
    assert len(rows) == clients * each and {status for _, status in rows.values()} == {200}
    for number in range(clients):                    # in each client's order, across both processes
        seqs = [rows[f"{prefix}-{number}-{i:02d}"][0] for i in range(each)]
        assert seqs == sorted(seqs), number
    checked, broken = chain(hub_db)
    assert broken == [] and checked >= len(rows)


def every_other_row(extract: Path, into: Path) -> Path:
    """The extract with every second data row left out: the same months, other counts."""
    lines = extract.read_text(encoding="utf-8").splitlines(keepends=True)
    into.write_text(lines[0] + "".join(lines[1::2]), encoding="utf-8")
    return into


def test_an_ingest_is_served_by_every_process_at_the_flip_never_half(two_hubs, hub_db, demo_extracts, tmp_path):
    before = get_values(two_hubs[1]).json()
    old = (before["release"], before["rows"])
    seen: list[tuple[str, list]] = []
    ingested = threading.Event()

    def poll() -> None:                              # the other process, all through the ingest
        with requests.Session() as session:
            while not ingested.wait(0) or (seen[-1][0] == old[0] and len(seen) < 100_000):
                url, params = values_url(two_hubs[1], before["period"])
                reply = session.get(url, params=params, auth=ANALYST, timeout=60).json()
                seen.append((reply["release"], reply["rows"]))

    reader = threading.Thread(target=poll)
    reader.start()
    done = subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(hub_db), "--secret-file",
                           str(tmp_path / "hub.secret"), "ingest", DATASET,
                           str(every_other_row(demo_extracts[DATASET], tmp_path / "half.csv"))],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    ingested.set()
    reader.join(60)
    assert done.returncode == 0, done.stderr
    after = [get_values(hub, before["period"]).json() for hub in two_hubs]    # at once, in both
    new = (after[0]["release"], after[0]["rows"])
    assert new[0] != old[0] and new[1] != old[1] and (after[1]["release"], after[1]["rows"]) == new
    assert seen[0] == old and seen[-1] == new
    assert all(reply in (old, new) for reply in seen)                 # one release or the other, never a mix
    flips = [i for i in range(1, len(seen)) if seen[i] != seen[i - 1]]
    assert len(flips) == 1, f"{len(flips)} changes between releases"  # and never back


def test_a_killed_process_loses_no_audit_row_of_an_answered_request(hub_db):
    prefix, answered, lock = secrets.token_hex(4), [], threading.Lock()
    hub = start_hub(hub_db)

    def client(number: int) -> None:
        with requests.Session() as session:
            for i in range(10_000):
                probe = f"{prefix}-{number}-{i}"
                url, params = values_url(hub.url, probe=probe)
                try:
                    reply = session.get(url, params=params, auth=ANALYST, timeout=30)
                except requests.ConnectionError:
                    return
                if reply.status_code == 200:
                    with lock:
                        answered.append(probe)

    def count() -> int:
        with lock:
            return len(answered)

    # Requests go on while another writer holds the hub's write lock, so rows wait uncommitted
    # when the process is killed: a request answered before its row was committed would show.
    holder = db.connect(hub_db)
    with ThreadPoolExecutor(4) as pool:
        for number in range(4):
            pool.submit(client, number)
        while count() < 20 and hub.proc.poll() is None:
            threading.Event().wait(0.01)
        holder.begin_write()
        threading.Event().wait(1.0)
        hub.proc.send_signal(signal.SIGKILL)            # no shutdown of any kind
        hub.proc.wait()
        holder.execute("ROLLBACK")
    holder.close()
    logged = probed(hub_db, prefix)
    assert count() >= 20
    assert [p for p in answered if logged.get(p, (0, 0))[1] != 200] == []
    assert chain(hub_db)[1] == []


def worker_processes(hub: HubProcess) -> list[int]:
    """The process ids of ``hub``'s uvicorn worker processes (its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == hub.proc.pid:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_serve_workers_runs_several_processes(hub_db):
    prefix, conn = secrets.token_hex(4), db.connect(hub_db)
    key = accounts.create_api_key(conn, ANALYST[0], "workers test")    # (each process would verify a password)
    conn.close()
    with start_hub(hub_db, workers=2) as hub:
        assert len(worker_processes(hub)) >= 2
        url, params = values_url(hub.url)
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda i: requests.get(url, params=params | {"probe": f"{prefix}-{i}"}, timeout=60,
                                                            headers={"X-API-Key": key}).status_code, range(16)))
    assert statuses == [200] * 16
    assert len(probed(hub_db, prefix)) == 16 and chain(hub_db)[1] == []


def test_serve_workers_below_one_is_refused_with_the_fix(tmp_path):
    hub = tmp_path / "hub.sqlite"
    done = subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(hub), "serve", "--workers", "0"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, env=os.environ)
    assert done.returncode == 2 and "--workers 0: give the number of hub processes, 1 or more" in done.stderr
    assert "Traceback" not in done.stderr and not hub.exists()         # nothing half-created
