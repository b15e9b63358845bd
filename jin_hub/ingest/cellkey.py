"""ONS cell-key perturbation for datasets whose release policy chooses it.

Every record carries a record key (0–255) taken from its keyed pseudonym, so the same person or
incident always has the same key. A cell's key is the sum of its records' keys mod 256, and the
noise added to a cell is looked up from (count, cell key) in a perturbation table: the same cell
always gets the same noise, so asking again, or differencing overlapping tables, cannot average
it away. Perturbed counts below the threshold are withheld. The tabulation and lookup are those
of ONS's own ``cell-key-perturbation`` package, done with array arithmetic (the tests check the
two agree cell for cell).

The package's sample p-table (``ptable_10_5_rule``) only rounds to base 5; JiN builds a noise
p-table instead, seeded from the hub secret so it is stable across releases and unknown outside
the hub: zero-mean noise of at most ±``MAX_NOISE``, never making a count negative.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

from jin_hub import nesting, periods
from jin_hub.ingest import reader

MAX_PCV = 750           # the package reuses p-table rows 501-750 for larger counts
MAX_NOISE = 3


def ptable(secret: bytes, max_noise: int = MAX_NOISE) -> pd.DataFrame:
    """Perturbation table (pcv, ckey, pvalue): zero-mean noise, stable for a given hub secret."""
    seed = int.from_bytes(hmac.new(secret, b"jin-ptable", hashlib.sha256).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    pcv, ckey = np.meshgrid(np.arange(1, MAX_PCV + 1), np.arange(256), indexing="ij")
    noise = np.arange(-max_noise, max_noise + 1)
    weights = np.exp(-np.abs(noise) / 1.2)
    draw = rng.choice(noise, size=pcv.shape, p=weights / weights.sum())
    draw = np.maximum(draw, -pcv)                         # never below zero
    return pd.DataFrame({"pcv": pcv.ravel(), "ckey": ckey.ravel(), "pvalue": draw.ravel()})


def record_keys(pseudonyms: pd.Series) -> np.ndarray:
    """Record key 0–255 from each record's keyed pseudonym (its first byte)."""
    return pseudonyms.str[:2].map(lambda h: int(h, 16)).to_numpy(np.int64)


#: The value of each hexadecimal digit by its byte (-1: not a digit).
_HEX = np.full(256, -1, dtype=np.int64)
_HEX[np.frombuffer(b"0123456789abcdef", np.uint8)] = np.arange(16)


def hex_keys(pseudonyms: np.ndarray) -> np.ndarray:
    """``record_keys`` of pseudonyms held as fixed-width bytes, without a string per record."""
    digits = _HEX[np.frombuffer(np.ascontiguousarray(pseudonyms.astype("S2")).tobytes(), np.uint8)].reshape(-1, 2)
    return digits[:, 0] * 16 + digits[:, 1]


def _noise(table: pd.DataFrame) -> np.ndarray:
    """The p-table as a (pcv - 1, ckey) matrix: each lookup is one index, not a merge."""
    matrix = np.zeros((MAX_PCV, 256), dtype=np.int64)
    matrix[table["pcv"].to_numpy() - 1, table["ckey"].to_numpy()] = table["pvalue"].to_numpy()
    return matrix


def tabulate(area: pd.Categorical, period: pd.Categorical, category: pd.Categorical | None, keys: np.ndarray,
             noise: np.ndarray, threshold: int) -> pd.DataFrame:
    """Perturbed counts (area_code, period, category, true, count) of the records' cells, category
    ``all`` when ``category`` is None: what ONS's ``create_perturbed_table`` gives (cell key = sum
    of record keys mod 256; counts above 750 reuse p-table rows 501-750; perturbed counts below
    ``threshold`` withheld as NA), by one ``bincount`` over combined codes rather than a pivot of
    every combination, which at output-area level is most of the time of an ingest."""
    table = Table(area.categories, period.categories, None if category is None else category.categories)
    table.add(area.codes, period.codes, None if category is None else category.codes, keys)
    return table.perturbed(noise, threshold)


class Table:
    """Records counted into cells (area × period × category, or area × period for ``all``) with
    their record keys summed, a batch of records at a time (``add``): memory is the cells', not
    the records'. Counts and key sums add up exactly, so batches give what all records at once do."""

    def __init__(self, areas: pd.Index, periods_: pd.Index, categories: pd.Index | None):
        self.areas, self.periods, self.categories = areas, periods_, categories
        self.shape = (len(areas), len(periods_), 1 if categories is None else len(categories))
        size = int(np.prod(self.shape))
        self.count = np.zeros(size, dtype=np.int64)
        self.keys = np.zeros(size, dtype=np.float64)            # sums of integers: exact below 2**53

    def add(self, area: np.ndarray, period: np.ndarray, category: np.ndarray | None, keys: np.ndarray) -> None:
        """Count records with these codes and record keys."""
        _, n_period, n_category = self.shape
        cell = (area.astype(np.int64) * n_period + period) * n_category
        if category is not None:
            cell += category
        self.count += np.bincount(cell, minlength=len(self.count))
        self.keys += np.bincount(cell, weights=keys, minlength=len(self.count))

    def perturbed(self, noise: np.ndarray, threshold: int) -> pd.DataFrame:
        """The cells with records, perturbed (``tabulate``)."""
        _, n_period, n_category = self.shape
        ckey = self.keys.astype(np.int64) % 256
        found = np.flatnonzero(self.count)
        true = self.count[found]
        pcv = np.where(true <= MAX_PCV, true, (true - 1) % 250 + 501)
        perturbed = pd.array(true + noise[pcv - 1, ckey[found]], dtype="Int64")
        perturbed[perturbed < threshold] = pd.NA
        at, which = np.divmod(found, n_category)
        return pd.DataFrame({"area_code": self.areas[at // n_period], "period": self.periods[at % n_period],
                             "category": "all" if self.categories is None else self.categories[which],
                             "true": true, "count": perturbed})


def perturb(accepted: pd.DataFrame, levels: dict[str, dict[str, str] | None], secret: bytes, threshold: int,
            covering: pd.DataFrame | None = None, keys: np.ndarray | None = None) -> pd.DataFrame:
    """Perturbed cells (geography, area_code, period, category, count, true, suppressed) for every
    level, by month and by each multi-month period of ``covering`` (``periods.cover``).

    A multi-month cell is tabulated from its records like any other, so its cell key, and hence its
    noise, is fixed: differencing it against its months meets independent noise, not the truth.
    Records are counted ``CHUNK_ROWS`` at a time (``Table``). ``keys``: their record keys, if not
    taken from ``accepted``'s ``record_key`` column.
    """
    noise = _noise(ptable(secret))
    covering = periods.cover([]) if covering is None else covering
    month = pd.Categorical(accepted["period"])
    spread = pd.DataFrame({"month": month.categories}).reset_index().merge(covering, on="month")
    longer = spread["period"].astype("category")
    category = pd.Categorical(accepted["category"])
    area = pd.Categorical(accepted["area_code"])
    ups = {geography: area if lookup is None else nesting.roll_up(area, lookup) for geography, lookup in levels.items()}
    grains = (month.categories, longer.cat.categories)
    tables = {(geography, grain, split): Table(up.categories, grains[grain], category.categories if split else None)
              for geography, up in ups.items() for grain in (0, 1) for split in (True, False)}
    counted = [0, 0]                                 # records counted per grain
    for start in range(0, len(accepted), reader.CHUNK_ROWS):
        part = slice(start, start + reader.CHUNK_ROWS)
        mine = (record_keys(accepted["record_key"].iloc[part]) if keys is None else keys[part]).astype(float)
        months = month.codes[part]
        # each record once per longer period containing its month
        rows = pd.DataFrame({"code": months, "row": np.arange(len(months))}).merge(
            pd.DataFrame({"code": spread["index"], "period": longer.cat.codes}), on="code")
        for grain, (row, period) in enumerate(((np.arange(len(months)), months),
                                               (rows["row"].to_numpy(), rows["period"].to_numpy()))):
            counted[grain] += len(row)
            for (geography, at, split), table in tables.items():
                if at == grain:
                    table.add(ups[geography].codes[part][row], period, category.codes[part][row] if split else None,
                              mine[row])
    out = [tables[geography, grain, split].perturbed(noise, threshold).assign(geography=geography)
           for geography in ups for grain in (0, 1) if counted[grain] for split in (True, False)]
    cells = pd.concat(out, ignore_index=True)[["geography", "area_code", "period", "category", "count", "true"]]
    cells["suppressed"] = cells["count"].isna()
    return cells
