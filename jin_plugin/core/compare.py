"""Cross-dataset comparison: do two or three measures cluster in the same places?

``read_inputs`` takes what it needs from the layers (on the GUI thread: layers are not
thread-safe); ``analyse`` is pure numpy (run it in a ``QgsTask``); ``write_result`` writes the
result layer. Areas whose value is withheld (suppressed), missing or unmatched are excluded and
counted, never treated as zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from qgis.core import NULL, QgsVectorLayer

from ..i18n import tr
from .stats import global_, local, smoothing
from .stats.colocation import hot_combinations
from .stats.vertices import from_wkb
from .stats.weights import Weights, contiguity, join_islands


class CompareError(ValueError):
    """The inputs cannot be compared; the message says why and what to do."""


@dataclass
class Measure:
    """One measure: a layer's (or Processing feature source's) field, matched by ``code_field``."""

    layer: QgsVectorLayer
    field: str = "rate"
    label: str = ""
    code_field: str = "area_code"
    count_field: str = "count"           # for rate smoothing: the events ...
    base_field: str = "base"             # ... and the population at risk


@dataclass
class Options:
    contiguity: str = "queen"            # queen | rook
    join_islands: int = 1                # give islands their k nearest areas; 0 leaves them out
    permutations: int = 999
    seed: Optional[int] = None
    alpha: float = 0.05
    adjustment: str = "none"             # none | fdr | bonferroni
    hot_confidence: int = 2              # Gi* bin counted as a hot spot: 1 = 90 %, 2 = 95 %, 3 = 99 %
    smoothing: str = "none"              # none | eb (global empirical Bayes) | spatial_eb


@dataclass
class Inputs:
    codes: np.ndarray
    names: list[str]
    wkbs: list[bytes]
    labels: list[str]
    values: np.ndarray                   # (n, m), NaN where excluded
    excluded: dict[str, int]
    sources: list[str]
    counts: np.ndarray                   # (n, m) events, NaN where unknown (for smoothing)
    bases: np.ndarray                    # (n, m) populations at risk, NaN where unknown


@dataclass
class Result:
    inputs: Inputs
    keep: np.ndarray                     # areas analysed
    weights: Weights
    options: Options
    analysed: np.ndarray                 # (kept areas, m): the values tested (smoothed if asked)
    globals_: list[global_.GlobalResult] = field(default_factory=list)
    correlations: list[global_.Correlation] = field(default_factory=list)
    lisa: list[local.LocalResult] = field(default_factory=list)
    bivariate: Optional[local.LocalResult] = None
    gi: list[local.GiResult] = field(default_factory=list)
    hot_in: Optional[np.ndarray] = None
    combinations: dict[str, int] = field(default_factory=dict)
    centroids: Optional[np.ndarray] = None


def _number(v) -> float:
    if v is None or v == NULL:
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _name(layer) -> str:
    return layer.name() if hasattr(layer, "name") else layer.sourceName()


def read_measure(measure: Measure) -> dict[str, tuple[float, str, bytes, float, float]]:
    layer = measure.layer
    fields = layer.fields()
    for name in (measure.field, measure.code_field):
        if fields.indexOf(name) < 0:
            raise CompareError(tr("layer '{layer}' has no field '{field}': choose one of {fields}").format(
                layer=_name(layer), field=name, fields=", ".join(fields.names())))
    has_name, has_status = fields.indexOf("area_name") >= 0, fields.indexOf("status") >= 0
    has_rate_parts = fields.indexOf(measure.count_field) >= 0 and fields.indexOf(measure.base_field) >= 0
    out = {}
    for f in layer.getFeatures():
        withheld = has_status and f["status"] in ("suppressed", "no_data")
        value = math.nan if withheld else _number(f[measure.field])
        events, base = ((_number(f[measure.count_field]), _number(f[measure.base_field])) if has_rate_parts
                        else (math.nan, math.nan))
        geom = f.geometry()
        out[str(f[measure.code_field])] = (value, str(f["area_name"]) if has_name else "",
                                           bytes(geom.asWkb()) if not geom.isNull() else b"", events, base)
    return out


def read_inputs(measures: list[Measure]) -> Inputs:
    """Values of 2–3 measures on the areas of the first one (call on the GUI thread)."""
    if not 2 <= len(measures) <= 3:
        raise CompareError(tr("choose two or three measures to compare"))
    tables = [read_measure(m) for m in measures]
    first = tables[0]
    codes = sorted(first)
    missing = (math.nan, "", b"", math.nan, math.nan)
    values, counts, bases = (np.array([[t.get(c, missing)[k] for t in tables] for c in codes], dtype=float)
                             for k in (0, 3, 4))
    unmatched = sum(any(c not in t for t in tables[1:]) for c in codes)
    withheld = int(np.isnan(values).any(axis=1).sum()) - unmatched
    labels = [m.label or f"{_name(m.layer)} ({m.field})" for m in measures]
    return Inputs(np.array(codes, dtype=object), [first[c][1] for c in codes], [first[c][2] for c in codes],
                  labels, values,
                  {"withheld or missing": withheld, "not in every layer": unmatched},
                  [_name(m.layer) for m in measures], counts, bases)


def _smoothed(inputs: Inputs, keep: np.ndarray, x: np.ndarray, w: Weights, method: str) -> np.ndarray:
    """Empirical Bayes rates on each measure's own scale (per 1,000, per 100...)."""
    out = np.empty_like(x)
    for j in range(x.shape[1]):
        events, base = inputs.counts[keep, j], inputs.bases[keep, j]
        raw = events / base
        ratios = x[raw > 0, j] / raw[raw > 0]
        # rates are "per 1,000", "per 100"...: the published (rounded) ones give the power of ten
        scale = float(10 ** np.round(np.log10(np.median(ratios)))) if len(ratios) else 1.0
        if len(ratios) and np.abs(ratios / scale - 1).max() > 0.02:
            raise CompareError(tr("smoothing applies to rates, and measure {i} is not count / base: choose "
                                  "its rate field, or turn smoothing off").format(i=j + 1))
        eb = smoothing.empirical_bayes(events, base) if method == "eb" else \
            smoothing.spatial_empirical_bayes(events, base, w)
        out[:, j] = eb * scale
    return out


def analyse(inputs: Inputs, options: Options, progress: Callable[[float], None] = lambda _: None,
            cancelled: Callable[[], bool] = lambda: False) -> Result:
    """Weights, global and local statistics, hot-spot co-location (numpy only: safe in a worker)."""
    keep = ~np.isnan(inputs.values).any(axis=1)
    if options.smoothing != "none":
        rate_parts = np.isfinite(inputs.counts) & np.isfinite(inputs.bases) & (inputs.bases > 0)
        if not rate_parts.any(axis=0).all():
            raise CompareError(tr("rate smoothing needs each layer's count and its denominator ('count' and 'base' "
                                  "in JiN layers): fetch the layers again, or turn smoothing off"))
        inputs.excluded["no denominator"] = int((keep & ~rate_parts.all(axis=1)).sum())
        keep &= rate_parts.all(axis=1)
    if keep.sum() < 10:
        raise CompareError(tr("only {n} areas have every value: too few to compare. Choose a coarser "
                              "period (a whole year) or a higher geography, where fewer values are suppressed")
                           .format(n=int(keep.sum())))
    vertices = from_wkb(inputs.wkbs)
    w_all = contiguity(vertices.coords, vertices.owner, vertices.ring_starts, vertices.n,
                       rook=options.contiguity == "rook")
    w = w_all.subset(keep)
    centroids = vertices.centroids[keep]
    islands = len(w.islands)
    if islands and options.join_islands:
        w = join_islands(w, centroids, options.join_islands)
    elif islands:
        w.notes.append(f"{islands} island(s) have no neighbour and take no part in local tests")
    w = w.standardised()
    x = inputs.values[keep]
    if options.smoothing != "none":
        x = _smoothed(inputs, keep, x, w, options.smoothing)
    result = Result(inputs, keep, w, options, x, centroids=centroids)
    m = x.shape[1]
    steps = 2 * m + 1
    done = [0]

    def stage(fraction: float) -> None:
        progress(100.0 * (done[0] + fraction) / steps)

    for j in range(m):
        result.globals_.append(global_.moran(x[:, j], w, options.permutations, options.seed))
        result.lisa.append(local.local_moran(x[:, j], w, permutations=options.permutations, seed=options.seed,
                                             alpha=options.alpha, adjustment=options.adjustment, progress=stage,
                                             cancelled=cancelled))
        done[0] += 1
        result.gi.append(local.getis_ord_star(np.maximum(x[:, j], 0), w, permutations=0))
        done[0] += 1
    a, b = x[:, 0], x[:, 1]
    result.globals_ += [global_.moran_bv(a, b, w, options.permutations, options.seed),
                        global_.lee_l(a, b, w, options.permutations, options.seed)]
    result.correlations = [global_.correlation(a, b, centroids, method) for method in ("pearson", "spearman")]
    result.bivariate = local.local_moran(a, w, y=b, permutations=options.permutations, seed=options.seed,
                                         alpha=options.alpha, adjustment=options.adjustment, progress=stage,
                                         cancelled=cancelled)
    hot = {label: g.bins >= options.hot_confidence for label, g in zip(inputs.labels, result.gi)}
    result.hot_in, result.combinations = hot_combinations(hot)
    progress(100.0)
    return result
