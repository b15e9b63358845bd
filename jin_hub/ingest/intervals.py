"""Protection intervals: what an attacker who knows every published rule can narrow a withheld or
policy-hidden count to, and the extra cells withheld so that nobody can narrow it further.

The attacker's model (every published relation, every rule the catalogue states):

- a published count ``y`` carries cell-key noise of at most ``max_noise``, so the true count lies
  in ``[max(1, y - max_noise), y + max_noise]``; a published zero is a true zero;
- a withheld count is at least 1 (zeros are shown), with no upper bound (cells withheld to
  protect others can be any size);
- a count the release policy never publishes (a category or geography too fine) is at least 0;
- every margin holds exactly for the true counts: an area's ``all`` is the sum of its
  categories, a longer period the sum of its months, a larger area the sum of its parts; the
  periods an earlier release published (a rolling 12 months since replaced) take part as
  published.

Bounds are propagated through the margins until nothing moves (each margin in turn bounds every
cell in it by the others' bounds, in integers). A cell is protected when its feasible range is at
least as wide as ``PROTECTION`` promises, in the sense of τ-ARGUS's "sliding" protection interval
(upper plus lower protection level, wherever the true count sits in the range):

- withheld: at least ``WITHHELD_VALUES`` (3) feasible values, so that a withheld count is never
  pinned to one or two numbers: with the lower bound of 1 known, the attacker cannot tell 1 from 3;
- policy-hidden: as wide as a withheld cell, and at least ± ``HIDDEN_FRACTION`` (10 %) of its
  count, the protection level τ-ARGUS users commonly set; a category published only from MSOA up
  thus stays a range at LSOA, never a number.

The true zeros the policy hides are unknowns like any hidden count: the attacker cannot know
they are zero. Where a cell falls short, the smallest
published nonzero member of each margin that sets one of its bounds is withheld too (or the
margin's total, when it has none; where such a margin has nothing left to withhold, the margins
that set the bounds of its unpublished cells), and the bounds are worked out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from jin_hub.ingest.disclosure import Margins, withhold_smallest

WITHHELD_VALUES = 3
HIDDEN_FRACTION = 0.10
#: As the catalogue states it.
PROTECTION = {"withheld_min_values": WITHHELD_VALUES, "hidden_fraction": HIDDEN_FRACTION}
MAX_ROUNDS = 200


@dataclass(frozen=True)
class System:
    """The margins as signed entries: equation ``eq[k]`` holds cell ``cell[k]`` with coefficient
    ``coef[k]`` (+1 member, -1 total); each equation sums to zero over the true counts."""

    eq: np.ndarray
    cell: np.ndarray
    coef: np.ndarray
    n_equations: int

    @cached_property
    def by_cell(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(entries in cell order, where each cell's run starts, which cell it is): for reducing
        the entries' bounds to their cells with ``reduceat``, much faster than ``maximum.at``."""
        order = np.argsort(self.cell, kind="stable")
        cells = self.cell[order]
        starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
        return order, starts, cells[starts]

    @classmethod
    def of(cls, m: Margins) -> System:
        """From ``disclosure.Margins``."""
        return cls(np.concatenate([m.member_of, np.arange(len(m.total))]), np.concatenate([m.member, m.total]),
                   np.concatenate([np.ones(len(m.member)), -np.ones(len(m.total))]), len(m.total))


def boxes(published: np.ndarray, withheld: np.ndarray, max_noise: int) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) of every cell before any margin is used: ``published`` values where they are
    published (NaN elsewhere); ``withheld`` marks withheld cells (the rest unpublished are hidden)."""
    known = ~np.isnan(published)
    value = np.where(known, published, 0.0)
    lo = np.where(known, np.where(value > 0, np.maximum(1.0, value - max_noise), 0.0), np.where(withheld, 1.0, 0.0))
    hi = np.where(known, value + max_noise * (value > 0), np.inf)
    return lo, hi


def _candidates(system: System, lo: np.ndarray, hi: np.ndarray, entries: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """For each entry (of whole equations: all, or ``entries``), the bounds its equation puts on its
    cell given the other cells' bounds (infinite ends counted apart, so that no inf - inf arises)."""
    eq, cell, coef, n = system.eq, system.cell, system.coef, system.n_equations
    if entries is not None:
        eq, cell, coef = eq[entries], cell[entries], coef[entries]
    low_end = np.where(coef > 0, lo[cell], -hi[cell])           # each entry's smallest contribution
    high_end = np.where(coef > 0, hi[cell], -lo[cell])
    low_inf, high_inf = np.isinf(low_end), np.isinf(high_end)
    low_sum = np.bincount(eq, np.where(low_inf, 0.0, low_end), n)
    high_sum = np.bincount(eq, np.where(high_inf, 0.0, high_end), n)
    n_low_inf, n_high_inf = np.bincount(eq, low_inf, n), np.bincount(eq, high_inf, n)
    # the others' contributions: the equation's sum less this entry's own
    others_low = np.where(n_low_inf[eq] - low_inf > 0, -np.inf, low_sum[eq] - np.where(low_inf, 0.0, low_end))
    others_high = np.where(n_high_inf[eq] - high_inf > 0, np.inf, high_sum[eq] - np.where(high_inf, 0.0, high_end))
    # coef * x = -(others): x between -others_high and -others_low (divided by coef)
    return (np.ceil(np.where(coef > 0, -others_high, others_low) - 1e-9),
            np.floor(np.where(coef > 0, -others_low, others_high) + 1e-9))


def propagate(system: System, lo: np.ndarray, hi: np.ndarray, max_rounds: int = MAX_ROUNDS
              ) -> tuple[np.ndarray, np.ndarray]:
    """The tightest integer bounds that bound propagation through every equation reaches. After
    the first round only the equations holding a cell whose bounds moved are worked again."""
    entries = None
    for _ in range(max_rounds):
        new_lo, new_hi = _candidates(system, lo, hi, entries)
        best_lo, best_hi = lo.copy(), hi.copy()
        if entries is None:
            order, starts, cells = system.by_cell
        else:
            cell = system.cell[entries]
            order = np.argsort(cell, kind="stable")
            cell = cell[order]
            starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
            cells = cell[starts]
        best_lo[cells] = np.maximum(lo[cells], np.maximum.reduceat(new_lo[order], starts))
        best_hi[cells] = np.minimum(hi[cells], np.minimum.reduceat(new_hi[order], starts))
        moved = (best_lo != lo) | (best_hi != hi)
        lo, hi = best_lo, best_hi
        if not moved.any():
            break
        active = np.zeros(system.n_equations, dtype=bool)
        active[system.eq[moved[system.cell]]] = True
        entries = np.flatnonzero(active[system.eq])
    return lo, hi


def binding(system: System, lo: np.ndarray, hi: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """The equations that set the bounds of ``cells`` (after ``propagate``): where a margin, not
    the cell's own box, gives its lower or upper bound."""
    new_lo, new_hi = _candidates(system, lo, hi)
    mine = cells[system.cell]
    sets = mine & ((new_lo >= lo[system.cell]) & (new_lo > -np.inf) | (new_hi <= hi[system.cell]) & (new_hi < np.inf))
    return np.unique(system.eq[sets])


def required_width(true: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """The feasible range each protected cell needs (upper minus lower bound)."""
    return np.where(hidden, np.maximum(WITHHELD_VALUES - 1, 2 * np.ceil(HIDDEN_FRACTION * true)), WITHHELD_VALUES - 1)


def narrow(lo: np.ndarray, hi: np.ndarray, withheld: np.ndarray, hidden: np.ndarray, true: np.ndarray) -> np.ndarray:
    """Withheld or hidden cells (with a nonzero true count) that the bounds ``lo``, ``hi`` narrow
    below their protection."""
    protect = (withheld | hidden) & (true > 0)
    return protect & (hi - lo < required_width(true, hidden))


def _widen(system: System, lo: np.ndarray, hi: np.ndarray, short: np.ndarray, m: Margins,
           unpublished: np.ndarray, true: np.ndarray, depth: int = 3) -> np.ndarray:
    """The margins in which to withhold one more cell for the ``short`` cells: those that set
    their bounds; where such a margin has nothing left to withhold, the margins that set the
    bounds of its unpublished cells in turn, up to ``depth`` steps out."""
    chosen = np.zeros(len(m.total), dtype=bool)
    seen = np.zeros(len(m.total), dtype=bool)
    open_cell = ~unpublished & (true > 0)
    has_candidate = np.bincount(m.member_of, open_cell[m.member], len(m.total)) > 0
    has_candidate |= ~unpublished[m.total]
    need = short
    for _ in range(depth):
        around = np.zeros(len(m.total), dtype=bool)
        around[binding(system, lo, hi, need)] = True
        around &= ~seen
        seen |= around
        chosen |= around & has_candidate
        stuck = around & ~has_candidate
        if not stuck.any():
            break
        need = np.zeros(len(true), dtype=bool)
        need[m.member[stuck[m.member_of]]] = True
        need[m.total[stuck]] = True
        need &= unpublished & ~short
    return chosen


def secure(true: np.ndarray, perturbed: np.ndarray, withheld: np.ndarray, hidden: np.ndarray, m: Margins,
           max_noise: int, fixed: np.ndarray | None = None, max_rounds: int = 100) -> np.ndarray:
    """``withheld`` plus the cells that must be withheld too, so that no withheld or hidden cell is
    narrowed below its protection interval. ``perturbed`` holds the published values (NaN where
    withheld or hidden), ``true`` the true counts; ``hidden`` cells include the true zeros the
    policy hides (an attacker cannot know they are zero); ``fixed`` cells were published by an
    earlier release, as they are: they take part, but stay as they are."""
    fixed = np.zeros(len(true), dtype=bool) if fixed is None else fixed
    system = System.of(m)
    withheld = withheld.copy()
    for _ in range(max_rounds):
        published = np.where(withheld | hidden, np.nan, perturbed)
        bounds = propagate(system, *boxes(published, withheld, max_noise))
        short = narrow(*bounds, withheld, hidden, true)
        if not short.any():
            return withheld
        unpublished = withheld | hidden
        chosen = unpublished | fixed                  # an earlier release's cells are out already
        withhold_smallest(true, m, chosen, _widen(system, *bounds, short, m, chosen, true))
        more = chosen & ~hidden & ~fixed & ~withheld & (true > 0)     # a zero is shown as zero
        if not more.any():
            break
        withheld |= more
    # never publish then: the release is not made, and the current one goes on being served
    raise RuntimeError(f"disclosure control could not keep {int(short.sum())} counts inside their protection "
                       "intervals, so nothing was published: report this to the JiN developers with the run "
                       "report")  # pragma: no cover
