"""What one ingest reads: a single extract, or several files of one dataset (police.uk publishes a
file per force per month, in folders ``YYYY-MM/YYYY-MM-<force>-street.csv``), gzipped or not.

Several files are joined into one staging CSV with one header, so cleansing, keying and the
quarantine work exactly as for one extract; each file's first line in it is kept, so every
quarantined line, and every count, can be traced back to the file it came from.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from jin_hub.ingest.reader import ExtractError

BOM = b"\xef\xbb\xbf"


@dataclass
class Source:
    """The file cleansing reads, the files it was made of and the line each starts at in it."""

    path: Path
    files: list[Path]
    starts: np.ndarray = field(default_factory=lambda: np.array([2]))    # data lines start after the header
    temporary: bool = False

    @property
    def name(self) -> str:
        """How the release names its source."""
        if len(self.files) == 1:
            return self.files[0].name
        return f"{len(self.files)} files, {self.files[0].name} to {self.files[-1].name}"

    def file_of(self, lines: np.ndarray) -> np.ndarray:
        """Index in ``files`` of the file each line of ``path`` came from."""
        return np.searchsorted(self.starts, np.asarray(lines, dtype=np.int64), side="right") - 1

    def close(self) -> None:
        if self.temporary:
            self.path.unlink(missing_ok=True)


def files_in(paths: Iterable[Path], patterns: tuple[str, ...]) -> list[Path]:
    """The files ``paths`` name: files as given, folders searched (recursively) for ``patterns``,
    in path order (police.uk's YYYY-MM names sort by month)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted({f for pattern in patterns for f in path.rglob(pattern) if f.is_file()})
            if not inside:
                raise ExtractError(f"folder {path} holds no file matching {', '.join(patterns)}: check the folder, "
                                   "or the definition's files patterns")
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise ExtractError(f"extract {path} not found: check the path")
    if len(set(found)) != len(found):
        raise ExtractError("the same file is given twice: name each extract file once")
    return found


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def gather(paths: Iterable[Path], patterns: tuple[str, ...], staging: Path) -> Source:
    """The source for ``paths``: a single plain file as it is, else one staging file in the
    folder ``staging`` joining them. Every file must have the same header."""
    files = files_in(paths, patterns)
    if len(files) == 1 and files[0].suffix != ".gz":
        return Source(files[0], files)
    staging.mkdir(parents=True, exist_ok=True)
    out = staging / f"ingest-{os.getpid()}.csv"
    starts, line, header = [], 2, None
    try:
        with out.open("wb") as sink:
            for path in files:
                with _open(path) as fh:
                    try:
                        first = fh.readline().removeprefix(BOM)
                    except (OSError, EOFError) as exc:
                        raise ExtractError(f"{path.name} cannot be read ({exc}): download it again") from exc
                    if not first:
                        raise ExtractError(f"{path.name} is empty: download or export it again")
                    if header is None:
                        header = first
                        sink.write(header.rstrip(b"\r\n") + b"\n")
                    elif first.rstrip(b"\r\n") != header.rstrip(b"\r\n"):
                        raise ExtractError(f"{path.name} has other columns than {files[0].name}: ingest files of "
                                           "one layout together (and check it is a file of this dataset)")
                    starts.append(line)
                    line += _copy(fh, sink)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return Source(out, files, np.array(starts), temporary=True)


def _copy(fh, sink) -> int:
    """Copy the rest of ``fh`` to ``sink`` ending in a newline; the lines copied."""
    lines, last = 0, b"\n"
    try:
        while block := fh.read(1 << 20):
            sink.write(block)
            lines += block.count(b"\n")
            last = block[-1:]
    except (OSError, EOFError) as exc:
        raise ExtractError(f"a file cannot be read to its end ({exc}): download it again") from exc
    if last != b"\n":
        sink.write(b"\n")
        lines += 1
    return lines

