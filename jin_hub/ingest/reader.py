"""Reading a partner extract as text: the one place that decides how a CSV file is decoded, so
every process that reads the same file sees the same rows in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

#: Tried in order: pandas decodes in C, and Windows-1252 decodes almost anything UTF-8 does not.
ENCODINGS = ("utf-8-sig", "cp1252")


class ExtractError(ValueError):
    """An extract the hub cannot ingest at all (as opposed to bad rows, which are quarantined)."""


def read_text(path: Path, usecols: Callable[[str], bool]) -> tuple[pd.DataFrame, str]:
    """The columns of ``path`` that ``usecols`` accepts (header names stripped), every value as
    text, blank lines kept as rows so row i is data line i; and the encoding that read it."""
    path = Path(path)
    if not path.exists():
        raise ExtractError(f"extract {path} not found: check the path")
    for encoding in ENCODINGS:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                                encoding=encoding, memory_map=True, usecols=lambda c: usecols(c.strip()))
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ExtractError(f"{path.name} is not a readable CSV ({exc}): export it as comma-separated text "
                               "with a header row") from exc
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ExtractError(f"{path.name} is neither UTF-8 nor Windows-1252 text: re-export it as UTF-8 CSV")
    frame.columns = [c.strip() for c in frame.columns]
    return frame, "utf-8" if encoding == "utf-8-sig" else encoding
