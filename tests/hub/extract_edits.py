"""Partner extracts edited line by line for tests: chosen values changed, rows appended, each
written back as the CSV a partner system would (quoted only where needed)."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path


def csv_line(header: list[str], values: dict[str, str]) -> str:
    """One CSV row (no line end) with ``values`` under their columns, blank elsewhere; a value
    with a line end in it is quoted, as the line end is the writer's."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([values.get(column, "") for column in header])
    return out.getvalue()[:-1]


def edited(src: Path, dst: Path, changes: dict[int, dict[str, str]] | None = None,
           appended: tuple[dict[str, str], ...] = ()) -> Path:
    """``src`` written to ``dst`` with the values ``changes`` gives at chosen lines (1-based; the
    header is line 1, and each chosen line must hold one whole row) and rows ``appended``."""
    lines = src.read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    header = next(csv.reader([lines[0]]))
    for number, values in (changes or {}).items():
        row = dict(zip(header, next(csv.reader([lines[number - 1]]))))
        lines[number - 1] = csv_line(header, row | values)
    lines += [csv_line(header, row) for row in appended]
    dst.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dst


def row_starts(path: Path) -> list[int]:
    """The line each data row of ``path`` starts on, as Python's csv module counts them: the
    reference a quarantine report's line numbers must match."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        starts, last = [], reader.line_num
        for _ in reader:
            starts.append(last + 1)
            last = reader.line_num
    return starts


def accepted_lines(conn: sqlite3.Connection, dataset: str) -> dict[int, str]:
    """{source line: month} of the records of ``dataset``'s current release."""
    return dict(conn.execute("SELECT source_line, period FROM record_areas WHERE release_id = "
                             "(SELECT current_release FROM datasets WHERE id = ?)", (dataset,)).fetchall())


def quarantine(conn: sqlite3.Connection, release_id: str) -> dict[int, str]:
    """{source line: reason} of a release's quarantine."""
    return dict(conn.execute("SELECT source_line, reason FROM quarantine WHERE release_id = ?", (release_id,)))
