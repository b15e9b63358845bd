"""National-scale benchmark: a synthetic England and Wales hub (34,753 LSOAs, 43 forces,
``--records`` police records, 10 million by default; ``bench.scale_data``) on SQLite and on
PostgreSQL/PostGIS (a server of its own, ``tests.pg_server``).

Per backend it reports:
- ingest rows/s against the ``read_csv`` floor (pandas reading the same files, every column as
  text, measured in the same run), and the ingest's peak memory (goal: under 2 GB);
- the hub database's size per million records;
- a values table of every LSOA: the first request after the hub starts (cold) and the median of
  the next five (warm);
- OGC API items paging through all 34,753 LSOAs (features/s, and the first page's latency),
  against pygeoapi serving the same collection exported from the hub (``bench.pygeoapi_peer``;
  goal: the hub ≥ 3× pygeoapi);
- ``--clients`` concurrent clients for ``--seconds`` (values, items pages and the catalogue; one
  request in ten with a wrong password, from its own address), served by each of ``--workers``
  hub processes in turn: requests/s, p50 and p99 overall and by kind of request, errors (any
  answer other than the one expected), and whether the audit rows match the requests that leave
  one (every data request and refused sign-in; the catalogue only describes data).

Steady state: the clients first load the hub for ``WARM_SECONDS`` unmeasured.

Slow (the inputs are built once, under var/bench/scale): ``make bench`` leaves it out; run it on
its own with ``python -m bench scale`` (``--records 1000000`` for a quicker look).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import requests

from bench import pygeoapi_peer, scale_data
from jin_hub import cli, db
from jin_hub.access import accounts
from jin_hub.local_server import start_hub

FOLDER = Path("var/bench/scale")
USER = ("bench.analyst", "a benchmark password 1")
LSOAS = 34_753
COLLECTION = "scale_crime_lsoa"
ITEMS = {"period": "2024"}                   # the items every client asks for: the year's values
#: Left out of a run of every benchmark (``bench.__main__``): it runs only when named.
SLOW = True


def jin_hub(locator: str, *args: str, secret: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["--db", locator, "--secret-file", str(secret), *args])


def timed_ingest(locator: str, files: list[Path], secret: Path) -> tuple[float, float]:
    """(seconds, peak resident GB) of ``jin-hub ingest`` in a process of its own."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jin_hub", "--db", locator, "--secret-file", str(secret),
                             "ingest", "scale_crime", str(files[0].parent)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"ingest failed (exit {proc.returncode})")
    return time.perf_counter() - start, usage.ru_maxrss / 1024 ** 2


def size_gb(locator: str) -> float:
    conn = db.connect(locator)
    if conn.kind == "postgresql":
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1024 ** 3
    return sum(p.stat().st_size for p in Path(locator).parent.glob(Path(locator).name + "*")) / 1024 ** 3


def build(locator: str, boundaries: dict[str, Path], secret: Path) -> None:
    for geography, path in boundaries.items():
        jin_hub(locator, "load-boundaries", str(path), "--geography", geography, secret=secret)
    jin_hub(locator, "datasets", "add", str(scale_data.DEFINITION), secret=secret)
    conn = db.connect(locator)
    accounts.add_agency(conn, "bench", "Benchmark police")
    accounts.add_user(conn, USER[0], "bench", "analyst", USER[1])
    conn.close()


def latencies(url: str) -> tuple[float, float]:
    """(cold, warm median) seconds of the values table of every LSOA."""
    def get() -> float:
        start = time.perf_counter()
        r = requests.get(f"{url}/api/v1/values/scale_crime/lsoa", params={"period": "2024"}, auth=USER, timeout=120)
        r.raise_for_status()
        return time.perf_counter() - start
    cold = get()
    return cold, statistics.median(get() for _ in range(5))


def paging(url: str, params: dict, auth: tuple[str, str] | None = None, limit: int = 1000) -> tuple[float, float]:
    """(features per second, first page's seconds) paging through every LSOA's item of
    ``url``'s collection; the same loop for the hub and its peer, each warmed by one item first.
    Uncompressed, like for like: pygeoapi does not compress unless configured to (the hub gzips
    for clients that take it, which on loopback costs more than it saves)."""
    with requests.Session() as s:
        s.headers["Accept-Encoding"] = "identity"
        s.get(url, params={**params, "limit": 1}, auth=auth, timeout=120).raise_for_status()
        start, seen, first = time.perf_counter(), 0, 0.0
        while True:
            r = s.get(url, params={**params, "limit": limit, "offset": seen}, auth=auth, timeout=120)
            r.raise_for_status()
            got = len(r.json()["features"])
            first = first or time.perf_counter() - start
            seen += got
            if got < limit:
                break
    if seen != LSOAS:
        raise RuntimeError(f"{url} paged {seen} features, not {LSOAS}")
    return seen / (time.perf_counter() - start), first


def peer_paging(url: str, locator: str, folder: Path) -> str:
    """The items paging line: the hub's as it makes the pages and again from its memo of them, and
    pygeoapi's on the same collection exported from the hub (or why pygeoapi is missing)."""
    items = f"{url}/collections/{COLLECTION}/items"
    made, made_first = paging(items, ITEMS, USER)
    kept, kept_first = paging(items, ITEMS, USER)
    line = (f"OGC items paging: JiN {made:,.0f} features/s making the pages (first page {made_first * 1000:.0f} ms), "
            f"{kept:,.0f} from its memo ({kept_first * 1000:.0f} ms)")
    try:
        peer = pygeoapi_peer.serve(url, COLLECTION, ITEMS, USER, locator, folder)
    except pygeoapi_peer.Unavailable as exc:
        return f"{line}; pygeoapi peer not measured: {exc}"
    try:
        other, other_first = paging(f"{peer.url}/collections/{COLLECTION}/items", {"f": "json"})
    finally:
        peer.stop()
    return (f"{line}, pygeoapi {other:,.0f} features/s (first page {other_first * 1000:.0f} ms): "
            f"{made / other:.1f}× making the pages, {kept / other:.1f}× from the memo (goal ≥ 3×)")


#: Seconds of load before the measured load, so each hub process has made its tables and pages.
WARM_SECONDS = 10
#: What the clients ask for, by the name each kind of request is reported under.
ASKED = {"values": ("/api/v1/values/scale_crime/lsoa", {"period": "2024-06"}),
         "items": (f"/collections/{COLLECTION}/items", {"limit": 500, "offset": 5000}),
         "catalogue": ("/api/v1/catalogue", {})}


def _quantiles(times: list[float]) -> tuple[float, float]:
    """(p50, p99) in seconds."""
    ordered = sorted(times)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]


def hub_seconds(reply: requests.Response) -> float:
    """The hub's own time for a reply (its ``Server-Timing``), without the client machine's."""
    timing = reply.headers.get("server-timing", "")
    return float(timing.partition("dur=")[2] or "nan") / 1000


def load(url: str, clients: int, seconds: float) -> dict:
    """``clients`` threads asking for values, items pages and the catalogue for ``seconds``; every
    tenth request of a client has a wrong password (from an address of its own, as another caller).
    Latencies are reported overall and by kind (the wrong passwords apart: each costs an argon2
    check, which the hub runs at a low priority and one or two at a time, by design)."""
    kinds = list(ASKED)
    times: dict[str, list[float]] = {kind: [] for kind in [*kinds, "wrong password"]}
    own: dict[str, list[float]] = {kind: [] for kind in times}      # the hub's own time (Server-Timing)
    errors: list[str] = []
    described: list[int] = []                # catalogue requests signed in: they describe data, unaudited
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        mine: dict[str, list[float]] = {kind: [] for kind in times}
        mine_own: dict[str, list[float]] = {kind: [] for kind in times}
        bad, catalogue = [], 0
        with requests.Session() as s:
            i = 0
            while time.monotonic() < stop:
                kind = kinds[i % len(kinds)]
                path, params = ASKED[kind]
                wrong = i % 10 == 9
                auth = (f"nobody{n}", "wrong") if wrong else USER
                headers = {"X-Forwarded-For": f"10.{n}.{i % 250}.{1 + i // 250 % 250}" if wrong else f"10.200.0.{n}"}
                start = time.perf_counter()
                r = s.get(url + path, params=params, auth=auth, headers=headers, timeout=60)
                mine["wrong password" if wrong else kind].append(time.perf_counter() - start)
                mine_own["wrong password" if wrong else kind].append(hub_seconds(r))
                if r.status_code != (401 if wrong else 200):
                    bad.append(f"{r.status_code} {path}")
                catalogue += kind == "catalogue" and r.status_code == 200
                i += 1
        with lock:
            for kind, taken in mine.items():
                times[kind].extend(taken)
                own[kind].extend(mine_own[kind])
            errors.extend(bad)
            described.append(catalogue)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    every = [t for taken in times.values() for t in taken]
    return {"requests": len(every), "rps": len(every) / took, "all": _quantiles(every),
            "kinds": {kind: (len(taken), *_quantiles(taken), _quantiles(own[kind])[1])
                      for kind, taken in times.items() if taken},
            "errors": errors, "audited": len(every) - sum(described)}


def audit_rows(locator: str) -> int:
    return db.connect(locator).execute("SELECT count(*) FROM audit_log").fetchone()[0]


def run(name: str, locator: str, files: list[Path], boundaries: dict[str, Path], records: int, floor: float,
        args: argparse.Namespace, secret: Path) -> None:
    build(locator, boundaries, secret)
    took, peak = timed_ingest(locator, files, secret)
    print(f"{name}: ingest {took:6.1f} s = {took / floor:4.1f}× the read_csv floor, {records / took:,.0f} rows/s, "
          f"peak {peak:.2f} GB (goal < 2 GB); database {size_gb(locator) / records * 1e6:.2f} GB per million records")
    hub = start_hub(locator, timeout=120, forwarded_allow_ips="127.0.0.1")
    try:
        cold, warm = latencies(hub.url)
        print(f"{name}: values of {LSOAS:,} LSOAs: cold {cold * 1000:.0f} ms, warm {warm * 1000:.0f} ms")
        (peer_folder := secret.parent / f"pygeoapi-{name}").mkdir()
        print(f"{name}: {peer_paging(hub.url, locator, peer_folder)}")
    finally:
        hub.stop()
    for workers in args.workers:
        hub = start_hub(locator, timeout=120, forwarded_allow_ips="127.0.0.1", workers=workers)
        try:
            load(hub.url, args.clients, WARM_SECONDS)   # warm every process: cold tables are reported above
            before = audit_rows(locator)
            got = load(hub.url, args.clients, args.seconds)
            time.sleep(1)
            logged = audit_rows(locator) - before
        finally:
            hub.stop()
        p50, p99 = got["all"]
        print(f"{name}, {workers} process{'es' if workers > 1 else ''}: {args.clients} clients for "
              f"{args.seconds:.0f} s: {got['rps']:.0f} requests/s, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
              f"{len(got['errors'])} errors{' e.g. ' + got['errors'][0] if got['errors'] else ''}; "
              f"audit rows {logged:,} for the {got['audited']:,} data requests and refused sign-ins")
        print("    " + "; ".join(f"{kind} {n:,}: p50 {k50 * 1000:.0f} ms, p99 {k99 * 1000:.0f} ms "
                                 f"(the hub's own p99 {h99 * 1000:.0f} ms)"
                                 for kind, (n, k50, k99, h99) in got["kinds"].items()) + " (goal: values p99 < 250 ms)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench scale")
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2", type=lambda text: [int(w) for w in text.split(",")],
                        help="hub processes to load in turn (serve --workers), e.g. 1,2")
    parser.add_argument("--runs", type=int, default=1, help="(accepted for `python -m bench`; one run)")
    args = parser.parse_args(argv)
    boundaries = scale_data.build_boundaries(FOLDER)
    files = scale_data.build_records(FOLDER, boundaries, args.records)
    start = time.perf_counter()
    rows = sum(len(pd.read_csv(f, dtype=str, keep_default_na=False)) for f in files)
    floor = time.perf_counter() - start
    print(f"{LSOAS:,} LSOAs, 43 forces, {rows:,} records; read_csv floor {floor:.1f} s")
    with tempfile.TemporaryDirectory(prefix="jin_bench_scale_") as tmp:
        secret = Path(tmp) / "hub.secret"
        for name in args.backends.split(","):
            if name == "sqlite":
                run(name, str(Path(tmp) / "hub.sqlite"), files, boundaries, rows, floor, args, secret)
            else:
                from tests.pg_server import Server

                server = Server()
                try:
                    run(name, server.create("scale"), files, boundaries, rows, floor, args, secret)
                finally:
                    server.stop()
