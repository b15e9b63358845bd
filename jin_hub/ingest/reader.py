"""Reading a partner extract as text: the one place that decides how a CSV file is decoded, so
every process that reads the same file sees the same rows in the same order.

Before pandas reads a file, its shape is checked against limits no partner's extract comes near
(``MAX_COLUMNS``, ``MAX_ROW_BYTES``), in milliseconds: parsing a hostile file (100,000 header
columns in 1.6 MB, one row of 100,000 values) took minutes and gigabytes, so it is refused at once
with a message naming the limit and the fix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, TypeVar, Union

import numpy as np
import pandas as pd

from jin_hub.ingest.line_index import RowTooLong, long_line, row_bytes, row_lines

#: Tried in order: pandas decodes in C, and Windows-1252 decodes almost anything UTF-8 does not.
ENCODINGS = ("utf-8-sig", "cp1252")
#: The most columns an extract may have (partners' have 5 to 12).
MAX_COLUMNS = 200
#: The longest line, or row, an extract may have in bytes, which bounds every value too (partners'
#: rows are a few hundred bytes).
MAX_ROW_BYTES = 1 << 16
#: Data rows cleansed at a time (``chunks``): an ingest's memory then grows with this, not with
#: the extract (a national year of police records is 10 million rows).
CHUNK_ROWS = 1 << 18


T = TypeVar("T")


class ExtractError(ValueError):
    """An extract the hub cannot ingest at all (as opposed to bad rows, which are quarantined)."""


def _csv(source: Union[Path, io.BytesIO], encoding: str, usecols: Callable[[str], bool], **options) -> pd.DataFrame:
    """Every value as text, blank lines kept as rows so row i is data line i. Never an index
    column: pandas would otherwise make one of a first row longer than the header, shifting
    every value, and at the cost of gigabytes for a hostile one."""
    return pd.read_csv(source, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                       encoding=encoding, usecols=lambda c: usecols(c.strip()), index_col=False, **options)


@dataclass
class Extract:
    """An extract's text: ``frame`` has the columns read (every kept one, or the few asked for);
    ``rows`` gives every kept column of chosen rows."""

    path: Path
    encoding: str                  # as pandas names it
    keep: Callable[[str], bool]    # which columns of the file are kept
    columns: list[str]             # every kept column, header names stripped, in file order
    frame: pd.DataFrame
    _lines: Optional[np.ndarray] = field(default=None, repr=False)

    @property
    def lines(self) -> np.ndarray:
        """The line of the file each data row starts on (the header is line 1), which a value
        spanning lines moves on; found when first asked for."""
        if self._lines is None:
            try:
                self._lines = row_lines(self.path, len(self.frame), MAX_ROW_BYTES)
            except RowTooLong as exc:
                raise ExtractError(too_long(self.path, exc)) from exc
        return self._lines

    @property
    def encoding_name(self) -> str:
        return encoding_name(self.encoding)

    def rows(self, positions: np.ndarray) -> pd.DataFrame:
        """Every kept column of the data rows at ``positions`` (ascending), indexed by position.
        Rows not in ``frame`` in full are read again alone (``line_index``); the whole file only
        if they cannot be found that way, or are not the rows ``frame`` has."""
        if list(self.frame.columns) == self.columns or not len(positions):
            return self.frame.iloc[positions].set_axis(positions)[self.columns]
        found = row_bytes(self.path, positions, len(self.frame))
        if found is not None:
            rows = _csv(io.BytesIO(found), self.encoding, self.keep)
            rows.columns = [c.strip() for c in rows.columns]
            rows.index = positions
            if rows[self.frame.columns].equals(self.frame.iloc[positions].set_axis(positions)):
                return rows
        return read_text(self.path, self.keep).frame.iloc[positions].set_axis(positions)


def read_text(path: Path, keep: Callable[[str], bool], only: Optional[Collection[str]] = None) -> Extract:
    """The columns of ``path`` that ``keep`` accepts (header names stripped), or only those of
    them in ``only``, every value as text, blank lines kept as rows so row i is data line i."""
    path = Path(path)
    if not path.exists():
        raise ExtractError(f"extract {path} not found: check the path")
    check_shape(path)
    wanted = keep if only is None else (lambda c: keep(c) and c in only)
    for encoding in ENCODINGS:
        try:
            frame = _csv(path, encoding, wanted, memory_map=True)
            header = _csv(path, encoding, keep, nrows=0) if only is not None else frame
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ExtractError(f"{path.name} is not a readable CSV ({exc}): export it as comma-separated text "
                               "with a header row") from exc
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ExtractError(f"{path.name} is neither UTF-8 nor Windows-1252 text: re-export it as UTF-8 CSV")
    frame.columns = [c.strip() for c in frame.columns]
    return Extract(path, encoding, keep, [c.strip() for c in header.columns], frame)


def encoding_name(encoding: str) -> str:
    """How a report names an encoding pandas knows as ``encoding``."""
    return "utf-8" if encoding == "utf-8-sig" else encoding


def header(path: Path, encoding: str, keep: Callable[[str], bool]) -> list[str]:
    """The columns of ``path`` that ``keep`` accepts, names stripped, in file order."""
    return [c.strip() for c in _csv(path, encoding, keep, nrows=0).columns]


def chunks(path: Path, encoding: str, keep: Callable[[str], bool], rows: int = CHUNK_ROWS
           ) -> Iterator[pd.DataFrame]:
    """The columns of ``path`` that ``keep`` accepts (names stripped) as text, ``rows`` data rows
    at a time, read as ``read_text`` reads them (blank lines kept as rows). ``UnicodeDecodeError``
    if ``encoding`` does not fit, possibly after some chunks (``decoded`` starts again)."""
    try:
        with _csv(path, encoding, keep, chunksize=rows) as reader:     # read, not mapped: mapped pages add up
            for frame in reader:
                frame.columns = [c.strip() for c in frame.columns]
                yield frame.set_axis(pd.RangeIndex(len(frame)))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ExtractError(f"{path.name} is not a readable CSV ({exc}): export it as comma-separated text "
                           "with a header row") from exc


def decoded(path: Path, scan: Callable[[str], T]) -> tuple[str, T]:
    """(encoding, what ``scan`` gives) for the first of ``ENCODINGS`` that ``scan(encoding)``
    reads ``path`` in without a ``UnicodeDecodeError``; ``scan`` starts afresh for each."""
    path = Path(path)
    if not path.exists():
        raise ExtractError(f"extract {path} not found: check the path")
    check_shape(path)
    for encoding in ENCODINGS:
        try:
            return encoding, scan(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractError(  # pragma: no cover - cp1252 decodes almost anything
        f"{path.name} is neither UTF-8 nor Windows-1252 text: re-export it as UTF-8 CSV")


def too_long(path: Path, exc: RowTooLong) -> str:
    """The message for a line or row over ``MAX_ROW_BYTES``."""
    return (f"{path.name}: line {exc.line:,} starts a row of {exc.length:,} bytes, over the hub's limit of "
            f"{MAX_ROW_BYTES:,} bytes per row (MAX_ROW_BYTES): this is not a partner's extract as exported, or a "
            "value runs on unclosed in quotes; export it again as comma-separated text, one row per record")


def check_shape(path: Path) -> None:
    """ExtractError unless ``path`` has a header of at most ``MAX_COLUMNS`` columns, a data line
    after it, no line over ``MAX_ROW_BYTES`` bytes, and a first data row no wider than its
    header; in milliseconds."""
    if path.stat().st_size == 0:
        raise ExtractError(f"{path.name} is empty: export the extract again, with its header row and data")
    try:
        long_line(path, MAX_ROW_BYTES)
    except RowTooLong as exc:
        raise ExtractError(too_long(path, exc)) from exc
    with path.open("rb") as fh:                   # ASCII commas and quotes read the same in either encoding
        lines = [fh.readline(MAX_ROW_BYTES + 1) for _ in range(2)]
    header, first = (next(csv.reader([line.decode("latin-1").rstrip("\r\n")]), []) for line in lines)
    if len(header) > MAX_COLUMNS:
        raise ExtractError(f"{path.name} has {len(header):,} columns, over the hub's limit of {MAX_COLUMNS} "
                           "(MAX_COLUMNS): check the file is the partner's extract, and export it again as "
                           "comma-separated text with one header row")
    if not lines[1]:
        raise ExtractError(f"{path.name} has a header but no data rows: export the extract again with its rows")
    if len(first) > len(header):
        raise ExtractError(f"{path.name}: line 2 has {len(first):,} values but the header names {len(header)} "
                           "columns: export it again with a header row naming every column")
