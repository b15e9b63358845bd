"""What serving keeps in memory: the memo of value tables and encoded replies (each made once
however many callers ask at once, within its byte budget), and the change counter that tells a
serving process, in one read, that its catalogue and replies no longer hold."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import threading
import time
from pathlib import Path

import pytest
import requests

from jin_hub import cli, db
from jin_hub.local_server import start_hub
from jin_hub.memo import Memo
from jin_hub.store import Store
from tests.conftest import ANALYST
from tests.hub_locator import copy_hub


def at_once(n: int, call, gate: threading.Event) -> None:
    """``n`` threads running ``call`` while the first making waits on ``gate``, which then opens."""
    callers = [threading.Thread(target=call) for _ in range(n)]
    for t in callers:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in callers:
        t.join(5)


def test_callers_asking_at_once_wait_for_one_making():
    memo: Memo[str] = Memo(1000, len)
    made, gate = [], threading.Event()

    def make() -> str:
        made.append(1)
        gate.wait(5)
        return "table"

    got: list[str] = []
    at_once(20, lambda: got.append(memo.get("k", make)), gate)
    assert len(made) == 1 and got == ["table"] * 20


def test_a_failed_making_reaches_every_waiter_and_is_not_kept():
    memo: Memo[str] = Memo(1000, len)
    gate = threading.Event()

    def fail() -> str:
        gate.wait(5)
        raise LookupError("no such period")

    errors: list[BaseException] = []

    def ask() -> None:
        try:
            memo.get("k", fail)
        except LookupError as exc:
            errors.append(exc)

    at_once(5, ask, gate)
    assert len(errors) == 5
    assert memo.get("k", lambda: "made again") == "made again"


def test_the_least_recently_used_go_first_once_over_budget():
    memo: Memo[str] = Memo(10, len)
    memo.get("a", lambda: "aaaa")
    memo.get("b", lambda: "bbbb")
    memo.get("a", lambda: "never")              # a is used again: b is now the oldest
    memo.get("c", lambda: "cccc")               # 12 bytes: b goes
    assert memo.used == 8
    assert memo.get("a", lambda: "made again") == "aaaa"
    assert memo.get("b", lambda: "made again") == "made again"
    assert memo.get("huge", lambda: "x" * 50) == "x" * 50 and memo.used == 50     # kept alone


def test_every_change_to_what_is_published_moves_the_version(hub_db_path, tmp_path):
    hub = copy_hub(hub_db_path, tmp_path / "hub.sqlite")
    store = Store(hub)
    entries = store.catalogue()
    seen = [store.version()]
    conn = db.connect(hub)
    for sql in ("UPDATE datasets SET current_release = current_release WHERE id = 'police_crime'",
                "UPDATE geographies SET etag = etag || '' WHERE geography = 'lsoa'",
                "UPDATE denominators SET value = value + 1 WHERE area_code = (SELECT min(area_code) FROM denominators)",
                "INSERT INTO dataset_definitions VALUES ('extra', 'extra.toml', '', '', '')",
                "DELETE FROM dataset_definitions WHERE id = 'extra'"):
        conn.execute(sql)
        seen.append(store.version())
    assert len(set(seen)) == len(seen), f"versions seen: {seen}"
    assert store.catalogue() is not entries              # rebuilt once the version moved
    conn.execute("INSERT INTO sign_in_failures VALUES ('someone', '10.0.0.1', 1, NULL, 1, '2026-01-01')")
    assert store.version() == seen[-1]                   # (not a table the catalogue depends on)
    conn.close()


@pytest.fixture
def served_copy(hub_db_path, tmp_path):
    hub = copy_hub(hub_db_path, tmp_path / "hub.sqlite")
    process = start_hub(hub)
    yield hub, process.url
    process.stop()


def test_replies_are_sent_gzipped_or_plain_and_follow_a_new_release(served_copy, demo_extracts, tmp_path):
    hub, url = served_copy
    path = f"{url}/api/v1/values/fire_incidents/lsoa"
    first = requests.get(path, auth=ANALYST, timeout=30)
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    plain = requests.get(path, auth=ANALYST, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "content-encoding" not in plain.headers and plain.json() == first.json()
    page = requests.get(f"{url}/collections/fire_incidents_lsoa/items", params={"limit": 50}, auth=ANALYST,
                        stream=True, timeout=30)
    assert page.headers["content-encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(page.raw.read()))["features"]) == 50
    lines = demo_extracts["fire_incidents"].read_bytes().splitlines(keepends=True)
    changed = tmp_path / "fire.csv"                      # (the same file again would be the same release)
    changed.write_bytes(b"".join(lines[:-1]))
    with contextlib.redirect_stdout(io.StringIO()):       # a new release becomes current: replies follow at once
        cli.main(["--db", str(hub), "--secret-file", str(tmp_path / "hub.secret"), "ingest", "fire_incidents",
                  str(changed)])
    again = requests.get(path, auth=ANALYST, timeout=30).json()
    assert again["release"] != first.json()["release"]
    assert again["release"] == db.connect(hub).execute(
        "SELECT current_release FROM datasets WHERE id = 'fire_incidents'").fetchone()[0]


def test_the_cache_size_is_refused_below_one_megabyte(tmp_path):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--db", str(Path(tmp_path) / "hub.sqlite"), "serve", "--cache-mb", "0"])
    assert exit_.value.code == 2
