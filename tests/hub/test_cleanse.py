"""Cleansing helpers held to their plain definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jin_hub.ingest.cleanse import numbers
from jin_hub.ingest.repeats import Repeats


def test_repeats_over_chunks_match_grouping_by_every_column():
    """The first row alike in every column (or in its key), found over chunks of any size, is the
    first a grouping of the whole finds, including hash collisions' rows compared as text."""
    rng = np.random.default_rng(3)
    n = 5_000
    frame = pd.DataFrame({"ref": rng.integers(0, 1_500, n).astype(str),          # shared refs, not duplicates
                          "x": rng.integers(0, 40, n).astype(str), "note": rng.choice(["a", "b", ""], n)})
    frame = pd.concat([frame, frame.sample(600, random_state=1)], ignore_index=True)   # true duplicates
    for columns, keyed in ((list(frame.columns), lambda f: (np.arange(len(f)), None)),
                           (["ref"], lambda f: (np.flatnonzero(f["note"] != ""), f["ref"].to_numpy(object)))):
        rows = keyed(frame)[0]                         # the rows that may repeat, in the whole
        same = frame.iloc[rows].groupby(columns, sort=False).ngroup().to_numpy()
        want = np.arange(len(frame))
        want[rows] = rows[pd.Series(np.arange(len(rows))).groupby(same).transform("min").to_numpy()]
        for size in (len(frame), 97, 7):
            parts = [frame.iloc[i:i + size].reset_index(drop=True) for i in range(0, len(frame), size)]
            repeats = Repeats.scan(parts, keyed)
            got = np.concatenate([repeats.first(part, i * size) for i, part in enumerate(parts)])
            np.testing.assert_array_equal(got, want)
        assert (want != np.arange(len(frame))).sum() >= 600


def test_numbers_read_as_pandas_reads_them():
    samples = ["457000", " 340000 ", "457000.5", "4.57e5", "", "-12", "+3", ".5", "1_000", "n/a", "  ", "nan", "inf",
               "-Infinity", "٤٥٧", "0x10", "1,000", "52.95", "1e400", "457000\t"]
    for values in ([s for s in samples if s not in ("1_000", "n/a", "  ", "٤٥٧", "0x10", "1,000")], samples,
                   ["1_000", "2"], ["٤٥٧", "1"]):
        series = pd.Series(values, dtype=object)
        want = pd.to_numeric(series, errors="coerce").to_numpy(float)
        np.testing.assert_array_equal(numbers(series), want)
