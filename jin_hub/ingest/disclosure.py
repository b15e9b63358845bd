"""Disclosure control for published counts: primary and secondary suppression across every margin.

Primary: a count of 1 to ``threshold - 1`` could identify a person, so it is withheld (zero is
not disclosive and is published).

Secondary: every published total is a margin that an attacker can subtract from. Two kinds of
margin exist: the ``all`` cell of an area × month is the sum of its category cells, and a cell of
a coarser geography is the sum of the cells of the finer areas nested in it (same month and
category). For each margin whose total is published, the withheld members must number at least
two and sum to at least ``threshold``; otherwise the smallest published nonzero member is withheld
too (or, when there is none, the total). Withholding a cell can weaken another margin, so this
repeats until every margin holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jin_hub.ingest.audit import solvable

DEFAULT_THRESHOLD = 5


def rule_text(policy, threshold: int) -> str:
    """The disclosure rule of a ``ReleasePolicy`` in words, as stated in the catalogue and on printed maps."""
    if policy.method == "cell_key":
        rule = (f"ONS cell-key perturbation: every count carries small, fixed noise (the same cell always gets "
                f"the same noise), and perturbed counts below {threshold} are suppressed (zero is shown). "
                f"Totals are perturbed separately, so parts need not add up to them.")
    else:
        rule = (f"Counts of 1 to {threshold - 1} are suppressed (zero is shown); further cells are suppressed "
                f"where a suppressed count could be recovered from an area's total, a larger area that "
                f"contains it or the year's total.")
    def limits(rules: dict[str, str]) -> str:
        return "; ".join(f"{'totals' if c == 'all' else 'other categories' if c == '*' else c} from {g.upper()} up"
                         for c, g in rules.items())

    years = f" Whole years: {limits(policy.finest_year or policy.finest)}." if policy.years else ""
    return f"{rule} Published by month: {limits(policy.finest)}.{years}"


@dataclass(frozen=True)
class Margins:
    """Margins as arrays: margin ``k`` has total cell ``total[k]``; ``member_of[j]`` is the margin
    of member cell ``member[j]``."""

    total: np.ndarray
    member: np.ndarray
    member_of: np.ndarray


def margins(cells: pd.DataFrame, parents: dict[tuple[str, str], dict[str, str]]) -> Margins:
    """Every additive margin in ``cells`` (rows: geography, area_code, period, category, count).

    ``parents[(child, parent)]`` maps child area codes to the parent geography's codes, for every
    nested pair of published geographies. Periods are months (``YYYY-MM``) and years (``YYYY``).
    """
    ids = pd.Series(np.arange(len(cells)), index=pd.MultiIndex.from_frame(
        cells[["geography", "area_code", "period", "category"]]))
    geo, area = cells["geography"].to_numpy(), cells["area_code"].to_numpy()
    period, category = cells["period"].to_numpy(), cells["category"].to_numpy()
    totals, members, member_of = [], [], []

    def add(rows: np.ndarray, total_keys: list[np.ndarray]) -> None:
        """Margins whose members are ``rows`` and whose totals are the cells keyed by ``total_keys``."""
        total = ids.reindex(pd.MultiIndex.from_arrays(total_keys)).to_numpy()
        ok = ~np.isnan(total)
        codes, uniq = pd.factorize(total[ok].astype(np.int64))
        member_of.append(codes + sum(len(t) for t in totals))
        totals.append(np.asarray(uniq))
        members.append(rows[ok])

    cats = np.flatnonzero(category != "all")                       # 'all' = sum of the categories
    add(cats, [geo[cats], area[cats], period[cats], np.full(len(cats), "all")])
    months = np.flatnonzero(pd.Series(period).str.len().to_numpy() == 7)
    add(months, [geo[months], area[months], pd.Series(period[months]).str[:4].to_numpy(), category[months]])
    for (child, parent), lookup in parents.items():                 # a larger area = sum of its parts
        rows = np.flatnonzero(geo == child)
        add(rows, [np.full(len(rows), parent), pd.Series(area[rows]).map(lookup).to_numpy(), period[rows],
                   category[rows]])
    return Margins(np.concatenate(totals).astype(np.int64), np.concatenate(members).astype(np.int64),
                   np.concatenate(member_of).astype(np.int64))


def _smallest_member(counts: np.ndarray, m: Margins, supp: np.ndarray, margin_mask: np.ndarray) -> None:
    """In each margin of ``margin_mask`` withhold its smallest published nonzero member, or, when it
    has none, its total.

    A member that is itself the total of a margin with nothing withheld is taken only as a last
    resort: withholding it would be undone at once by adding up its published parts.
    """
    hidden_n = np.bincount(m.member_of[supp[m.member]], minlength=len(m.total))
    open_total = np.zeros(len(counts), dtype=bool)
    open_total[m.total[hidden_n == 0]] = True
    cand_j = np.flatnonzero(margin_mask[m.member_of] & ~supp[m.member] & (counts[m.member] > 0))
    cells = m.member[cand_j]
    cand_j = cand_j[np.lexsort((counts[cells], open_total[cells], m.member_of[cand_j]))]
    first = np.ones(len(cand_j), dtype=bool)
    first[1:] = m.member_of[cand_j[1:]] != m.member_of[cand_j[:-1]]
    supp[m.member[cand_j[first]]] = True
    has_cand = np.zeros(len(m.total), dtype=bool)
    has_cand[m.member_of[cand_j]] = True
    supp[m.total[margin_mask & ~has_cand]] = True


def _secondary(counts: np.ndarray, m: Margins, threshold: int, supp: np.ndarray, max_rounds: int = 500) -> None:
    """Withhold more cells until, in every margin with a published total, the withheld members
    number at least two and sum to at least ``threshold``, and every withheld total has a withheld
    part in each of its margins."""
    for _ in range(max_rounds):
        hidden = supp[m.member]
        hidden_sum = np.bincount(m.member_of[hidden], counts[m.member][hidden], len(m.total))
        hidden_n = np.bincount(m.member_of[hidden], minlength=len(m.total))
        weak = (hidden_n > 0) & ~supp[m.total] & ((hidden_sum < threshold) | (hidden_n < 2))
        open_n = np.bincount(m.member_of[~hidden & (counts[m.member] > 0)], minlength=len(m.total))
        weak |= supp[m.total] & (hidden_n == 0) & (open_n > 0)   # else a withheld total = sum of its parts
        if not weak.any():
            return
        _smallest_member(counts, m, supp, weak)
    raise RuntimeError("secondary suppression did not converge")  # pragma: no cover - never publish then


def _unpin(counts: np.ndarray, m: Margins, supp: np.ndarray, pinned: np.ndarray, max_steps: int = 8) -> bool:
    """Withhold more cells in the margins through which ``pinned`` cells are solved; when those
    margins have nothing left to withhold, widen to the margins of their withheld neighbours."""
    frontier = pinned.copy()
    before = int(supp.sum())
    for _ in range(max_steps):
        touched = np.zeros(len(m.total), dtype=bool)
        touched[m.member_of[frontier[m.member]]] = True
        touched |= frontier[m.total]
        _smallest_member(counts, m, supp, touched)
        if int(supp.sum()) > before:
            return True
        frontier[m.member[touched[m.member_of] & supp[m.member]]] = True
        frontier[m.total[touched & supp[m.total]]] = True
    return False


def protect(counts: np.ndarray, m: Margins, threshold: int, unpublished: np.ndarray | None = None,
            max_audits: int = 50) -> np.ndarray:
    """Boolean mask of withheld cells: primary suppression, secondary suppression per margin, then
    an audit against an attacker solving all margins together, repeated until nothing is solvable.

    ``unpublished`` cells (withheld by the release policy) start withheld, so they are protected
    from being worked out by subtraction exactly like suppressed ones.
    """
    supp = (counts > 0) & (counts < threshold)
    if unpublished is not None:
        supp |= unpublished
    for _ in range(max_audits):
        _secondary(counts, m, threshold, supp)
        pinned = solvable(supp, m)
        if not pinned.any():
            return supp
        if not _unpin(counts, m, supp, pinned):
            raise RuntimeError("disclosure audit could not protect every cell")  # pragma: no cover
    raise RuntimeError("disclosure audit did not converge")  # pragma: no cover - never publish then


def suppress(cells: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD,
             parents: dict[tuple[str, str], dict[str, str]] | None = None,
             unpublished: np.ndarray | None = None) -> pd.DataFrame:
    """Apply primary + secondary suppression to ``cells``.

    ``cells``: columns (geography,) area_code, period, category, count: nonzero category cells and
    one ``all`` row per area × period, for one or more geographies. ``unpublished`` marks cells the
    release policy withholds: they take part in the protection and are left out of the result.
    Returns the published rows with ``count`` as a nullable integer (NA where withheld) and a
    boolean ``suppressed`` column.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    df = cells.reset_index(drop=True).copy()
    if "geography" not in df:
        df["geography"] = "area"
    counts = df["count"].to_numpy(np.int64)
    supp = protect(counts, margins(df, parents or {}), threshold, unpublished)
    df["count"] = pd.array(np.where(supp, 0, counts), dtype="Int64")
    df.loc[supp, "count"] = pd.NA
    df["suppressed"] = supp
    return df if unpublished is None else df[~unpublished].reset_index(drop=True)
