"""An extract checked in two parts at once: this process checks the first half of its lines, a
worker process the second, each reading only its own bytes (``reader.read_part``), so the file
is read once in all and both cores check, place and key rows from the start.

The row-by-row checks (``row_checks``) give the same answer in parts as whole. Whether a row is
the duplicate of another needs all rows: each part's checks carry a hash per row, and the rows
that may have a twin are then fetched from the part that has them, the worker keeping its part's
text until asked. Where a part cannot be read on its own as the same rows the whole file has, or
the two halves decode differently, the file is checked whole here; a failed worker costs only the
time of checking its half here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pandas as pd

from jin_hub.geography import AreaIndex
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.reader import ENCODINGS, Extract, ExtractError, PartUnreadable, read_part, read_text, split_points
from jin_hub.ingest.row_checks import RowChecks, check_rows
from jin_hub.ingest.schemas import DatasetSchema
from jin_hub.ingest.worker import Worker, WorkerFailed

log = logging.getLogger(__name__)

#: This process's share of the lines: a bit over half, as the worker starts later.
MY_SHARE = 0.53
#: The worker's part, kept from ``check_part`` until ``part_rows`` asks for some of its rows.
_KEPT: dict[str, pd.DataFrame] = {}


@dataclass
class Checked:
    """The row-by-row checks of a whole extract, and its text for the rows that need another look."""

    checks: RowChecks
    encoding: str                                     # as pandas names it
    columns: list[str]                                # every column read, in file order
    rows: Callable[[np.ndarray], pd.DataFrame]        # every column read of the rows at positions (ascending)

    @property
    def encoding_name(self) -> str:
        return "utf-8" if self.encoding == "utf-8-sig" else self.encoding


def _valid(extract: Extract, path: Path, schema: DatasetSchema) -> Extract:
    missing = [c for c in schema.required if c not in extract.frame.columns]
    if missing:
        raise ExtractError(
            f"{Path(path).name} does not match the '{schema.id}' schema: missing column(s) {', '.join(missing)}. "
            f"Expected at least: {', '.join(schema.required)}.")
    return extract


def _positioned(frame: pd.DataFrame, positions: np.ndarray, offset: int = 0) -> pd.DataFrame:
    return frame.iloc[positions - offset].set_axis(positions)


def check_part(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser, start: int,
               end: int, encodings: tuple[str, ...]) -> tuple[RowChecks, str]:
    """The worker's job: (checks, encoding) of the lines of ``path`` from byte ``start`` to ``end``.
    Their text is kept for ``part_rows``."""
    extract = read_part(path, schema.reads, start, end, encodings)
    _KEPT["frame"] = _valid(extract, path, schema).frame
    return check_rows(extract.frame, schema, areas, pseudonymiser), extract.encoding


def part_rows(positions: np.ndarray) -> pd.DataFrame:
    """The worker's job after ``check_part``: the rows of its part at ``positions`` (in the part);
    the part is then forgotten."""
    return _positioned(_KEPT.pop("frame"), positions)


def checked(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
            worker: Optional[Worker] = None) -> Checked:
    """Check every row of ``path``: in two parts if there is a ``worker``, else whole here."""
    if worker is not None:
        try:
            return _in_halves(Path(path), schema, areas, pseudonymiser, worker)
        except PartUnreadable as exc:
            log.info("checking the whole file in one process: %s", exc)
    extract = _valid(read_text(path, schema.reads), path, schema)
    checks = check_rows(extract.frame, schema, areas, pseudonymiser)
    return Checked(checks, extract.encoding, list(extract.frame.columns),
                   lambda positions: _positioned(extract.frame, positions))


def _in_halves(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
               worker: Worker) -> Checked:
    start, cut, end = split_points(path, [MY_SHARE, 1 - MY_SHARE])
    _ = areas.grid                                           # built once, here, and sent with the job
    job = worker.run(f"{__name__}:check_part", path, schema, areas, pseudonymiser, cut, end, ENCODINGS)
    mine = _valid(read_part(path, schema.reads, start, cut), path, schema)
    own = check_rows(mine.frame, schema, areas, pseudonymiser)
    theirs: Optional[pd.DataFrame] = None                   # the second half's text, if read here
    try:
        other, encoding = job.result()
    except WorkerFailed as exc:
        log.warning("checking the second half here: the worker failed (%s)", exc)
        other, encoding, theirs = _here(path, schema, areas, pseudonymiser, cut, end, ENCODINGS)
    if encoding != mine.encoding:                           # read whole, the file would be Windows-1252
        if mine.encoding != "cp1252":
            mine = read_part(path, schema.reads, start, cut, ("cp1252",))
            own = check_rows(mine.frame, schema, areas, pseudonymiser)
        else:
            other, encoding, theirs = _here(path, schema, areas, pseudonymiser, cut, end, ("cp1252",))
    n_mine = len(mine.frame)
    asked = False

    def rows(positions: np.ndarray) -> pd.DataFrame:
        nonlocal asked, theirs
        first, second = positions[positions < n_mine], positions[positions >= n_mine]
        if theirs is None and not asked:
            asked = True
            try:
                got = worker.run(f"{__name__}:part_rows", second - n_mine).result()
                return pd.concat([_positioned(mine.frame, first), got.set_axis(second)])
            except WorkerFailed as exc:
                log.warning("reading the second half's rows here: the worker failed (%s)", exc)
        if theirs is None:
            theirs = read_part(path, schema.reads, cut, end, (mine.encoding,)).frame
        return pd.concat([_positioned(mine.frame, first), _positioned(theirs, second, n_mine)])

    return Checked(RowChecks.joined([own, other]), mine.encoding, list(mine.frame.columns), rows)


def _here(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser, start: int,
          end: int, encodings: tuple[str, ...]) -> tuple[RowChecks, str, pd.DataFrame]:
    """A part checked in this process: (checks, encoding, text)."""
    extract = _valid(read_part(path, schema.reads, start, end, encodings), path, schema)
    return check_rows(extract.frame, schema, areas, pseudonymiser), extract.encoding, extract.frame
