"""Where a CSV file's lines and rows are, found from its bytes in numpy: chosen data lines, so a
few rows can be read again on their own instead of the whole file; the line each row starts on,
for quarantine reports; and any line too long to be a partner's row.

Counting is exact unless a quoted value spans lines or a lone carriage return ends one; then the
number of lines found differs from the rows pandas read and there is no answer here (and if the
two still agreed by chance, the caller checks the rows it gets against the ones it has). Where
a quoted value spans lines, a line end ends a row only outside quotes, i.e. after an even number
of quote characters.
"""

from __future__ import annotations

import contextlib
import mmap
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import numpy as np

BLOCK = 1 << 18          # line ends are counted per block, then found only in the blocks needed
NEWLINE = ord("\n")
QUOTE = ord('"')


class RowTooLong(ValueError):
    """A line or row longer than the limit: (1-based line it starts on, its length in bytes)."""

    def __init__(self, line: int, length: int) -> None:
        super().__init__(line, length)
        self.line, self.length = line, length


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


@contextlib.contextmanager
def _mapped(path: Path) -> Iterator[Optional[mmap.mmap]]:
    """The bytes of ``path`` as a read-only map (None for an empty file, which cannot be mapped)."""
    with Path(path).open("rb") as fh:
        if not fh.seek(0, 2):
            yield None
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            yield mm


def long_line(path: Path, limit: int) -> None:
    """Raise ``RowTooLong`` for a line of ``path`` longer than ``limit`` bytes (line end included).

    Looks for a line end in every stretch of ``limit // 2`` bytes (a memchr per stretch: a few
    thousand calls for a 100 MB file, milliseconds), since a longer line holds a whole stretch
    with none; only around such a stretch is the line measured. So no line of up to ``limit``
    bytes is refused, and none longer passes, without scanning the file byte by byte."""
    with _mapped(path) as mm:
        if mm is None:
            return
        step = max(limit // 2, 1)
        for start in range(0, len(mm), step):
            if mm.find(b"\n", start, start + step) >= 0:
                continue
            begin = mm.rfind(b"\n", 0, start) + 1
            end = mm.find(b"\n", start)
            length = (len(mm) if end < 0 else end + 1) - begin
            if length > limit:
                raise RowTooLong(_count(mm, begin) + 1, length)


def _count(mm: mmap.mmap, stop: int) -> int:
    """Line ends before byte ``stop``."""
    data = np.frombuffer(mm, dtype=np.uint8, count=stop)
    try:
        return sum(int(np.count_nonzero(data[s:s + BLOCK] == NEWLINE)) for s in range(0, stop, BLOCK))
    finally:
        del data


def row_lines(path: Path, n_rows: int, limit: int) -> np.ndarray:
    """The 1-based line of ``path`` that each of its ``n_rows`` data rows starts on (the header
    is line 1), so a quarantine report points at the line an editor shows. Rows are lines unless
    a quoted value spans lines; then rows are found by the quotes, and ``RowTooLong`` is raised
    for a row longer than ``limit`` bytes. If neither way finds ``n_rows`` rows (a lone carriage
    return ending lines), rows are taken to be lines."""
    with _mapped(path) as mm:
        if mm is None:
            return np.arange(n_rows) + 2
        data = np.frombuffer(mm, dtype=np.uint8)
        try:
            size = len(data)
            ends = [np.count_nonzero(data[s:s + BLOCK] == NEWLINE) for s in range(0, size, BLOCK)]
            unended = int(data[-1] != NEWLINE)                       # a last line without a line end
            if sum(ends) + unended == n_rows + 1:
                return np.arange(n_rows) + 2
            newline = _positions(data, NEWLINE)
            quote = _positions(data, QUOTE)
        finally:
            del data                              # the map closes only once no array uses it
    row_end = np.flatnonzero((np.searchsorted(quote, newline) & 1) == 0)      # indexes of line ends ending rows
    if len(row_end) + unended != n_rows + 1:
        return np.arange(n_rows) + 2
    bounds = np.concatenate([[-1], newline[row_end], [size - 1]])
    lengths = np.diff(bounds)[:n_rows + 1]
    starts = np.concatenate([[1], row_end + 2])                              # line after each row's end
    if len(lengths) and lengths.max() > limit:
        worst = int(np.argmax(lengths))
        raise RowTooLong(int(starts[worst]), int(lengths[worst]))
    return starts[1:n_rows + 1]


def _positions(data: np.ndarray, byte: int) -> np.ndarray:
    """Offsets of every ``byte`` in ``data``, found block by block."""
    found = [np.flatnonzero(data[s:s + BLOCK] == byte) + s for s in range(0, len(data), BLOCK)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
