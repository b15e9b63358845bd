"""Disclosure control solved in groups of districts publishes exactly what it publishes solved
whole: the groups share no margin, so splitting changes nothing but the memory it takes."""

from __future__ import annotations

import pytest

from jin_hub import db
from jin_hub.ingest import partition
from tests.conftest import build_hub_db
from tests.hub_locator import new_hub

QUERY = ("SELECT a.geography, a.period, a.category, a.area_code, a.count, a.suppressed FROM aggregates a "
         "JOIN datasets d ON d.current_release = a.release_id ORDER BY 1, 2, 3, 4")


@pytest.mark.parametrize("dataset", ["police_crime", "asb_incidents"])
def test_groups_of_districts_publish_what_the_whole_does(tmp_path, demo_extracts, monkeypatch, dataset):
    split = partition.groups
    made = []

    def grouped(most: int):
        def groups(cells, pairs, earlier=None, **_):
            parts = list(split(cells, pairs, earlier, most=most))
            made.append(len(parts))
            return iter(parts)
        return groups

    monkeypatch.setattr(partition, "groups", grouped(10 ** 12))            # one problem: the whole
    whole = build_hub_db(new_hub(tmp_path / "whole.sqlite"), demo_extracts, [dataset])
    assert set(made) == {1}
    made.clear()
    monkeypatch.setattr(partition, "groups", grouped(2_000))
    parts = build_hub_db(new_hub(tmp_path / "parts.sqlite"), demo_extracts, [dataset])
    assert made and max(made) >= 4                      # the 7 districts really were solved apart
    cells = db.connect(whole).execute(QUERY).fetchall()
    assert any(row[5] for row in cells)                 # (cells were withheld: the protection worked)
    assert db.connect(parts).execute(QUERY).fetchall() == cells
