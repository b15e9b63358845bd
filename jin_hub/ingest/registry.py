"""Which datasets a hub knows: the definitions shipped with JiN (``jin_hub/datasets/*.toml``) and
those its administrator registered (``jin-hub datasets add``), which are kept in the hub database
so every hub process reads the same ones. A registered definition replaces a shipped one of the
same id: that is how a partnership changes, say, a shipped release policy.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Optional

from jin_hub.backends import Connection
from jin_hub.ingest import definitions
from jin_hub.ingest.schemas import DatasetSchema

SHIPPED = Path(__file__).resolve().parents[1] / "datasets"


@lru_cache(maxsize=1)
def shipped() -> dict[str, DatasetSchema]:
    """The definitions shipped with JiN, by id."""
    found = (definitions.read(path) for path in sorted(SHIPPED.glob("*.toml")))
    return {schema.id: schema for schema in found}


@lru_cache(maxsize=64)
def _parsed(text: str, name: str) -> DatasetSchema:
    return definitions.parse(text, name)


def registered(conn: Connection) -> dict[str, DatasetSchema]:
    """The definitions registered in the hub database, by id."""
    rows = conn.execute("SELECT file, text FROM dataset_definitions ORDER BY id").fetchall()
    return {schema.id: schema for schema in (_parsed(text, name) for name, text in rows)}


def schemas(conn: Optional[Connection] = None) -> dict[str, DatasetSchema]:
    """Every dataset the hub knows: shipped, then registered ones (which win)."""
    return {**shipped(), **(registered(conn) if conn is not None else {})}


def get_schema(dataset: str, conn: Optional[Connection] = None) -> DatasetSchema:
    """The definition of ``dataset``, or a clear error listing the known datasets."""
    known = schemas(conn)
    try:
        return known[dataset]
    except KeyError:
        raise KeyError(f"unknown dataset '{dataset}'; known datasets: {', '.join(known)}. Register its "
                       "definition with: jin-hub datasets add FILE") from None


def add(conn: Connection, path: Path, replace: bool = False) -> tuple[DatasetSchema, bool]:
    """Register the definition in ``path`` (checked first); return it and whether it replaced one
    registered before. Nothing changes if the file is refused."""
    path = Path(path)
    schema = definitions.read(path)
    text = path.read_text(encoding="utf-8")
    with conn:
        conn.begin_write()
        before = conn.execute("SELECT file FROM dataset_definitions WHERE id = ?", (schema.id,)).fetchone()
        if before and not replace:
            raise ValueError(f"dataset '{schema.id}' is already registered (from {before[0]}): add --replace to "
                             "replace its definition; releases already published stay as they are")
        conn.execute("INSERT OR REPLACE INTO dataset_definitions VALUES (?,?,?,?,?)",
                     (schema.id, path.name, text, hashlib.sha256(text.encode()).hexdigest(),
                      datetime.now(timezone.utc).isoformat(timespec="seconds")))
    return schema, before is not None


def remove(conn: Connection, dataset: str) -> None:
    """Unregister ``dataset``'s definition (a shipped one of the same id applies again)."""
    with conn:
        if not conn.execute("DELETE FROM dataset_definitions WHERE id = ?", (dataset,)).rowcount:
            raise KeyError(f"no registered definition '{dataset}'; registered: "
                           f"{', '.join(registered(conn)) or 'none'} (shipped ones cannot be removed)")
