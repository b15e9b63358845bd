"""ONS cell-key perturbation for datasets whose release policy chooses it.

Every record carries a record key (0–255) taken from its keyed pseudonym, so the same person or
incident always has the same key. A cell's key is the sum of its records' keys mod 256, and the
noise added to a cell is looked up from (count, cell key) in a perturbation table: the same cell
always gets the same noise, so asking again, or differencing overlapping tables, cannot average
it away. Perturbed counts below the threshold are withheld. The tabulation and lookup are ONS's
own ``cell-key-perturbation`` package.

The package's sample p-table (``ptable_10_5_rule``) only rounds to base 5; JiN builds a noise
p-table instead, seeded from the hub secret so it is stable across releases and unknown outside
the hub: zero-mean noise of at most ±``MAX_NOISE``, never making a count negative.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import warnings
from contextlib import redirect_stdout

import numpy as np
import pandas as pd

from jin_hub import periods

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


def _tabulate(data: pd.DataFrame, table: pd.DataFrame, tab_vars: list[str], threshold: int) -> pd.DataFrame:
    from cell_key_perturbation.create_perturbed_table import create_perturbed_table

    with warnings.catch_warnings(), redirect_stdout(io.StringIO()):      # the package prints notes
        warnings.simplefilter("ignore")
        out = create_perturbed_table(data=data, ptable=table, geog=["area_code"], tab_vars=tab_vars,
                                     record_key="ckp_key", use_existing_ons_id=False, threshold=threshold)
    return out[out["pre_sdc_count"] > 0]                  # true zeros stay implicit (published as zero)


def perturb(accepted: pd.DataFrame, levels: dict[str, dict[str, str] | None], secret: bytes, threshold: int,
            covering: pd.DataFrame | None = None) -> pd.DataFrame:
    """Perturbed cells (geography, area_code, period, category, count, true, suppressed) for every level,
    by month and by each multi-month period of ``covering`` (``periods.cover``).

    A multi-month cell is tabulated from its records like any other, so its cell key, and hence its
    noise, is fixed: differencing it against its months meets independent noise, not the truth.
    """
    table = ptable(secret)
    base = pd.DataFrame({"period": accepted["period"], "category": accepted["category"],
                         "ckp_key": record_keys(accepted["record_key"])})
    covering = periods.cover([]) if covering is None else covering
    out = []
    for geography, lookup in levels.items():
        codes = accepted["area_code"] if lookup is None else accepted["area_code"].map(lookup)
        by_month = base.assign(area_code=codes.to_numpy())
        for data in (by_month, periods.spread(by_month, covering)):
            if data.empty:
                continue
            cats = _tabulate(data, table, ["period", "category"], threshold)
            total = _tabulate(data, table, ["period"], threshold).assign(category="all")
            out.append(pd.concat([cats, total], ignore_index=True).assign(geography=geography))
    cells = pd.concat(out, ignore_index=True)[["geography", "area_code", "period", "category", "count",
                                                "pre_sdc_count"]].rename(columns={"pre_sdc_count": "true"})
    cells["suppressed"] = cells["count"].isna()
    return cells
