"""The disclosure audit on a table small enough to reason about by hand: a 2 × 2 table with its
row, column and grand totals, some cells withheld."""

from __future__ import annotations

import numpy as np
import pytest

from jin_hub.ingest.audit import solvable
from jin_hub.ingest.disclosure import Margins

# cells 0-3: the table row by row; 4, 5: row totals; 6, 7: column totals; 8: grand total
MARGINS = Margins(total=np.array([4, 5, 6, 7, 8, 8]),
                  member=np.array([0, 1, 2, 3, 0, 2, 1, 3, 4, 5, 6, 7]),
                  member_of=np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]))


@pytest.mark.parametrize(("withheld", "exposed"), [
    ([0, 1, 2, 3], []),              # every cell can move round the table: nothing is pinned (no peeling)
    ([0], [0]),                      # the row total minus its published cell
    ([0, 1], [0, 1]),                # each by its column total
    ([0, 1, 4], [0, 1, 4]),          # the row total by the grand total, then the cells
    ([0, 1, 2, 3, 4, 5], []),        # row totals withheld too: still a cycle
    ([0, 3], [0, 3]),
])
def test_the_audit_finds_exactly_the_cells_an_attacker_can_work_out(withheld, exposed):
    supp = np.zeros(9, dtype=bool)
    supp[withheld] = True
    assert np.flatnonzero(solvable(supp, MARGINS)).tolist() == exposed
