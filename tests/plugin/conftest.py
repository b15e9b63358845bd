"""Plugin-test fixtures: a saved hub connection, as an analyst makes one in the panel."""

from __future__ import annotations

import pytest

from jin_plugin.core import connections
from jin_plugin.core.connections import Connection


@pytest.fixture()
def hub_connection(hub_url, analyst_authcfg):
    """The test hub saved as the chosen named connection (removed afterwards)."""
    saved = connections.save(Connection("JiN test hub", hub_url, analyst_authcfg))
    yield saved
    connections.delete(saved.name)


@pytest.fixture()
def results_here(tmp_path):
    """Results of the test's Compare, Change, Join and Count in its own folder (the choice is
    forgotten afterwards), not in the test profile's ``JiN results``."""
    from jin_plugin.core.results_folder import choose_folder

    folder = tmp_path / "JiN results"
    choose_folder(str(folder))
    yield folder
    choose_folder("")
