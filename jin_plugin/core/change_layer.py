"""Change over time as a layer: the same measure in two periods (two layers of one geography),
per area the difference, the ratio and whether the counts differ more than chance."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from qgis.core import QgsVectorLayer

from ..i18n import tr
from .compare import CompareError, Measure, read_measure
from .compare_output import EXCLUDED, apply_categories, describe, write_areas
from .compat import DOUBLE, STRING
from .stats.change import compare_counts

RISE, FALL, SAME = "Significant rise", "Significant fall", "No significant change"
CHANGE_COLOURS = {RISE: "#d7191c", SAME: "#f7f7f7", FALL: "#2c7bb6", EXCLUDED: "#bdbdbd"}
SPEC = [("area_code", STRING, "ONS area code"), ("area_name", STRING, "area name"),
        ("before", DOUBLE, "count in the earlier period"),
        ("after", DOUBLE, "count in the later one"),
        ("difference", DOUBLE, "after - before"), ("ratio", DOUBLE, "after / before (empty if 0)"),
        ("p_value", DOUBLE, "exact two-sided test that the counts share one rate (conditional binomial)"),
        ("change", STRING, "significant rise, fall, or no significant change at 5 %")]


@dataclass
class ChangeData:
    codes: list[str]
    names: list[str]
    wkbs: list[bytes]
    before: np.ndarray
    after: np.ndarray
    labels: tuple[str, str]


def read_change(before: Measure, after: Measure) -> ChangeData:
    """Counts of both periods on the earlier layer's areas (call on the GUI thread)."""
    a, b = read_measure(before), read_measure(after)
    codes = sorted(a)
    if not set(codes) & set(b):
        raise CompareError(tr("the two layers share no area code: choose two periods of the same geography"))
    x = np.array([a[c][0] for c in codes], dtype=float)
    y = np.array([b.get(c, (math.nan,))[0] for c in codes], dtype=float)
    if np.any((x[np.isfinite(x)] % 1) != 0) or np.any((y[np.isfinite(y)] % 1) != 0):
        raise CompareError(tr("change is tested on counts: choose the count field of both layers"))
    return ChangeData(codes, [a[c][1] for c in codes], [a[c][2] for c in codes], x, y,
                      (_name(before), _name(after)))


def write_change(data: ChangeData, path: Path, alpha: float = 0.05) -> Path:
    """Test every area and write the change layer (safe in a worker thread)."""
    result = compare_counts(data.before, data.after, alpha)
    rows = []
    for i, code in enumerate(data.codes):
        known = np.isfinite(result.p_value[i])
        label = (RISE if result.significant[i] and result.difference[i] > 0 else
                 FALL if result.significant[i] else SAME) if known else EXCLUDED
        rows.append([code, data.names[i], _num(data.before[i]), _num(data.after[i]), _num(result.difference[i]),
                     _num(result.ratio[i]), _num(result.p_value[i]), label])
    return write_areas(path, SPEC, data.wkbs, rows, "change")


def open_change(path: Path, data: ChangeData) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{path}|layername=change", f"Change: {data.labels[0]} → {data.labels[1]}", "ogr")
    withheld = int((~(np.isfinite(data.before) & np.isfinite(data.after))).sum())
    describe(layer, SPEC, f"JiN change over time. {withheld} areas excluded because a count is withheld or missing "
                          "(never read as zero).", list(data.labels))
    apply_categories(layer, "change", CHANGE_COLOURS)
    return layer


def _num(v: float):
    return None if not np.isfinite(v) else float(v)


def _name(measure: Measure) -> str:
    layer = measure.layer
    return layer.name() if hasattr(layer, "name") else layer.sourceName()
