"""One ingest run: cleanse an extract, count and protect its cells (``cells``) and publish the
result as a new immutable release.

The release is written beside the current one and the dataset's pointer moves in the same
transaction, so readers see the old release or the new one, never a mixture. Re-ingesting a file
already published (same content hash) changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pandas as pd

from jin_hub import db, nesting, periods
from jin_hub.geography import AreaIndex
from jin_hub.ingest import cells as cells_of
from jin_hub.ingest.cellkey import perturb
from jin_hub.ingest.cleanse import WORKER_MODULES, Cleansed, cleanse
from jin_hub.ingest.disclosure import rule_text
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.reader import ExtractError
from jin_hub.ingest.schemas import ReleasePolicy, get_schema
from jin_hub.ingest.worker import Worker, WorkerFailed, worth_a_worker

#: The worker job that suppresses a big extract's cells while the records are written.
SUPPRESSED_CELLS = f"{cells_of.__name__}:suppressed_cells"
log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    """What an ingest did, for the CLI and tests."""

    release_id: str
    created: bool                 # False when the same file was already published
    report: dict


def file_sha256(path: Path) -> str:
    """Content hash of an extract, the key that makes re-ingest idempotent."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def published_release(conn: sqlite3.Connection, dataset: str, sha: str) -> Optional[IngestResult]:
    """The release already made from the file with this content hash, if any."""
    done = conn.execute("SELECT id, report FROM releases WHERE dataset = ? AND source_sha256 = ? "
                        "AND status = 'complete'", (dataset, sha)).fetchone()
    return IngestResult(done[0], False, json.loads(done[1])) if done else None


def publishable(result: Cleansed, levels: dict[str, dict[str, str] | None],
                pairs: dict[tuple[str, str], dict[str, str]], policy: ReleasePolicy, threshold: int, secret: bytes,
                covering: pd.DataFrame, helper: Optional[Worker] = None) -> Callable[[], tuple[pd.DataFrame, int]]:
    """Apply the dataset's disclosure control method to the cells its policy allows; returns a
    function giving (the protected cells, the records counted). Suppression is handed to ``helper``
    (a worker process) if there is one, so it runs while the records are written."""
    counted = cells_of.aggregate(result.placed, levels, covering)
    recorded = cells_of.recorded(counted, next(iter(levels)))
    if policy.method == "cell_key":              # noise, not additivity, protects these: just leave out
        cells = perturb(result.accepted, levels, secret, threshold, covering)   # cell keys come from pseudonyms
        cells = cells[cells_of.allowed(cells, policy)].reset_index(drop=True)
        return lambda: (cells, recorded)
    arguments = (counted, pairs, policy, threshold)
    if helper is None:
        done = cells_of.suppressed_cells(*arguments)
        return lambda: (done, recorded)
    running = helper.run(SUPPRESSED_CELLS, *arguments)

    def protected() -> tuple[pd.DataFrame, int]:
        try:
            return running.result(), recorded
        except WorkerFailed as exc:
            log.warning("suppressing in-process: the worker failed (%s)", exc)
            return cells_of.suppressed_cells(*arguments), recorded
    return protected


RECORD_KEYS = ("record_key", "person_key", "caller_key", "address_key")


def write_records(conn: sqlite3.Connection, release_no: int, accepted: pd.DataFrame, keys: list[str]) -> None:
    """Insert the ``records`` rows of ``accepted``: id (release no, line), month, category, area at
    the finest geography, and the pseudonyms ``keys``."""
    rows = db.Rows("records", ["id", "period", "category", "area_code", *keys], len(accepted))
    rows.fill("id", ((np.int64(release_no) << 32) + accepted["source_line"].to_numpy(np.int64)).tolist())
    for column in ("period", "category", "area_code", *keys):
        rows.fill(column, accepted[column].tolist())
    rows.insert(conn)


def write_quarantine(conn: sqlite3.Connection, release_id: str, quarantined: pd.DataFrame) -> None:
    """Insert a release's quarantine: source line and reason of each row not accepted."""
    db.insert_columns(conn, "quarantine", ["release_id", "source_line", "reason"], [
        [release_id] * len(quarantined), quarantined["source_line"].astype(int).tolist(),
        quarantined["reason"].tolist()])


def write_release(conn: sqlite3.Connection, release: tuple, report: dict, release_no: int,
                  cells: pd.DataFrame) -> None:
    """Insert a release (id, dataset, created, source name, sha256) and its published cells, and
    make it its dataset's current one (inside the caller's transaction)."""
    release_id, dataset = release[:2]
    key = ["geography", "period", "category", "area_code"]
    cells = cells.sort_values(key, ignore_index=True)   # in key order: appended, not spliced into the index
    counts = np.array(cells["count"].fillna(0).astype(np.int64).tolist(), dtype=object)
    counts[cells["count"].isna().to_numpy()] = None                # withheld: NULL, never a number
    conn.execute("INSERT INTO releases VALUES (?,?,?,?,?,?,?,?,?)",
                 (*release, "complete", json.dumps(report), release_no, report["geography"]))
    db.insert_columns(conn, "aggregates", ["release_id", *key, "count", "suppressed"], [
        [release_id] * len(cells), *(cells[c].tolist() for c in key), counts.tolist(),
        cells["suppressed"].astype(int).tolist()])
    conn.execute("INSERT INTO datasets VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET "
                 "current_release = excluded.current_release", (dataset, release_id))


def ingest(conn: sqlite3.Connection, dataset: str, path: Path, secret: bytes,
           threshold: int | None = None, notes: str = "") -> IngestResult:
    """Ingest ``path`` as ``dataset``; publish a new release unless this exact file already was.

    ``threshold`` overrides the release policy's (suppression: counts below it are withheld);
    ``notes`` are the admin's release notes, published in the catalogue.
    """
    schema = get_schema(dataset)
    policy = schema.policy
    threshold = policy.threshold if threshold is None else threshold
    if not Path(path).is_file():
        raise ExtractError(f"extract {path} not found: check the path")
    helper = Worker.start(*WORKER_MODULES) if worth_a_worker(path) else None  # half the checks, then suppression
    try:                                        # the worker starts up while the file is hashed
        sha = file_sha256(path)
        done = published_release(conn, dataset, sha)
        if done:
            return done
        base = nesting.finest(conn)
        result = cleanse(path, schema, AreaIndex.from_db(conn, base), Pseudonymiser(secret), worker=helper)
        if helper is not None:
            helper.load(*cells_of.MODULES)            # while the cells are counted here
        pairs = nesting.nested_maps(conn)           # only geographies nested in the finest one are published
        rollups = {parent: lookup for (child, parent), lookup in pairs.items() if child == base}
        levels = {base: None, **rollups}
        published = [base, *rollups]
        covering, twins = cells_of.multi_month(result.placed, policy)
        protected = publishable(result, levels, {k: v for k, v in pairs.items() if k[0] in published
                                                 and k[1] in published}, policy, threshold, secret, covering, helper)
        now = datetime.now(timezone.utc)
        release_id = f"{dataset}-{now:%Y%m%dT%H%M%S%f}"
        keys = [k for k in RECORD_KEYS if k in schema.pseudonyms]
        with conn:                                     # one transaction: all of the release or none
            conn.execute("BEGIN IMMEDIATE")            # the write lock now: release numbers stay unique
            (release_no,) = conn.execute("SELECT coalesce(max(no), 0) + 1 FROM releases").fetchone()
            write_records(conn, release_no, result.accepted, keys)
            write_quarantine(conn, release_id, result.quarantined)
            cells, counted = protected()               # suppression ran meanwhile if a worker had it
            cells = cells_of.with_twins(cells, twins)
            report = result.report() | {
                "dataset": dataset, "source": Path(path).name, "sha256": sha, "geography": base, "notes": notes,
                "geographies": published,
                "method": policy.method, "threshold": threshold,
                "disclosure_rule": rule_text(policy, threshold),
                "periods": sorted(cells["period"].unique().tolist(), key=periods.order),
                "counted": counted,
                "cells": len(cells), "cells_suppressed": int(cells["suppressed"].sum()),
            }
            write_release(conn, (release_id, dataset, now.isoformat(timespec="seconds"), Path(path).name, sha),
                          report, release_no, cells)
    finally:
        if helper is not None:
            helper.close()
    return IngestResult(release_id, True, report)
