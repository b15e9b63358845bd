"""Which rows of an extract repeat an earlier one, when the extract is cleansed a chunk at a time.

A row's duplicate may be millions of rows before it, in another chunk, and keeping every row's text
to look it up would cost as much memory as reading the whole file. So a first pass keeps only a
64-bit hash of each row's key (its stripped unique ID, or the whole row where a dataset has none);
the rows whose hash is unique cannot repeat anything, and only the few others (real repeats and the
odd collision) are compared as text, in the second pass, in row order (``Repeats.first``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: A chunk's rows that may repeat another: (which rows, the key of each; None: every row, whole).
Keyed = Callable[[pd.DataFrame], tuple[np.ndarray, "np.ndarray | None"]]


def _hashes(frame: pd.DataFrame, rows: np.ndarray, key: np.ndarray | None) -> np.ndarray:
    """64-bit hash of the key of each of ``rows`` (equal keys, equal hashes)."""
    if key is None:
        return pd.util.hash_pandas_object(frame.iloc[rows], index=False).to_numpy()
    return pd.util.hash_array(np.asarray(key[rows], dtype=object))


def _keys(frame: pd.DataFrame, rows: np.ndarray, key: np.ndarray | None) -> list:
    """The key of each of ``rows`` as a hashable value: its text, or the row's values."""
    if key is None:
        return list(frame.iloc[rows].itertuples(index=False, name=None))
    return key[rows].tolist()


@dataclass
class Repeats:
    """Rows that may repeat an earlier one (``candidate``, by data row), found by ``scan``; the
    first row of each key among them, filled in as the chunks are cleansed in order."""

    n: int
    candidate: np.ndarray
    keyed: Keyed
    seen: dict = field(default_factory=dict)

    @classmethod
    def scan(cls, frames: Iterable[pd.DataFrame], keyed: Keyed) -> Repeats:
        """Hash the key of each row ``keyed`` picks, chunk by chunk; keep the rows whose hash repeats."""
        rows, hashes, n = [], [], 0
        for frame in frames:
            mine, key = keyed(frame)
            rows.append(mine + n)
            hashes.append(_hashes(frame, mine, key))
            n += len(frame)
        rows_all = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        hash_all = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
        del rows, hashes
        order = np.argsort(hash_all, kind="stable")
        same = hash_all[order[1:]] == hash_all[order[:-1]]
        candidate = np.zeros(n, dtype=bool)
        candidate[rows_all[order[1:][same]]] = True
        candidate[rows_all[order[:-1][same]]] = True
        return cls(n, candidate, keyed)

    def first(self, frame: pd.DataFrame, start: int) -> np.ndarray:
        """Per row of ``frame`` (data rows ``start`` on, the chunks taken in order), the data row
        of the first row with its key (its own if none comes earlier)."""
        first = np.arange(start, start + len(frame))
        mine = np.flatnonzero(self.candidate[start:start + len(frame)])
        if len(mine):
            picked, key = self.keyed(frame)
            mine = np.intersect1d(mine, picked)
            first[mine] = [self.seen.setdefault(k, start + i) for i, k in
                           zip(mine.tolist(), _keys(frame, mine, key))]
        return first
