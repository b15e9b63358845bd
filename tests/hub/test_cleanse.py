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


def test_may_repeat_finds_every_repeat_of_values():
    rng = np.random.default_rng(5)
    n = 20_000
    x = rng.integers(440_000, 480_000, n).astype(float)
    y = rng.integers(330_000, 360_000, n).astype(float)
    month = rng.integers(202301, 202313, n).astype(float)
    x[rng.choice(n, 300)] = np.nan
    x[rng.choice(n, 50)] = -0.0
    x[rng.choice(n, 50)] = 0.0
    y[rng.choice(n, 200)] = np.float64("-nan")
    twins = rng.choice(n, (400, 2))                       # rows made alike in every value
    for hint in (x, y, month):
        hint[twins[:, 1]] = hint[twins[:, 0]]
    x[twins[:20, 0]], x[twins[:20, 1]] = -0.0, 0.0         # alike, but not bit for bit
    x[twins[20:40, 0]], x[twins[20:40, 1]] = np.nan, np.float64("-nan")
    want = pd.DataFrame({"x": x, "y": y, "m": month}).duplicated(keep=False).to_numpy()
    got = may_repeat(n, [x, y, month])
    assert want.sum() >= 700
    assert not (want & ~got).any()                        # every repeat is a candidate
    assert (got & ~want).sum() <= 2                       # and hardly anything else
