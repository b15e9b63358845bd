"""Rows read again on their own (``Extract.rows``) are exactly the rows of a whole read, whatever
the file's line ends, encoding or quoting; where line ends cannot find them, the file is read."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from jin_hub.ingest.line_index import row_bytes
from jin_hub.ingest.reader import read_text

HEADER = "ref,when,note,x"
LINES = ['NP/1,2024-01-01,"On or near, Park",457000', "NP/2,2024-02-03,Café,", "", 'NP/3,,"say ""hi""",1',
         "NP/4,2024-03-04,plain,457001", "NP/5,2024-03-04,  spaced  ,457002"]


def keep(column: str) -> bool:
    return column != "ref"


def write(tmp_path, name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> object:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def assert_rows_as_whole_read(path, positions) -> None:
    whole = read_text(path, keep).frame
    lean = read_text(path, keep, only=["when", "x"])
    assert list(lean.frame.columns) == ["when", "x"] and lean.columns == list(whole.columns)
    got = lean.rows(np.asarray(positions))
    pd.testing.assert_frame_equal(got, whole.iloc[positions].set_axis(np.asarray(positions)))


@pytest.mark.parametrize(("encoding", "newline", "last_newline"), [
    ("utf-8", "\n", True), ("utf-8", "\r\n", True), ("utf-8", "\n", False), ("utf-8-sig", "\n", True),
    ("cp1252", "\r\n", False)])
def test_rows_are_found_by_their_line_ends(tmp_path, encoding, newline, last_newline):
    text = "\n".join([HEADER, *LINES * 50]) + ("\n" if last_newline else "")
    path = write(tmp_path, "extract.csv", text, encoding, newline)
    rng = np.random.default_rng(1)
    whole = read_text(path, keep).frame
    for positions in ([0], [len(LINES) * 50 - 1], [2, 3, 4], sorted(rng.choice(len(LINES) * 50, 40, replace=False))):
        found = pd.read_csv(io.BytesIO(row_bytes(path, np.asarray(positions), len(LINES) * 50)), dtype=str,
                            keep_default_na=False, skip_blank_lines=False, encoding=encoding)
        pd.testing.assert_frame_equal(found[list(whole.columns)], whole.iloc[positions].reset_index(drop=True))
        assert_rows_as_whole_read(path, positions)


def test_a_value_spanning_lines_makes_the_file_be_read_whole(tmp_path):
    path = write(tmp_path, "multi.csv", "\n".join([HEADER, *LINES, 'NP/6,2024-05-06,"two\nlines",9', *LINES]) + "\n")
    assert row_bytes(path, np.array([7, 8]), 13) is None                  # 15 line ends for 13 rows
    assert_rows_as_whole_read(path, [1, 6, 7, 8, 12])


def test_rows_found_at_the_wrong_lines_are_not_used(tmp_path):
    # a lone carriage return ends a row too, so a value spanning lines goes unnoticed by counting
    text = "\n".join([HEADER, *LINES[:3], 'NP/6,2024-05-06,"two\nlines",9', *LINES[3:]]) + "\rNP/7,,last,3\n"
    path = write(tmp_path, "mixed.csv", text)
    assert row_bytes(path, np.array([5]), 8) is not None                  # found, at the wrong line
    assert_rows_as_whole_read(path, [0, 3, 4, 5, 7])
