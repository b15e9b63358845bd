"""Where a hub keeps its data: an SQLite file (embedded, the default) or a PostgreSQL/PostGIS
database (``postgresql://…``), behind one connection interface.

Both connections take the hub's SQL as written for SQLite (``?`` parameters, ``BEGIN``,
``ON CONFLICT``, ``RETURNING``) and add what the dialects do differently as methods, so the
pipeline and the API never ask which backend they run on:

- ``begin_write()``: a transaction holding the hub's write lock (SQLite's ``BEGIN IMMEDIATE``;
  on PostgreSQL an advisory lock, so writers in every hub process take their turn);
- ``insert_rows(table, names, flat, start, stop)``: bulk rows (multi-row INSERT; ``COPY``);
- ``frame(sql, params)``: a query's rows as a DataFrame;
- ``json_values``: the subquery giving the strings of a JSON array parameter;
- ``has_table(name)``, ``checkpointer()``, ``staging()`` and ``locator``;
- ``begin_snapshot()`` and ``streamed(sql)``: a consistent read of a whole hub, row batches
  fetched as they are wanted (``jin_hub.migrate``); ``resume_numbering(table, column)`` after
  rows were copied in with their own numbers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, Union
from urllib.parse import urlsplit, urlunsplit

#: A hub database: an SQLite file's path, or a ``postgresql://`` URL.
Locator = Union[str, Path]

SCHEMES = ("postgresql", "postgres")
#: Tables whose changes alter what the hub publishes (pointers to current releases, boundaries,
#: denominators, dataset definitions): a trigger counts every change to them in ``hub_changes``,
#: so a serving process knows with one read whether its cached catalogue and replies still hold.
WATCHED = ("datasets", "geographies", "denominators", "dataset_definitions")
#: The change counter those triggers keep: one row, created by the first change.
CHANGES = """
CREATE TABLE IF NOT EXISTS hub_changes (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    version INTEGER NOT NULL
);
"""
#: The statement a trigger runs to count one change.
COUNT_CHANGE = ("INSERT INTO hub_changes VALUES (1, 1) "
                "ON CONFLICT (one) DO UPDATE SET version = hub_changes.version + 1")


def is_postgres(locator: Locator) -> bool:
    """Whether ``locator`` names a PostgreSQL database."""
    return isinstance(locator, str) and urlsplit(locator).scheme in SCHEMES


def shown(locator: Locator) -> str:
    """``locator`` as it may be printed or logged: a URL's password replaced by ***."""
    if not is_postgres(locator):
        return str(locator)
    parts = urlsplit(str(locator))
    if parts.password is None:
        return str(locator)
    host = parts.netloc.rsplit("@", 1)[1]            # (the password as written may be %-encoded)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def errors() -> tuple[type[BaseException], ...]:
    """The exception types either backend raises for a database that fails (to catch both)."""
    found: list[type[BaseException]] = [sqlite3.Error]
    try:
        import psycopg
    except ImportError:
        return tuple(found)
    return (*found, psycopg.Error)


class Connection(Protocol):
    """A hub database connection: what the pipeline, the API and the commands may use, which
    both backends provide."""

    kind: str                         # sqlite | postgresql
    json_values: str                  # SELECT giving the strings of a JSON array parameter (?)

    @property
    def locator(self) -> str: ...

    @property
    def broken(self) -> bool: ...

    def execute(self, sql: str, params: Sequence = ...) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> Any: ...

    def begin_write(self) -> None: ...

    def insert_rows(self, table: str, names: Sequence[str], flat: list, start: int, stop: int) -> None: ...

    def frame(self, sql: str, params: Sequence = ...) -> Any: ...

    def has_table(self, name: str) -> bool: ...

    def connections_allowed(self) -> int | None:
        """How many connections the database lets the hub open at once (None: no limit)."""

    def begin_snapshot(self) -> None: ...

    def streamed(self, sql: str) -> Any: ...

    def resume_numbering(self, table: str, column: str) -> None: ...

    def checkpointer(self) -> Any: ...

    def staging(self) -> Path: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: Any) -> Any: ...


@contextmanager
def writing(conn: Connection) -> Iterator[Connection]:
    """One write transaction, begun at once with the hub's write lock (so its reads are not stale
    by the time it writes, and other processes' writers wait their turn)."""
    conn.begin_write()
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class BackendError(RuntimeError):
    """A hub database that cannot be used as it is: unreachable, refused, without PostGIS, or made
    by a newer JiN. The message names the problem and the fix."""
