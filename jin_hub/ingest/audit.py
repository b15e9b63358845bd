"""The disclosure audit: which withheld cells an attacker could solve for, all margins at once.

Every additive margin (a total and its parts) is one linear equation whose unknowns are the
withheld cells. A withheld cell is exposed when every solution of the system gives it the same
value: when it is zero in every vector of the system's null space.

The system is first peeled, exactly: an equation with one unknown exposes it; an unknown that
appears in only one equation can absorb any value, so that equation constrains nothing else and
is set aside (its unknown is exposed only if all the others in it turn out to be). What is left,
the core, is tested with random vectors projected onto its null space by sparse least squares:
an unknown that is not exposed is almost surely nonzero in such a vector (a rare false alarm
only withholds one cell more; an exposed cell is never missed).
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from itertools import chain

import numpy as np

TOLERANCE = 1e-6


def _peel(equations: list[set[int]], n_unknowns: int) -> tuple[np.ndarray, list[tuple[int, list[int]]], list[int]]:
    """Peel the system. Returns (exposed so far, set-aside (unknown, others) in order, core equation ids)."""
    exposed = np.zeros(n_unknowns, dtype=bool)
    appears: dict[int, set[int]] = defaultdict(set)
    for e, members in enumerate(equations):
        for u in members:
            appears[u].add(e)
    alive = [bool(members) for members in equations]
    set_aside: list[tuple[int, list[int]]] = []
    queue = [e for e, members in enumerate(equations) if len(members) == 1] + \
            [u + len(equations) for u, es in appears.items() if len(es) == 1]
    while queue:
        item = queue.pop()
        if item < len(equations):                       # an equation that may have one unknown left
            e = item
            if not alive[e] or len(equations[e]) != 1:
                continue
            (u,) = equations[e]
            exposed[u] = True                           # known from this equation: substitute it away
            alive[e] = False
            for f in appears.pop(u, ()):
                equations[f].discard(u)
                if alive[f] and len(equations[f]) == 1:
                    queue.append(f)
                elif alive[f] and not equations[f]:
                    alive[f] = False
        else:                                           # an unknown that may appear in one equation only
            u = item - len(equations)
            live = [f for f in appears.get(u, ()) if alive[f]]
            if len(live) != 1 or exposed[u]:
                continue
            e = live[0]
            others = [v for v in equations[e] if v != u]
            set_aside.append((u, others))
            alive[e] = False
            for v in others:
                appears[v].discard(e)
                remaining = [f for f in appears[v] if alive[f]]
                if len(remaining) == 1:
                    queue.append(v + len(equations))
    return exposed, set_aside, [e for e, ok in enumerate(alive) if ok]


def _core(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_equations: int, n_unknowns: int,
          probes: int) -> np.ndarray:
    """Unknowns exposed by the core equations (entries: equation, unknown, coefficient): zero in
    every random null-space projection."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import lsqr

    exposed = np.zeros(n_unknowns, dtype=bool)
    if not len(cols):
        return exposed
    used, local = np.unique(cols, return_inverse=True)
    # each equation scaled to unit length: the same range, so the same projection, but LSQR
    # then converges in about a quarter of the iterations
    scaled = vals / np.sqrt(np.bincount(rows, minlength=n_equations))[rows]
    a_t = coo_matrix((scaled, (local, rows)), shape=(len(used), n_equations)).tocsr()    # A transposed
    rng = np.random.default_rng(0)
    pinned = np.ones(len(used), dtype=bool)
    for _ in range(probes):
        r = rng.normal(size=len(used))
        y = lsqr(a_t, r, atol=1e-14, btol=1e-14, iter_lim=20 * len(used))[0]
        pinned &= np.abs(r - a_t @ y) < TOLERANCE         # r's part in the null space is zero there
    exposed[used[pinned]] = True
    return exposed


def _equations(supp: np.ndarray, m, col: np.ndarray, n_unknowns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(equation, unknown) for each withheld cell of each margin that has any, in equation order
    (the margins that have any, numbered 0..k-1), each pair once; and each equation's total as
    an unknown (-1 where the total is published)."""
    mem = np.flatnonzero(supp[m.member])
    tot = np.flatnonzero(supp[m.total])
    pairs = np.unique(np.concatenate([m.member_of[mem], tot]) * n_unknowns +
                      np.concatenate([col[m.member[mem]], col[m.total[tot]]]))
    margin, unknown = np.divmod(pairs, n_unknowns)
    margins, eq = np.unique(margin, return_inverse=True)
    total_of = np.full(len(m.total), -1)
    total_of[tot] = col[m.total[tot]]
    return eq.reshape(-1), unknown, total_of[margins]


def solvable(supp: np.ndarray, m, probes: int = 1) -> np.ndarray:
    """Withheld cells (``supp``) an attacker can solve for from the margins ``m``."""
    hidden = np.flatnonzero(supp)
    out = np.zeros(len(supp), dtype=bool)
    if not len(hidden):
        return out
    col = np.full(len(supp), -1)
    col[hidden] = np.arange(len(hidden))
    rows, cols, total = _equations(supp, m, col, len(hidden))
    exposed, set_aside = np.zeros(len(hidden), dtype=bool), []
    sizes = np.bincount(rows, minlength=len(total))
    if (sizes == 1).any() or (np.bincount(cols, minlength=len(hidden)) == 1).any():    # else nothing to peel
        edges = np.r_[0, np.cumsum(sizes)].tolist()
        unknowns = cols.tolist()
        peeled = [set(unknowns[a:b]) for a, b in zip(edges, edges[1:])]
        exposed, set_aside, core = _peel(peeled, len(hidden))
        left = [peeled[e] for e in core]                 # what is left of each core equation
        sizes = [len(rest) for rest in left]
        cols = np.fromiter(chain.from_iterable(left), dtype=np.int64, count=sum(sizes))
        rows, total = np.repeat(np.arange(len(core)), sizes), total[core]
    vals = np.where(cols == total[rows], -1.0, 1.0)
    exposed |= _core(rows, cols, vals, len(total), len(hidden), probes)
    for u, others in reversed(set_aside):               # exposed only if everything beside it is
        exposed[u] = all(exposed[v] for v in others)
    out[hidden[exposed]] = True
    return out


def coefficients(n_cells: int, m):
    """Every cell's coefficient in every margin's equation (cells × equations: +1 member, -1
    total): the same in every round of an audit, so made once."""
    from scipy.sparse import coo_matrix

    return coo_matrix((np.concatenate([np.ones(len(m.member)), -np.ones(len(m.total))]),
                       (np.concatenate([m.member, m.total]), np.concatenate([m.member_of, np.arange(len(m.total))]))),
                      shape=(n_cells, len(m.total))).tocsr()


class Withheld:
    """The system of the withheld cells ``supp``: their rows of the ``coefficients``, and its
    connected parts (withheld cells and the equations that hold them), which share no unknown, so
    each part can be solved on its own. Worked out once a round, for ``connected`` and ``reliance``."""

    def __init__(self, supp: np.ndarray, m, coefficients):
        self.supp, self.m = supp, m
        self.hidden = coefficients[supp]

    @cached_property
    def parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Labels of the parts: of the withheld cells, of the equations."""
        from scipy.sparse import bmat
        from scipy.sparse.csgraph import connected_components

        _, label = connected_components(bmat([[None, self.hidden], [self.hidden.T, None]]), directed=False)
        return label[:self.hidden.shape[0]], label[self.hidden.shape[0]:]

    def connected(self, seeds: np.ndarray) -> np.ndarray:
        """Withheld cells in the same part as any of the withheld ``seeds``: after a change, only
        those parts can have become solvable."""
        cells, _ = self.parts
        out = np.zeros(len(self.supp), dtype=bool)
        out[np.flatnonzero(self.supp)] = np.isin(cells, cells[seeds[self.supp]])
        return out

    def reliance(self, pinned: np.ndarray) -> np.ndarray:
        """Per margin, how much the attacker's solution for the ``pinned`` cells relies on its
        equation (0: not at all).

        The equations combined with weights ``y`` give a random positive mix of the pinned cells:
        ``y`` by least squares on the withheld cells' coefficients, only in the parts of the system
        that hold pinned cells (elsewhere it is zero anyway). Withholding one more cell of a heavily
        weighted equation takes away what the attacker needed (the audit then checks whether
        another way remains).
        """
        from scipy.sparse.linalg import lsqr

        cells, equations = self.parts
        target = pinned[self.supp]
        rows, cols = np.isin(cells, cells[target]), np.isin(equations, cells[target])
        b = np.random.default_rng(0).uniform(1.0, 2.0, int(rows.sum())) * target[rows]
        y = np.zeros(len(self.m.total))
        y[cols] = lsqr(self.hidden[rows][:, cols], b, atol=1e-8, btol=1e-8, iter_lim=20 * int(rows.sum()) + 100)[0]
        return np.abs(y)
