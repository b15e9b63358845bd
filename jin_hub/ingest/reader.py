"""Reading a partner extract as text: the one place that decides how a CSV file is decoded, so
every process that reads the same file sees the same rows in the same order."""

from __future__ import annotations

import io
import mmap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Union

import numpy as np
import pandas as pd

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
    """The kept columns of an extract's data lines (all of them, or one part of the file), every
    value as text."""

    encoding: str                  # as pandas names it
    frame: pd.DataFrame            # header names stripped

    @property
    def encoding_name(self) -> str:
        return "utf-8" if self.encoding == "utf-8-sig" else self.encoding


def _decoded(path: Path, source: Callable[[], Union[Path, io.BytesIO]], keep: Callable[[str], bool],
             encodings: tuple[str, ...], **options) -> Extract:
    """``source`` read in the first of ``encodings`` that decodes all of it."""
    for encoding in encodings:
        try:
            frame = _csv(source(), encoding, keep, **options)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ExtractError(f"{path.name} is not a readable CSV ({exc}): export it as comma-separated text "
                               "with a header row") from exc
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ExtractError(f"{path.name} is neither UTF-8 nor Windows-1252 text: re-export it as UTF-8 CSV")
    frame.columns = [c.strip() for c in frame.columns]
    return Extract(encoding, frame)


def read_text(path: Path, keep: Callable[[str], bool]) -> Extract:
    """The columns of ``path`` that ``keep`` accepts (header names stripped), every value as text,
    blank lines kept as rows so row i is data line i."""
    path = Path(path)
    if not path.exists():
        raise ExtractError(f"extract {path} not found: check the path")
    return _decoded(path, lambda: path, keep, ENCODINGS, memory_map=True)


class PartUnreadable(ValueError):
    """A part of an extract cannot be read on its own as the same rows the whole file has."""


def split_points(path: Path, shares: list[float]) -> list[int]:
    """Byte offsets cutting ``path``'s data lines into parts of about these shares of its size,
    each starting a line: the first is where the data lines start, the last the end of the file."""
    size = Path(path).stat().st_size
    with Path(path).open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        start = mm.find(b"\n") + 1
        cuts = [start]
        for share in np.cumsum(shares[:-1]):
            at = mm.find(b"\n", max(cuts[-1], start + int((size - start) * share))) + 1
            cuts.append(at if at > 0 else size)
    return [*cuts, size]


class _Memory(io.RawIOBase):
    """A read-only file over a buffer, so pandas reads it where it lies (``io.BytesIO`` copies)."""

    def __init__(self, buffer: bytearray):
        self._view, self._at = memoryview(buffer), 0

    def readable(self) -> bool:
        return True

    def readinto(self, into) -> int:
        n = min(len(into), len(self._view) - self._at)
        into[:n] = self._view[self._at:self._at + n]
        self._at += n
        return n


def read_part(path: Path, keep: Callable[[str], bool], start: int, end: int,
              encodings: tuple[str, ...] = ENCODINGS) -> Extract:
    """The data lines of ``path`` from byte ``start`` to ``end`` (each a line start, as
    ``split_points`` gives), read as ``read_text`` reads the whole file.

    Raises ``PartUnreadable`` unless every line end in the part ends a row: a quoted value spanning
    lines or a lone carriage return could put a row across the cut, and then only a read of the
    whole file gives the file's rows.
    """
    path = Path(path)
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        text = bytearray(mm[:mm.find(b"\n") + 1])                       # the header, then the part
        if text.count(b'"') % 2:
            raise PartUnreadable(f"{path.name} has a quoted value spanning lines in its header")
        head = len(text)
        text += memoryview(mm)[start:end]
    if b"\r" in text and text.count(b"\r") != text.count(b"\r\n"):
        raise PartUnreadable(f"{path.name} has a carriage return that does not end a line")
    lines = text.count(b"\n", head) + (len(text) > head and not text.endswith(b"\n"))
    try:
        extract = _decoded(path, lambda: io.BufferedReader(_Memory(text), 1 << 20), keep, encodings)
    except ExtractError as exc:                 # told by line in the part: the whole file's read says where
        raise PartUnreadable(str(exc)) from exc
    if len(extract.frame) != lines:
        raise PartUnreadable(f"{path.name} has a quoted value spanning lines")
    return extract
