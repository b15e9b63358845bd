"""The cells a release publishes: counts by area × period × category at every geography (months,
and the multi-month periods of ``jin_hub.periods`` where the release policy allows them), and
the suppression that protects them.

Suppressing a big extract's cells is a job for a worker process (``suppressed_cells``), run
while this process writes the records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jin_hub import nesting, periods
from jin_hub.ingest.disclosure import Problem
from jin_hub.ingest.schemas import ReleasePolicy

#: What a worker imports before suppressing (the audit imports scipy when it first
#: runs, which would then be on the critical path).
MODULES = (__name__, "scipy.sparse.linalg", "scipy.sparse.csgraph")


def _count(area: pd.Categorical, period: pd.Categorical, category: pd.Categorical) -> pd.DataFrame:
    """Records per area × period × category, plus an ``all`` row per area × period, in code order:
    one ``bincount`` over the combined codes rather than grouping a million rows."""
    n_period, n_category = len(period.categories), len(category.categories)
    cell = (area.codes.astype(np.int64) * n_period + period.codes) * n_category + category.codes
    counts = np.bincount(cell, minlength=len(area.categories) * n_period * n_category)
    totals = counts.reshape(-1, n_category).sum(axis=1)
    found, found_total = np.flatnonzero(counts), np.flatnonzero(totals)
    at, which = np.divmod(found, n_category)
    return pd.concat([
        pd.DataFrame({"area_code": area.categories[at // n_period], "period": period.categories[at % n_period],
                      "category": category.categories[which], "count": counts[found]}),
        pd.DataFrame({"area_code": area.categories[found_total // n_period],
                      "period": period.categories[found_total % n_period], "category": "all",
                      "count": totals[found_total]}),
    ], ignore_index=True)


def roll_up(area: pd.Categorical, lookup: dict[str, str]) -> pd.Categorical:
    """``area`` (codes of the finest geography) as the codes of the areas holding them, mapping
    each distinct code once rather than every record."""
    parents = pd.Categorical(pd.Index(area.categories).map(lookup))
    return pd.Categorical.from_codes(parents.codes[area.codes], parents.categories)


def aggregate(accepted: pd.DataFrame, levels: dict[str, dict[str, str] | None], covering: pd.DataFrame
              ) -> pd.DataFrame:
    """Counts by geography × area × period × category, plus an ``all`` row per area × period.

    ``levels``: geography -> {finest area code: that geography's code}; None for the finest itself.
    Periods are months, plus the multi-month periods of ``covering`` (``periods.cover``), each the
    sum of its months' counts (cheaper than counting the records again). Each column is factorised
    once, so counting at every level groups small integers, not a million strings.
    """
    area, period, category = (pd.Categorical(accepted[c]) for c in ("area_code", "period", "category"))
    out = []
    for geography, lookup in levels.items():
        months = _count(area if lookup is None else roll_up(area, lookup), period, category).astype(
            {"area_code": str, "period": str, "category": str})
        multi = periods.spread(months, covering).groupby(["area_code", "period", "category"], sort=True)[
            "count"].sum().reset_index()
        out.append(pd.concat([months, multi], ignore_index=True).assign(geography=geography))
    return pd.concat(out, ignore_index=True)


def allowed(cells: pd.DataFrame, policy: ReleasePolicy) -> np.ndarray:
    """Which cells the release policy lets out: each category from its finest geography up (by
    month, or by multi-month period, where a longer period allows a finer geography)."""
    rank = {g: i for i, g in enumerate(nesting.LEVELS)}
    cats = cells["category"].unique()
    by_month = cells["category"].map({c: rank[policy.finest_for(c)] for c in cats}).to_numpy(int)
    by_multi = cells["category"].map({c: rank[policy.finest_for(c, year=True)] for c in cats}).to_numpy(int)
    finest = np.where(periods.kinds(cells["period"]) == "month", by_month, by_multi)
    return cells["geography"].map(rank).to_numpy() >= finest


def multi_month(accepted: pd.DataFrame, policy: ReleasePolicy) -> tuple[pd.DataFrame, dict[str, str]]:
    """(how months add up to the multi-month periods to compute, {twin: the period it copies}).

    Empty unless the policy publishes multi-month periods; a rolling 12 months that is exactly a
    calendar or financial year is not computed but copied from it (``periods.twins``).
    """
    codes = periods.multi_month(accepted["period"].unique()) if policy.years else []
    twins = periods.twins(codes)
    return periods.cover(c for c in codes if c not in twins), twins


def with_twins(cells: pd.DataFrame, twins: dict[str, str]) -> pd.DataFrame:
    """``cells`` plus a copy of each twinned period's cells under the twin's code."""
    copies = [cells[cells["period"] == source].assign(period=twin) for twin, source in twins.items()]
    return pd.concat([cells, *copies], ignore_index=True)


def recorded(counted: pd.DataFrame, base: str) -> int:
    """Records counted: the monthly totals of the finest geography, added up."""
    return int(counted.loc[(counted["category"] == "all") & (counted["geography"] == base)
                           & (periods.kinds(counted["period"]) == "month"), "count"].sum())


def suppressed_cells(counted: pd.DataFrame, pairs: dict[tuple[str, str], dict[str, str]], policy: ReleasePolicy,
                     threshold: int) -> pd.DataFrame:
    """The cells of ``counted`` (``aggregate``) that the policy publishes, suppressed so that none
    can be worked out from the others."""
    ok = allowed(counted, policy)
    # At a geography where no category is published, the unpublished cells form fully unknown
    # tables (areas × categories, two or more of each) that only restate totals published above:
    # they can never be solved for, so they are left out of the protection problem entirely. (Its
    # months are unknown too: what overlapping longer periods give away there spans 12k months.)
    open_levels = set(counted.loc[ok & (counted["category"] != "all").to_numpy(), "geography"].unique())
    modelled = ok | counted["geography"].isin(open_levels).to_numpy()
    problem = Problem.of(counted[modelled], threshold, pairs, ~ok[modelled])
    return problem.solve()
