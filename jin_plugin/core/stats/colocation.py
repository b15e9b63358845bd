"""Where problems coincide: areas that are significant hot spots in two or three measures at once,
and how many areas fall in each combination."""

from __future__ import annotations

from itertools import combinations

import numpy as np


def hot_combinations(hot: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, int]]:
    """(label per area such as 'truancy + arson' or '', count of areas per combination of two or more).

    ``hot``: measure label -> boolean hot-spot flag per area (same order).
    """
    labels = list(hot)
    n = len(next(iter(hot.values()))) if hot else 0
    per_area = np.array([" + ".join(m for m in labels if hot[m][i]) for i in range(n)], dtype=object)
    counts = {}
    for size in range(len(labels), 1, -1):
        for combo in combinations(labels, size):
            together = np.logical_and.reduce([hot[m] for m in combo])
            counts[" + ".join(combo)] = int(together.sum())
    return per_area, counts
