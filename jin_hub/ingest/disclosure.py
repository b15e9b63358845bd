"""Disclosure control for published counts: primary and secondary suppression.

Primary: a count of 1 to ``threshold - 1`` could identify a person, so it is withheld (zero is
not disclosive and is published). Secondary: within each area × month the published ``all``
total is the margin of the category cells, so ``total - sum(published categories)`` would
reveal the suppressed cells. Cells are therefore also withheld until the suppressed cells of a
group sum to at least ``threshold`` and at least two are withheld; where that is impossible the
total is withheld too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5


def rule_text(threshold: int) -> str:
    """The disclosure rule in words, as stated in the catalogue and on printed maps."""
    return (f"Counts of 1 to {threshold - 1} are suppressed (zero is shown); further cells are suppressed "
            f"where a suppressed count could be recovered by subtracting from the area total.")


def suppress(cells: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Apply primary + secondary suppression.

    ``cells``: columns area_code, period, category, count — category cells (nonzero counts) and
    one ``all`` row per (area_code, period). Returns the same rows with ``count`` as a nullable
    integer (NA where suppressed) and a boolean ``suppressed`` column.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    df = cells.reset_index(drop=True).copy()
    counts = df["count"].to_numpy(np.int64)
    supp = (counts > 0) & (counts < threshold)
    is_total = (df["category"] == "all").to_numpy()
    group = df.groupby(["area_code", "period"], sort=False).ngroup().to_numpy()
    n_groups = group.max() + 1 if len(group) else 0
    for _ in range(64):                                   # converges in a few rounds
        cat = ~is_total
        hidden_sum = np.bincount(group[cat & supp], counts[cat & supp], n_groups)
        hidden_n = np.bincount(group[cat & supp], minlength=n_groups)
        total_supp = np.zeros(n_groups, dtype=bool)
        total_supp[group[is_total & supp]] = True
        weak = (hidden_n > 0) & ~total_supp & ((hidden_sum < threshold) | (hidden_n < 2))
        if not weak.any():
            break
        # In each weak group withhold the smallest published nonzero category cell…
        cand = cat & ~supp & (counts > 0) & weak[group]
        order = np.lexsort((counts[cand], group[cand]))
        cand_idx = np.flatnonzero(cand)[order]
        first = np.ones(len(cand_idx), dtype=bool)
        first[1:] = group[cand_idx[1:]] != group[cand_idx[:-1]]
        supp[cand_idx[first]] = True
        # …and where no category cell is left to withhold, withhold the total.
        has_cand = np.zeros(n_groups, dtype=bool)
        has_cand[group[cand_idx]] = True
        supp[is_total & (weak & ~has_cand)[group]] = True
    else:  # pragma: no cover - defensive: never publish if the loop did not settle
        raise RuntimeError("secondary suppression did not converge")
    df["count"] = pd.array(np.where(supp, 0, counts), dtype="Int64")
    df.loc[supp, "count"] = pd.NA
    df["suppressed"] = supp
    return df
