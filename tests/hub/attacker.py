"""An independent attacker with an aggregates-only account, who has read every rule the hub publishes.

It knows only what it can fetch over HTTP: the catalogue (categories, every period published,
which category is published at which geography, the disclosure rule with its noise bound), every
values table it is allowed, and the boundaries, from whose geometry it works out which areas nest
in which. It keeps the tables of earlier releases too. Its model of the true counts:

- a published count ``y`` is true within the stated noise: ``[max(1, y - noise), y + noise]``
  (``noise`` is 0 for exact counts), and a published zero is zero;
- a withheld count is at least 1; a count the policy never publishes at that geography is at
  least 0;
- an area's ``all`` is the sum of its categories, a calendar year, financial year or rolling 12
  months the sum of its months (worked out here, not taken from the hub), a larger area the sum
  of the areas inside it; the same cell in two releases is one unknown.

It propagates bounds through those equations until nothing moves, then solves linear programmes
(HiGHS) for the exact lower and upper bound of the narrowest cells. Written apart from the hub's
own check, so that a mistake there is not repeated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import requests
from scipy.sparse import csr_matrix
from shapely import STRtree, from_geojson

CHAIN = ("oa", "lsoa", "msoa", "district")
#: The nested chain of each census family a release may publish on.
CHAINS = (CHAIN, ("lsoa21", "msoa21", "district"))


def chain_of(geographies: list[str]) -> tuple[str, ...]:
    """``geographies`` finest first, in the order of the census family they belong to."""
    family = next(c for c in CHAINS if set(geographies) <= set(c))
    return tuple(g for g in family if g in geographies)


LONG = ("years", "financial_years", "rolling")


def months_of(period: str) -> list[str]:
    """The months a published period covers: ``2024``, ``FY2024`` (April to March),
    ``L12-2025-03`` (the 12 months to that month), or a month itself."""
    if period.startswith("FY"):
        start = pd.Period(f"{period[2:]}-04", "M")
    elif period.startswith("L12-"):
        start = pd.Period(period[4:], "M") - 11
    elif len(period) == 4:
        start = pd.Period(f"{period}-01", "M")
    else:
        return [period]
    return [str(start + i) for i in range(12)]


@dataclass
class Tables:
    """Everything fetched for one dataset: cells keyed (geography, area, period, category) with
    their state ('published', 'withheld', 'hidden') and published value."""

    entry: dict
    cells: pd.DataFrame
    parents: dict[str, dict[str, str]] = field(default_factory=dict)   # child level -> {area: parent area}


def _get(session: requests.Session, url: str, **params) -> dict:
    reply = session.get(url, params=params, timeout=60)
    reply.raise_for_status()
    return reply.json()


def nesting(session: requests.Session, base: str, levels: list[str]) -> dict[str, dict[str, str]]:
    """For each level, which area of the next coarser level holds each area: from the geometry,
    by the rule the hub publishes (the coarser area holding most of it: generalised boundaries
    can put a point of an area inside a neighbour of its parent)."""
    shapes = {}
    for level in levels:
        features = _get(session, f"{base}/api/v1/boundaries/{level}")["features"]
        import json

        shapes[level] = ([f["properties"]["area_code"] for f in features],
                         [from_geojson(json.dumps(f["geometry"])) for f in features])
    out = {}
    for child, parent in zip(levels, levels[1:]):
        codes, geoms = shapes[child]
        parent_codes, parent_geoms = shapes[parent]
        tree = STRtree(parent_geoms)
        kid, near = tree.query(geoms, predicate="intersects")
        shared = [geoms[i].intersection(parent_geoms[j]).area for i, j in zip(kid, near)]
        best: dict[str, tuple[float, str]] = {}
        for i, j, area in zip(kid, near, shared):
            if area > best.get(codes[i], (-1.0, ""))[0]:
                best[codes[i]] = (area, parent_codes[j])
        out[child] = {code: parent for code, (_, parent) in best.items()}
    return out


def fetch(base: str, auth: tuple[str, str], dataset: str, parents: dict | None = None) -> Tables:
    """Every values table of ``dataset`` an aggregates-only user may fetch, at every published
    geography, period and category (what is not published is listed as hidden)."""
    session = requests.Session()
    session.auth = auth
    entry = next(d for d in _get(session, f"{base}/api/v1/catalogue")["datasets"] if d["id"] == dataset)
    levels = list(chain_of(entry["geographies"]))
    parents = parents if parents is not None else nesting(session, base, levels)
    rows = []
    for period in entry["periods"] + [p for kind in LONG for p in entry.get(kind, [])]:
        rules = entry["publication"] if period in entry["periods"] else entry["publication_years"]
        for category in entry["categories"]:
            for level in levels:
                if level not in rules.get(category, []):
                    continue
                reply = _get(session, f"{base}/api/v1/values/{dataset}/{level}", period=period, category=category)
                for code, count, suppressed, *_ in reply["rows"]:
                    rows.append((level, code, period, category, "withheld" if suppressed else "published",
                                 np.nan if count is None else float(count)))
    cells = pd.DataFrame(rows, columns=["geography", "area_code", "period", "category", "state", "value"])
    return Tables(entry, cells, parents)


def universe(tables: list[Tables], district: str) -> pd.DataFrame:
    """Every cell of one district over all the releases' tables: published, withheld or hidden."""
    latest = tables[-1]
    up = latest.parents
    chain = chain_of([*up, "district"])         # every level it knows the areas of, published or not
    areas = {"district": [district]}
    for child, parent in zip(reversed(chain[:-1]), reversed(chain[1:])):
        if child in up:
            areas[child] = [a for a, p in up[child].items() if p in areas[parent]]
    periods = sorted({p for t in tables for p in t.cells["period"].unique()})
    cats = latest.entry["categories"]
    index = pd.MultiIndex.from_tuples([(g, a, p, c) for g in chain if g in areas for a in areas[g]
                                       for p in periods for c in cats],
                                      names=["geography", "area_code", "period", "category"])
    out = pd.DataFrame(index=index).assign(state="hidden", value=np.nan)
    for t in tables:                                          # newer releases last: their state wins
        seen = t.cells.set_index(["geography", "area_code", "period", "category"])
        seen = seen[seen.index.isin(index)]
        out.loc[seen.index, ["state", "value"]] = seen[["state", "value"]].to_numpy()
    return out.reset_index()


def equations(cells: pd.DataFrame, parents: dict[str, dict[str, str]]) -> csr_matrix:
    """One row per additive relation (coefficient +1 for each part, -1 for the total)."""
    key = pd.MultiIndex.from_frame(cells[["geography", "area_code", "period", "category"]])
    where = pd.Series(np.arange(len(cells)), index=key)
    g, a, p, c = (cells[k].to_numpy() for k in ("geography", "area_code", "period", "category"))
    rows, cols, vals = [], [], []

    def relate(parts: np.ndarray, totals: pd.MultiIndex) -> None:
        total = where.reindex(totals).to_numpy()
        ok = ~np.isnan(total)
        eq, uniq = pd.factorize(total[ok])
        base = sum(len(np.unique(r)) for r in rows[::2]) if rows else 0
        rows.extend([base + eq, base + np.arange(len(uniq))])
        cols.extend([parts[ok], uniq.astype(int)])
        vals.extend([np.ones(ok.sum()), -np.ones(len(uniq))])

    part = np.flatnonzero(c != "all")
    relate(part, pd.MultiIndex.from_arrays([g[part], a[part], p[part], np.full(len(part), "all")]))
    longs = sorted({q for q in p if len(months_of(q)) == 12})
    cover = pd.DataFrame([(m, q) for q in longs for m in months_of(q)], columns=["month", "period"])
    spread = pd.DataFrame({"month": p, "row": np.arange(len(p))}).merge(cover, on="month")
    r = spread["row"].to_numpy()
    relate(r, pd.MultiIndex.from_arrays([g[r], a[r], spread["period"].to_numpy(), c[r]]))
    chain = chain_of([*parents, "district"])
    for child, parent in zip(chain, chain[1:]):
        kids = np.flatnonzero(g == child)
        if child not in parents or not len(kids):
            continue
        relate(kids, pd.MultiIndex.from_arrays([np.full(len(kids), parent), pd.Series(a[kids]).map(parents[child]),
                                                p[kids], c[kids]]))
    row = np.concatenate(rows)
    return csr_matrix((np.concatenate(vals), (row, np.concatenate(cols))), shape=(row.max() + 1, len(cells)))


def boxes(cells: pd.DataFrame, noise: int) -> tuple[np.ndarray, np.ndarray]:
    """What each cell's own published state says about its true count."""
    value = cells["value"].to_numpy(float)
    state = cells["state"].to_numpy()
    published = state == "published"
    lo = np.where(published, np.where(value > 0, np.maximum(1, value - noise), 0), np.where(state == "withheld", 1, 0))
    hi = np.where(published, np.where(value > 0, value + noise, 0), np.inf)
    return lo.astype(float), hi.astype(float)


def propagate(a: csr_matrix, lo: np.ndarray, hi: np.ndarray, rounds: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Interval propagation: each relation bounds each of its cells by the others' bounds, until
    nothing moves. Infinite bounds are counted apart so that no inf - inf arises."""
    lo, hi = lo.copy(), hi.copy()
    coo = a.tocoo()
    r, c, v = coo.row, coo.col, coo.data
    pos = v > 0
    for _ in range(rounds):
        small = np.where(pos, lo[c], -hi[c])                  # the entry's least and greatest value
        large = np.where(pos, hi[c], -lo[c])
        inf_small, inf_large = np.isinf(small), np.isinf(large)
        n = a.shape[0]
        sum_small = np.bincount(r, np.where(inf_small, 0, small), n)
        sum_large = np.bincount(r, np.where(inf_large, 0, large), n)
        cnt_small = np.bincount(r, inf_small, n)
        cnt_large = np.bincount(r, inf_large, n)
        rest_small = np.where(cnt_small[r] > inf_small, -np.inf, sum_small[r] - np.where(inf_small, 0, small))
        rest_large = np.where(cnt_large[r] > inf_large, np.inf, sum_large[r] - np.where(inf_large, 0, large))
        # v * x + rest = 0
        cand_lo = np.where(pos, -rest_large, rest_small)
        cand_hi = np.where(pos, -rest_small, rest_large)
        new_lo, new_hi = lo.copy(), hi.copy()
        np.maximum.at(new_lo, c, np.ceil(cand_lo - 1e-9))
        np.minimum.at(new_hi, c, np.floor(cand_hi + 1e-9))
        if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
            break
        lo, hi = new_lo, new_hi
    return lo, hi


def lp_bounds(a: csr_matrix, lo: np.ndarray, hi: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact LP lower and upper bounds of the ``targets`` cells (HiGHS: one model, whose objective
    alone changes)."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    n = a.shape[1]
    h.addVars(n, np.nan_to_num(lo, posinf=inf), np.nan_to_num(hi, posinf=inf))
    csr = a.tocsr()
    zeros = np.zeros(a.shape[0])
    h.addRows(a.shape[0], zeros, zeros, csr.nnz, csr.indptr[:-1].astype(np.int32), csr.indices.astype(np.int32),
              csr.data)
    out_lo, out_hi = np.empty(len(targets)), np.empty(len(targets))
    for k, j in enumerate(targets):
        for sense, out in ((1.0, out_lo), (-1.0, out_hi)):
            h.changeColCost(int(j), sense)
            h.run()
            out[k] = sense * h.getInfo().objective_function_value
            h.changeColCost(int(j), 0.0)
    return np.round(out_lo, 6), np.round(out_hi, 6)


def required_width(true: np.ndarray, hidden: np.ndarray, protection: dict) -> np.ndarray:
    """The width (upper minus lower bound) the catalogue promises each protected cell."""
    withheld = protection["withheld_min_values"] - 1
    return np.where(hidden, np.maximum(withheld, 2 * np.ceil(protection["hidden_fraction"] * true)), withheld)


@dataclass
class Findings:
    protected: int           # withheld or hidden cells with a nonzero true count
    exact: int               # of those, pinned to one value
    narrow_withheld: int     # withheld, narrower than the protection interval
    narrow_hidden: int       # hidden, narrower than the protection interval
    lp_checked: int
    lp_narrow: int           # of the LP-checked cells, narrower than promised


def attack(tables: list[Tables], district: str, true: pd.Series, lp_cells: int = 0) -> Findings:
    """Attack one district; ``true`` (the test's answer key) is used only to score."""
    entry = tables[-1].entry
    disclosure = entry["disclosure"]
    noise = disclosure.get("max_noise", 0)
    protection = disclosure.get("protection") or {"withheld_min_values": 3, "hidden_fraction": 0.1}
    cells = universe(tables, district)
    t = true.reindex(pd.MultiIndex.from_frame(cells[["geography", "area_code", "period", "category"]])).fillna(0)
    t = t.to_numpy()
    a = equations(cells, tables[-1].parents)
    lo, hi = propagate(a, *boxes(cells, noise))
    assert (lo <= t).all() and (t <= hi).all(), "the attacker's model excludes the truth: it is wrong"
    state = cells["state"].to_numpy()
    hidden = state == "hidden"
    protected = (state != "published") & (t > 0)
    need = required_width(t, hidden, protection)
    short = protected & (hi - lo < need)
    checked = lp_narrow = 0
    if lp_cells:
        slack = np.where(protected, hi - lo - need, np.inf)
        targets = np.argsort(slack, kind="stable")[:lp_cells]
        targets = targets[np.isfinite(slack[targets])]
        lp_lo, lp_hi = lp_bounds(a, lo, hi, targets)       # propagated bounds are implied: a smaller LP
        checked = len(targets)
        lp_narrow = int((lp_hi - lp_lo < need[targets]).sum())
    return Findings(int(protected.sum()), int((protected & (lo == hi)).sum()), int((short & ~hidden).sum()),
                    int((short & hidden).sum()), checked, lp_narrow)
