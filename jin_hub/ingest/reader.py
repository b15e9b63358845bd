"""Reading a partner extract as text: the one place that decides how a CSV file is decoded, so
every process that reads the same file sees the same rows in the same order."""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np
import pandas as pd

from jin_hub.ingest.line_index import row_bytes

#: Tried in order: pandas decodes in C, and Windows-1252 decodes almost anything UTF-8 does not.
ENCODINGS = ("utf-8-sig", "cp1252")


class ExtractError(ValueError):
    """An extract the hub cannot ingest at all (as opposed to bad rows, which are quarantined)."""


def _csv(source: Union[Path, io.BytesIO], encoding: str, usecols: Callable[[str], bool], **options) -> pd.DataFrame:
    """Every value as text, blank lines kept as rows so row i is data line i."""
    return pd.read_csv(source, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                       encoding=encoding, usecols=lambda c: usecols(c.strip()), **options)


@dataclass
class Extract:
    """An extract's text: ``frame`` has the columns read (every kept one, or the few asked for);
    ``rows`` gives every kept column of chosen rows."""

    path: Path
    encoding: str                  # as pandas names it
    keep: Callable[[str], bool]    # which columns of the file are kept
    columns: list[str]             # every kept column, header names stripped, in file order
    frame: pd.DataFrame

    @property
    def encoding_name(self) -> str:
        return "utf-8" if self.encoding == "utf-8-sig" else self.encoding

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
