"""Disclosure control for published counts: primary and secondary suppression across every margin.

Primary: a count of 1 to ``threshold - 1`` could identify a person, so it is withheld (zero is
not disclosive and is published).

Secondary: every published total is a margin that an attacker can subtract from. Three kinds of
margin exist: the ``all`` cell of an area × period is the sum of its category cells, a cell of a
multi-month period (calendar year, financial year, rolling 12 months) is the sum of its months'
cells, and a cell of a coarser geography is the sum of the cells of the finer areas nested in it
(same period and category). For each margin whose total is published, the withheld members must
number at least two and sum to at least ``threshold``; otherwise the smallest published nonzero
member is withheld too (or, when there is none, the total). Withholding a cell can weaken another
margin, so this repeats until every margin holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jin_hub import periods
from jin_hub.ingest.audit import TOLERANCE, Withheld, coefficients, solvable

DEFAULT_THRESHOLD = 5
#: Published cells withheld per pinned cell in each audit round: two take a few more cells than
#: one, but halve the rounds (each a full audit) that overlapping periods otherwise need.
PICKS_PER_PINNED = 2
#: The columns that key a cell.
KEY = ("geography", "area_code", "period", "category")


def rule_text(policy, threshold: int, max_noise: int = 3) -> str:
    """The disclosure rule of a ``ReleasePolicy`` in words, as stated in the catalogue and on printed maps."""
    if policy.method == "cell_key":
        rule = (f"ONS cell-key perturbation: every count carries small, fixed noise of at most ±{max_noise} (the same "
                f"cell always gets the same noise), and perturbed counts below {threshold} are suppressed (zero is "
                f"shown). Further counts are suppressed wherever the published figures, taken together, would "
                f"narrow a suppressed count to fewer than 3 possible values, or a count not published at that "
                f"level to within ±10%. Totals are perturbed separately, so parts need not add up to them.")
    else:
        sources = ("a larger area that contains it, or the totals of calendar years, financial years and the "
                   "latest 12 months" if policy.years else "or a larger area that contains it")
        rule = (f"Counts of 1 to {threshold - 1} are suppressed (zero is shown); further cells are suppressed "
                f"where a suppressed count could be recovered from an area's total, {sources}.")
    def limits(rules: dict[str, str]) -> str:
        return "; ".join(f"{'totals' if c == 'all' else 'other categories' if c == '*' else c} from {g.upper()} up"
                         for c, g in rules.items())

    years = (f" Calendar years, financial years (April to March) and the latest 12 months: "
             f"{limits(policy.finest_year or policy.finest)}." if policy.years else "")
    return f"{rule} Published by month: {limits(policy.finest)}.{years}"


@dataclass(frozen=True)
class Margins:
    """Margins as arrays: margin ``k`` has total cell ``total[k]``; ``member_of[j]`` is the margin
    of member cell ``member[j]``."""

    total: np.ndarray
    member: np.ndarray
    member_of: np.ndarray


class _Cells:
    """Cells numbered by their key columns (geography, area_code, period, category): each column's
    values are numbered once, and a margin's totals are found by arithmetic on those numbers and
    one hash lookup, never by comparing strings row by row."""

    def __init__(self, cells: pd.DataFrame):
        self.codes, self.values = zip(*(pd.factorize(cells[c].to_numpy()) for c in KEY))
        self.cells = pd.Index(self._key(self.codes))

    def _key(self, codes) -> np.ndarray:
        key = np.zeros(len(codes[0]), dtype=np.int64)
        for values, code in zip(self.values, codes):
            key = key * (len(values) + 1) + code + 1          # code -1 (no such value) stays apart
        return key

    def code(self, column: str, values) -> np.ndarray:
        """The numbers of ``values`` in ``column`` (-1 for a value no cell has)."""
        return pd.Index(self.values[KEY.index(column)]).get_indexer(values)

    def find(self, codes: list[np.ndarray]) -> np.ndarray:
        """Position of the cell with each key, given as column numbers, each an array or one
        number for all (-1 where there is none)."""
        codes = np.broadcast_arrays(*codes)
        found = self.cells.get_indexer(self._key(codes))
        found[np.logical_or.reduce([c < 0 for c in codes])] = -1
        return found


def margins(cells: pd.DataFrame, parents: dict[tuple[str, str], dict[str, str]]) -> Margins:
    """Every additive margin in ``cells`` (rows: geography, area_code, period, category, count).

    ``parents[(child, parent)]`` maps child area codes to the parent geography's codes, for every
    nested pair of published geographies. Periods are months and the multi-month periods of
    ``jin_hub.periods`` (calendar years, financial years, rolling 12 months), each the sum of its
    months: overlapping periods each get their own margin, so the attacker's differencing of any
    two of them is part of the system the audit solves.
    """
    numbered = _Cells(cells)
    geo, area, period, category = numbered.codes
    totals, members, member_of = [], [], []

    def add(rows: np.ndarray, total_keys: list) -> None:
        """Margins whose members are ``rows`` and whose totals are the cells keyed by ``total_keys``."""
        total = numbered.find(total_keys)
        ok = total >= 0
        codes, uniq = pd.factorize(total[ok])
        member_of.append(codes + sum(len(t) for t in totals))
        totals.append(np.asarray(uniq))
        members.append(rows[ok])

    every = numbered.code("category", ["all"])[0]
    cats = np.flatnonzero(category != every)                       # 'all' = sum of the categories
    add(cats, [geo[cats], area[cats], period[cats], every])
    names = pd.Index(numbered.values[KEY.index("period")])          # a longer period = sum of its months
    covering = periods.cover(names)
    months = periods.spread(pd.DataFrame({"period": period, "row": np.arange(len(period))}), pd.DataFrame(
        {"month": names.get_indexer(covering["month"]), "period": names.get_indexer(covering["period"])}))
    rows = months["row"].to_numpy()
    add(rows, [geo[rows], area[rows], months["period"].to_numpy(), category[rows]])
    areas = numbered.values[KEY.index("area_code")]
    for (child, parent), lookup in parents.items():                 # a larger area = sum of its parts
        rows = np.flatnonzero(geo == numbered.code("geography", [child])[0])
        up = numbered.code("area_code", pd.Index(areas).map(lookup))
        add(rows, [numbered.code("geography", [parent])[0], up[area[rows]], period[rows], category[rows]])
    return Margins(np.concatenate(totals).astype(np.int64), np.concatenate(members).astype(np.int64),
                   np.concatenate(member_of).astype(np.int64))


def withhold_smallest(counts: np.ndarray, m: Margins, supp: np.ndarray, margin_mask: np.ndarray) -> None:
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


def _tied_totals(m: Margins, supp: np.ndarray) -> np.ndarray:
    """Margins whose published total must be withheld because another margin with exactly the same
    withheld members has its total withheld: subtracting the two equations leaves that total alone.

    Overlapping periods meet this all the time in sparse data: an area's financial-year and rolling
    12-month counts of a category are equal whenever the months they do not share are all zero.
    """
    keys = np.random.default_rng(0).integers(0, np.iinfo(np.uint64).max, len(supp), dtype=np.uint64)
    hidden = np.flatnonzero(supp[m.member])
    signature = np.zeros(len(m.total), dtype=np.uint64)
    np.add.at(signature, m.member_of[hidden], keys[m.member[hidden]])    # a hash of the set, wrapping
    n = np.bincount(m.member_of[hidden], minlength=len(m.total))
    some = np.flatnonzero(n > 1)             # one withheld member: the rule of two handles that
    with np.errstate(over="ignore"):         # the count mixed into the hash: one key to group by
        same, _ = pd.factorize(signature[some] ^ (n[some].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))
    withheld = (np.bincount(same, weights=supp[m.total[some]]) > 0)[same]
    tied = np.zeros(len(m.total), dtype=bool)
    tied[some[withheld & ~supp[m.total[some]]]] = True
    return tied


def _secondary(counts: np.ndarray, m: Margins, threshold: int, supp: np.ndarray, max_rounds: int = 500) -> None:
    """Withhold more cells until, in every margin with a published total, the withheld members
    number at least two and sum to at least ``threshold``, every withheld total has a withheld
    part in each of its margins, and no two margins with the same withheld members disagree about
    their totals."""
    for _ in range(max_rounds):
        tied = _tied_totals(m, supp)
        supp[m.total[tied]] = True
        hidden = supp[m.member]
        hidden_sum = np.bincount(m.member_of[hidden], counts[m.member][hidden], len(m.total))
        hidden_n = np.bincount(m.member_of[hidden], minlength=len(m.total))
        weak = (hidden_n > 0) & ~supp[m.total] & ((hidden_sum < threshold) | (hidden_n < 2))
        open_n = np.bincount(m.member_of[~hidden & (counts[m.member] > 0)], minlength=len(m.total))
        weak |= supp[m.total] & (hidden_n == 0) & (open_n > 0)   # else a withheld total = sum of its parts
        if not weak.any() and not tied.any():
            return
        withhold_smallest(counts, m, supp, weak)
    raise RuntimeError("secondary suppression did not converge")  # pragma: no cover - never publish then


def _unpin(counts: np.ndarray, m: Margins, supp: np.ndarray, pinned: np.ndarray, withheld: Withheld) -> bool:
    """Break the attacker's solution for ``pinned`` cells: in the margins it relies on most
    (``PICKS_PER_PINNED`` per pinned cell) withhold one more cell, as secondary suppression would.

    Margins relied on equally almost always serve the same solution, where one is enough: of those
    only the first is taken, so each round reaches as many pinned cells as it can.
    """
    weight = withheld.reliance(pinned)
    published = np.bincount(m.member_of[~supp[m.member] & (counts[m.member] > 0)], minlength=len(m.total)) > 0
    candidates = np.flatnonzero((weight > TOLERANCE) & (published | ~supp[m.total]))
    if not len(candidates):
        return False
    level = -np.round(weight[candidates], 6)
    order = np.argsort(level, kind="stable")
    first = np.r_[True, level[order][1:] != level[order][:-1]]
    chosen = np.zeros(len(m.total), dtype=bool)
    chosen[candidates[order][first][:PICKS_PER_PINNED * int(pinned.sum())]] = True
    before = int(supp.sum())
    withhold_smallest(counts, m, supp, chosen)
    return int(supp.sum()) > before


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
    audited, pinned = np.zeros_like(supp), np.zeros_like(supp)
    equations = coefficients(len(supp), m)
    for _ in range(max_audits):
        _secondary(counts, m, threshold, supp)
        withheld = Withheld(supp.copy(), m, equations)    # as audited now (supp changes after)
        # only parts of the system with cells withheld (or pinned) since the last audit can have
        # become solvable: every other part was audited then and found safe
        focus = supp if not audited.any() else withheld.connected((supp & ~audited) | pinned)
        audited = withheld.supp
        pinned = solvable(focus, m)
        if not pinned.any():
            return supp
        if not _unpin(counts, m, supp, pinned, withheld):
            raise RuntimeError("disclosure audit could not protect every cell")  # pragma: no cover
    raise RuntimeError("disclosure audit did not converge")  # pragma: no cover - never publish then


@dataclass
class Problem:
    """Cells to protect and their margins: what ``protect`` works on, set up apart so that one
    process can prepare it while another is busy, and the other then only solve it."""

    cells: pd.DataFrame             # numbered 0..n-1, with a geography column
    counts: np.ndarray
    margins: Margins
    threshold: int
    unpublished: np.ndarray | None

    @classmethod
    def of(cls, cells: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD,
           parents: dict[tuple[str, str], dict[str, str]] | None = None,
           unpublished: np.ndarray | None = None) -> Problem:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        df = cells.reset_index(drop=True).copy()
        if "geography" not in df:
            df["geography"] = "area"
        return cls(df, df["count"].to_numpy(np.int64), margins(df, parents or {}), threshold, unpublished)

    def arguments(self) -> tuple:
        """``protect``'s arguments."""
        return self.counts, self.margins, self.threshold, self.unpublished

    def solve(self) -> pd.DataFrame:
        """The published rows, suppression worked out here."""
        return self.published(protect(*self.arguments()))

    def published(self, supp: np.ndarray) -> pd.DataFrame:
        """The published rows given the withheld ones ``supp`` (``protect``'s answer)."""
        df = self.cells.copy()
        df["count"] = pd.array(np.where(supp, 0, self.counts), dtype="Int64")
        df.loc[supp, "count"] = pd.NA
        df["suppressed"] = supp
        return df if self.unpublished is None else df[~self.unpublished].reset_index(drop=True)


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
    return Problem.of(cells, threshold, parents, unpublished).solve()
