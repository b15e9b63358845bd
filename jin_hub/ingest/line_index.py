"""Chosen data lines of a CSV file, found by counting line ends, so a few rows can be read again
on their own instead of the whole file.

Counting is exact unless a quoted value spans lines or a lone carriage return ends one; then the
number of lines found differs from the rows pandas read and there is no answer here (and if the
two still agreed by chance, the caller checks the rows it gets against the ones it has).
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Optional

import numpy as np

BLOCK = 1 << 18          # line ends are counted per block, then found only in the blocks needed
NEWLINE = ord("\n")


def _ends(data: np.ndarray, wanted: np.ndarray) -> tuple[int, np.ndarray]:
    """(lines in ``data``, byte position of each wanted line's end; the last byte for a last line
    without one). ``wanted`` ascending."""
    counts = np.array([np.count_nonzero(data[s:s + BLOCK] == NEWLINE) for s in range(0, len(data), BLOCK)],
                      dtype=np.int64)
    before = np.concatenate([[0], np.cumsum(counts)])              # line ends before each block
    lines = int(before[-1]) + int(len(data) > 0 and data[-1] != NEWLINE)
    ends = np.full(len(wanted), len(data) - 1, dtype=np.int64)
    found = wanted < before[-1]
    blocks = np.searchsorted(before, wanted[found], side="right") - 1
    positions = np.empty(len(blocks), dtype=np.int64)
    for block in np.unique(blocks):
        these = blocks == block
        start = block * BLOCK
        here = np.flatnonzero(data[start:start + BLOCK] == NEWLINE) + start
        positions[these] = here[wanted[found][these] - before[block]]
    ends[found] = positions
    return lines, ends


def row_bytes(path: Path, rows: np.ndarray, n_rows: int) -> Optional[bytes]:
    """The header line and data lines ``rows`` (ascending positions) of ``path``, as bytes a CSV
    reader takes; None unless the file has exactly ``n_rows`` data lines by its line ends."""
    with Path(path).open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        data = np.frombuffer(mm, dtype=np.uint8)
        try:
            rows = np.asarray(rows, dtype=np.int64)
            wanted = np.unique(np.concatenate([[0], rows, rows + 1]))     # line k ends line k (0: header)
            lines, ends = _ends(data, wanted)
            if lines != n_rows + 1:
                return None
            end = dict(zip(wanted.tolist(), (ends + 1).tolist()))
            parts = [mm[:end[0]], *(mm[end[r]:end[r + 1]] for r in rows.tolist())]
        finally:
            del data                              # the map closes only once no array uses it
    if parts[-1][-1:] != b"\n":
        parts.append(b"\n")
    return b"".join(parts)
