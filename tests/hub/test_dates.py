"""The fast, character-column reading of dates agrees with pandas, format by format, on clean,
mutated and impossible dates alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jin_hub.ingest.dates import DATE_FORMATS, latest_complete, month_number, months


def reference_months(values: pd.Series) -> np.ndarray:
    """The plain definition: strip, then the first of ``DATE_FORMATS`` that pandas reads wins."""
    text = values.str.strip()
    found = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    for fmt in DATE_FORMATS:
        todo = found.isna() & (text != "")
        found[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return (found.dt.year * 100 + found.dt.month).to_numpy(dtype=float)


def awkward_dates(rng: np.random.Generator, n: int) -> list[str]:
    """Dates in every format, some spoiled: changed, dropped or padded characters, impossible days."""
    seconds = rng.integers(pd.Timestamp("1890-01-01").value // 10**9, pd.Timestamp("2230-12-31").value // 10**9, n)
    when = pd.Series(pd.to_datetime(seconds, unit="s"))
    out = []
    for i, stamp in enumerate(when):
        text = stamp.strftime(DATE_FORMATS[i % len(DATE_FORMATS)])
        kind = rng.integers(0, 8)
        pos = int(rng.integers(0, len(text)))
        if kind == 0:
            text = text[:pos] + str(rng.choice(list("0123456789/-: Tx9"))) + text[pos + 1:]
        elif kind == 1:
            text = text[:pos] + text[pos + 1:]
        elif kind == 2:
            text = f" {text}  "
        elif kind == 3:                              # impossible or edge days, hours, seconds
            text = str(rng.choice(["2023-02-29", "2024-02-29", "1900-02-29", "2000-02-29T10:00", "2024-04-31",
                                   "31/06/2024", "2024-13-01 10:00", "2024-01-01T24:00", "2024-01-01T23:60",
                                   "2024-01-01 10:00:60", "00/01/2024", "2024-00-10", "29/02/2100 10:00",
                                   "0999-05-05", "9999-05-05", "2024-1-5", "5/1/2024", "", "  ", "é2024-01-01",
                                   "2024-01-01 10:00:001", "2024-01-01 10:00:00x", "2024-01-01T10:00Z"]))
        out.append(text)
    return out


@pytest.mark.parametrize("ascii_only", [True, False])        # a byte a character, or four
def test_fast_months_agree_with_pandas_on_awkward_dates(ascii_only):
    values = pd.Series(awkward_dates(np.random.default_rng(7), 12_000), dtype=object)
    if ascii_only:
        values = values[values.map(str.isascii)].reset_index(drop=True)
    assert values.map(str.isascii).all() == ascii_only
    got, want = months(values), reference_months(values)
    assert np.isfinite(want).sum() > 6_000 and np.isnan(want).sum() > 1_000      # both outcomes exercised
    np.testing.assert_array_equal(got, want)


def test_months_reads_each_format_and_refuses_impossible_dates():
    values = pd.Series(["2024-03-05T10:15", "05/03/2024 10:15", "2024-03-05 10:15:30", "5 Mar 2024",
                        "05-03-2024", "2023-02-29", "2024-02-29", "not a date", ""])
    np.testing.assert_array_equal(months(values), [202403] * 5 + [np.nan, 202402, np.nan, np.nan])


def test_the_latest_complete_month_ignores_strays_and_thin_tails():
    """A month is complete with at least half the records of the median record's month: a stray row
    or two after the extract does not make a month, nor does a tail of old months lower the bar."""
    rng = np.random.default_rng(3)
    year = np.repeat([202400.0 + m for m in range(1, 13)], rng.integers(800, 1200, 12))
    late_reports = np.array([201900.0 + m for m in range(1, 13)] + [202000.0 + m for m in range(1, 13)])
    assert latest_complete(year) == 202412
    assert latest_complete(np.concatenate([year, [202501.0]])) == 202412
    assert latest_complete(np.concatenate([late_reports, year, [202501.0] * 3, [202502.0], [np.nan]])) == 202412
    assert latest_complete(np.concatenate([year, [202501.0] * 300])) == 202412              # a part month
    assert latest_complete(np.concatenate([year, [202501.0] * 700])) == 202501              # a whole one
    assert latest_complete(np.array([202403.0] * 3)) == 202403 and latest_complete(np.array([np.nan])) is None


@pytest.mark.parametrize("bad", ["2024-13", "2024-1", "24-01", "2024/01", "", "2024-01-01"])
def test_a_cutoff_is_a_month(bad):
    with pytest.raises(ValueError, match="is not a month: give it as YYYY-MM"):
        month_number(bad)
