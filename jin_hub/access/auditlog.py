"""The audit log: one append-only row per request that asks for data (and per refused sign-in),
with who, agency, endpoint, dataset, parameters, stated purpose, status, rows returned and time.

Triggers in the schema refuse UPDATE and DELETE; each row also carries the SHA-256 of the previous
row and of itself, so an edit made behind the database's back (a copied and altered file) shows up
in ``verify``. One ``Writer`` thread appends every row, so the chain stays one line however many
requests are served at once. What a row keeps of a request is capped, so nobody can fill the
undeletable log with huge query strings.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from jin_hub import db
from jin_hub.access.accounts import PUBLIC, Principal, _stamp, now
from jin_hub.backends import Connection, Locator
from jin_hub.spreadsheet import safe_row

GENESIS = "0" * 64
PARAMS_CHARS = 2048                  # at most this much of a request's parameters is logged (as JSON)
VALUE_CHARS = 256                    # ... and of any one parameter's name or value
TEXT_CHARS = {"username": 64, "endpoint": 256, "dataset": 64, "purpose": 500, "client": 64}
CUT = "…"                            # marks text cut short
CLOSED = 499                         # the status of a request whose client went away before its answer
DROPPED = "…"                        # the parameter naming what was left out
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


def _cap(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[:limit - len(CUT)] + CUT


def params_text(params: dict[str, str]) -> str:
    """The parameters as logged: JSON of at most ``PARAMS_CHARS``, long names and values cut short,
    and, if some had to be left out, a ``DROPPED`` entry saying how many."""
    full = json.dumps(params, sort_keys=True)
    if len(full) <= PARAMS_CHARS:
        return full
    kept: dict[str, str] = {}
    room = PARAMS_CHARS - 200                # what the note of left-out parameters may need
    for name, value in sorted(params.items()):
        item = (_cap(name, VALUE_CHARS), _cap(value, VALUE_CHARS))
        size = len(json.dumps(dict([item]))) + 2
        if size > room:
            break
        kept[item[0]], room = item[1], room - size
    kept[DROPPED] = (f"{len(full)} characters of parameters, not logged beyond {PARAMS_CHARS}: values cut to "
                     f"{VALUE_CHARS}, {len(params) - len(kept)} of {len(params)} parameters left out")
    return json.dumps(kept, sort_keys=True)


def row_values(entry: Entry, status: int) -> tuple:
    """The columns of ``entry``'s row up to ``client``, stamped now, with what it keeps capped."""
    p = entry.principal
    return (_stamp(now()), _cap(p.username, TEXT_CHARS["username"]), p.agency, p.role, entry.method,
            _cap(entry.endpoint, TEXT_CHARS["endpoint"]), _cap(entry.dataset, TEXT_CHARS["dataset"]),
            params_text(entry.params), _cap(entry.purpose, TEXT_CHARS["purpose"]), int(status), int(entry.rows),
            _cap(entry.client, TEXT_CHARS["client"]))


def append_rows(conn: Connection, rows: list[tuple]) -> list[int]:
    """Append rows (``row_values``) in one transaction; returns their sequence numbers.

    The previous row's hash is read inside the same transaction that writes, which holds the hub's
    write lock (``begin_write``), so writers in other processes or threads wait their turn and the
    chain cannot fork."""
    conn.begin_write()
    try:
        last = conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev, seqs = last[0] if last else GENESIS, []
        for values in rows:
            digest = _digest(prev, values)
            cur = conn.execute(f"INSERT INTO audit_log ({', '.join(FIELDS[1:])}) VALUES ({', '.join('?' * 14)}) "
                               "RETURNING seq", (*values, prev, digest))
            seqs.append(int(cur.fetchone()[0]))
            prev = digest
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return seqs


class Writer:
    """A hub process's one audit-log writer: a thread with a connection of its own appends rows in
    the order they are handed in, all that are waiting in one transaction (a burst of requests costs
    one commit, not one each, and no request waits on another's lock). The writers of several hub
    processes take turns on the hub's write lock (``append_rows``): still one chain.

    ``write`` returns a future holding the row's sequence number once it is committed, or the
    error that kept it out (then nothing of that row was written)."""

    BATCH = 512

    def __init__(self, path: Locator):
        self.path = path
        self._queue: queue.SimpleQueue[tuple[tuple, Future]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def write(self, entry: Entry, status: int) -> Future:
        future: Future = Future()
        try:
            self._queue.put((row_values(entry, status), future))
        except Exception as exc:                 # (an entry that cannot be logged is an error like any)
            future.set_exception(exc)
            return future
        if self._thread is None:
            with self._starting:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="jin-audit", daemon=True)
                    self._thread.start()
        return future

    def _run(self) -> None:
        conn: Connection | None = None
        while True:                              # (a daemon thread: requests wait for their rows)
            batch = [self._queue.get()]
            while len(batch) < self.BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            # A request that stopped waiting for its row (its client went away) was sent nothing:
            # its row says so (499, nginx's "client closed request"). Running futures cannot be
            # cancelled any more, so every other row's status is what its client gets.
            waiting = [future.set_running_or_notify_cancel() for _, future in batch]
            rows = [values if wanted else (*values[:9], CLOSED, 0, values[11])
                    for (values, _), wanted in zip(batch, waiting)]
            try:
                conn = conn if conn is not None and not conn.broken else db.connect(self.path)
                outcome: list = append_rows(conn, rows)
            except Exception as exc:             # nothing of the batch was written
                outcome = [exc] * len(batch)
            for (_, future), wanted, result in zip(batch, waiting, outcome):
                if not wanted:
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)


def query(conn: Connection, since: str | None = None, until: str | None = None,
          username: str | None = None, agency: str | None = None, dataset: str | None = None,
          limit: int | None = None) -> list[dict]:
    """Audit rows, oldest first, filtered."""
    where, args = [], []
    for column, op, value in (("at", ">=", since), ("at", "<", until), ("username", "=", username),
                              ("agency", "=", agency)):
        if value:
            where.append(f"{column} {op} ?")
            args.append(value)
    if dataset:                  # a request reading two datasets (compare) names both: "a,b"
        literal = dataset.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("(dataset = ? OR dataset LIKE ? ESCAPE '\\' OR dataset LIKE ? ESCAPE '\\')")
        args += [dataset, f"{literal},%", f"%,{literal}"]
    sql = f"SELECT {', '.join(FIELDS)} FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY seq"
    if limit:
        latest = f"{sql.replace('ORDER BY seq', 'ORDER BY seq DESC')} LIMIT {int(limit)}"
        sql = f"SELECT * FROM ({latest}) AS latest ORDER BY seq"         # (PostgreSQL 15 needs the alias)
    return [dict(zip(FIELDS, row)) for row in conn.execute(sql, args)]


def verify(conn: Connection) -> tuple[int, list[int]]:
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
    """The rows as CSV, any text a spreadsheet would run as a formula neutralised (``safe_row``):
    user names and parameters come from callers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")    # RFC 4180: a field holding \r or \n is quoted
    writer.writerow(FIELDS)
    writer.writerows(safe_row(r[f] for f in FIELDS) for r in rows)
    return out.getvalue()
