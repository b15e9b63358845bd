"""Cleansing: every input row ends up accepted (repaired where the fix is certain) or quarantined
with a reason and its source line. Nothing is silently dropped.

Each row is checked on its own (``row_checks``; a big extract in two parts at once, ``parts``),
then the rows are settled together: a blank row, or the duplicate of an earlier row, is
quarantined as such whatever else is wrong with it.

Reasons never quote personal fields: the partner can look the line up in their own file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from jin_hub.geography import AreaIndex
from jin_hub.ingest.parts import Checked, checked
from jin_hub.ingest.pseudonyms import CodedKeys, Pseudonymiser
from jin_hub.ingest.schemas import DatasetSchema
from jin_hub.ingest.worker import Worker, worth_a_worker

#: What a worker checking part of an extract imports while this process starts on its own part.
WORKER_MODULES = ("jin_hub.ingest.parts",)


@dataclass
class Cleansed:
    """Outcome of cleansing one extract."""

    placed: pd.DataFrame              # accepted rows: source_line, period (YYYY-MM), category, area_code
    quarantined: pd.DataFrame         # source_line, reason
    n_input: int                      # data rows in the file, blank ones included
    encoding: str
    extra_columns: list[str] = field(default_factory=list)
    repaired: dict[str, int] = field(default_factory=dict)
    keys: dict[str, Optional[CodedKeys]] = field(default_factory=dict, repr=False)   # of every row, per pseudonym

    @cached_property
    def accepted(self) -> pd.DataFrame:
        """``placed`` with a column per pseudonym (None where the extract lacks its inputs): made
        when first wanted, as a million keys take a while and counting needs none."""
        frame = self.placed.copy()
        rows = self.placed["source_line"].to_numpy() - 2
        for name, keys in self.keys.items():   # plain objects: a text column would check every key again
            frame[name] = pd.Series(None if keys is None else keys.take(rows), index=frame.index, dtype=object)
        return frame

    def report(self) -> dict:
        """Counts per outcome and reason, for the run report."""
        reasons = self.quarantined["reason"].str.replace(r" \(.*\)$| of line \d+$", "", regex=True)
        return {
            "input_rows": self.n_input,
            "accepted": len(self.accepted),
            "quarantined": len(self.quarantined),
            "quarantine_reasons": {k: int(v) for k, v in reasons.value_counts().sort_index().items()},
            "repaired": self.repaired,
            "encoding": self.encoding,
            "extra_columns_ignored": self.extra_columns,
        }


def may_repeat(twin_hash: np.ndarray) -> np.ndarray:
    """Which rows may be identical to another: those whose ``row_checks.twin_hash`` (of values
    computed from each row) another row shares; rows differing in one of the values cannot be."""
    return pd.Series(twin_hash).duplicated(keep=False).to_numpy()


def first_identical(n: int, candidates: pd.DataFrame) -> np.ndarray:
    """Per row of ``n``, the position of the first row identical to it in every column (its own if
    none comes earlier). ``candidates``: every row that may have a twin (``may_repeat``), indexed
    by position, so only those are grouped by every column, not a million rows."""
    first = np.arange(n)
    if len(candidates):
        rows = candidates.index.to_numpy()
        same = candidates.groupby(list(candidates.columns), sort=False, dropna=False).ngroup().to_numpy()
        first[rows] = pd.Series(rows).groupby(same).transform("min").to_numpy()
    return first


def cleanse(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
            worker: Optional[Worker] = None) -> Cleansed:
    """Cleanse one extract, place each accepted row in an area of ``areas`` and key its pseudonyms.

    Identifying inputs of pseudonyms (references, names, dates of birth) are read only to be keyed;
    the accepted rows carry the keys, never the inputs. A large extract is checked half here, half
    by ``worker`` (or a worker of its own).
    """
    owned = Worker.start(*WORKER_MODULES) if worker is None and worth_a_worker(path) else None
    try:
        return settle(checked(path, schema, areas, pseudonymiser, worker or owned), schema)
    finally:
        if owned is not None:
            owned.close()


def settle(found: Checked, schema: DatasetSchema) -> Cleansed:
    """Quarantine blank rows and duplicates, then every row a check failed; accept the rest."""
    checks = found.checks
    n = len(checks)
    line = np.arange(n) + 2                                   # header is line 1
    reason = checks.reason.copy()
    twins = np.flatnonzero(may_repeat(checks.twin_hash) & ~checks.blank)
    first = first_identical(n, found.rows(twins))
    dup = first != np.arange(n)
    reason[dup] = [f"duplicate of line {k}" for k in line[first[dup]]]
    reason[checks.blank] = "blank row"
    ok = reason == None  # noqa: E711 - elementwise on an object array

    placed = pd.DataFrame({
        "source_line": line[ok],
        "period": checks.period[ok],
        "category": checks.category[ok],
        "area_code": checks.area[ok],
    })
    quarantined = pd.DataFrame({"source_line": line[~ok], "reason": reason[~ok]})
    extra = [c for c in found.columns if c not in schema.required and c not in schema.pseudonym_inputs()]
    repaired = {"category_variant_mapped": int((checks.variant & ok).sum()),
                "wgs84_coordinates_reprojected": int((checks.wgs84 & ok).sum())}
    return Cleansed(placed, quarantined, n, found.encoding_name, extra, repaired,
                    {name: checks.keys.get(name) for name in schema.pseudonyms})
