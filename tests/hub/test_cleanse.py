"""Cleansing helpers held to their plain definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jin_hub.ingest.cleanse import first_identical, may_repeat, numbers


def test_first_identical_matches_grouping_by_every_column():
    rng = np.random.default_rng(3)
    n = 5_000
    frame = pd.DataFrame({"ref": rng.integers(0, 1_500, n).astype(str),          # shared refs, not duplicates
                          "x": rng.integers(0, 40, n).astype(str), "note": rng.choice(["a", "b", ""], n)})
    frame = pd.concat([frame, frame.sample(600, random_state=1)], ignore_index=True)   # true duplicates
    x = pd.to_numeric(frame["x"]).to_numpy(float)
    same = frame.groupby(list(frame.columns), sort=False).ngroup()
    want = pd.Series(np.arange(len(frame))).groupby(same).transform("min").to_numpy()
    for hints in ([x], [], [x, np.zeros(len(frame))]):
        candidates = np.flatnonzero(may_repeat(len(frame), hints))
        np.testing.assert_array_equal(first_identical(len(frame), frame.iloc[candidates].set_axis(candidates)), want)
    assert (want != np.arange(len(frame))).sum() >= 600


def test_numbers_read_as_pandas_reads_them():
    samples = ["457000", " 340000 ", "457000.5", "4.57e5", "", "-12", "+3", ".5", "1_000", "n/a", "  ", "nan", "inf",
               "-Infinity", "٤٥٧", "0x10", "1,000", "52.95", "1e400", "457000\t"]
    for values in ([s for s in samples if s not in ("1_000", "n/a", "  ", "٤٥٧", "0x10", "1,000")], samples,
                   ["1_000", "2"], ["٤٥٧", "1"]):
        series = pd.Series(values, dtype=object)
        want = pd.to_numeric(series, errors="coerce").to_numpy(float)
        np.testing.assert_array_equal(numbers(series), want)
