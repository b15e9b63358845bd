"""Pseudonyms keyed by a worker process: the same keys as in-process, and a failed worker costs
only time, never a wrong or missing key."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from jin_hub.geography import AreaIndex
from jin_hub.ingest import worker
from jin_hub.ingest.cleanse import cleanse
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.schemas import get_schema
from jin_hub.ingest.worker import Worker
from tests.conftest import TEST_SECRET


@pytest.fixture(scope="module")
def areas(hub_db_path) -> AreaIndex:
    return AreaIndex.from_db(sqlite3.connect(hub_db_path), "oa")


def spy_on_workers(monkeypatch) -> list[Worker]:
    """The workers started from now on (until the monkeypatch is undone)."""
    started: list[Worker] = []
    start = Worker.start.__func__
    monkeypatch.setattr(Worker, "start", classmethod(lambda cls, *modules: started.append(start(cls, *modules))
                                                     or started[-1]))
    return started


def cleansed(dataset: str, demo_extracts, areas, monkeypatch, min_bytes: int):
    monkeypatch.setattr(worker, "MIN_BYTES", min_bytes)
    return cleanse(demo_extracts[dataset], get_schema(dataset), areas, Pseudonymiser(TEST_SECRET))


@pytest.mark.parametrize("dataset", ["police_crime", "school_attendance"])
def test_a_worker_makes_exactly_the_in_process_keys(dataset, demo_extracts, areas, monkeypatch):
    started = spy_on_workers(monkeypatch)
    by_worker = cleansed(dataset, demo_extracts, areas, monkeypatch, 0)
    assert started and started[0]._proc.returncode == 0      # a worker really ran, and finished cleanly
    monkeypatch.undo()
    in_process = cleansed(dataset, demo_extracts, areas, monkeypatch, 1 << 60)
    keys = list(get_schema(dataset).pseudonyms)
    assert by_worker.accepted[keys].notna().any().all()
    assert by_worker.accepted.equals(in_process.accepted)
    # with a worker the cleanser reads only the columns it checks, and a few rows again in full
    assert by_worker.quarantined.equals(in_process.quarantined) and by_worker.report() == in_process.report()
    assert {"blank row", "duplicate"} <= set(in_process.report()["quarantine_reasons"])


def test_a_failed_worker_falls_back_to_keying_in_process(demo_extracts, areas, monkeypatch, caplog):
    monkeypatch.setattr(Worker, "command", staticmethod(    # a worker that dies before sending keys
        lambda: [sys.executable, "-c", "import sys; sys.exit('worker ran out of memory')"]))
    result = cleansed("police_crime", demo_extracts, areas, monkeypatch, 0)
    assert "worker ran out of memory" in caplog.text
    assert result.accepted["record_key"].notna().all()
    monkeypatch.undo()
    assert result.accepted.equals(cleansed("police_crime", demo_extracts, areas, monkeypatch, 1 << 60).accepted)


def test_the_worker_is_stopped_when_the_extract_is_refused(tmp_path, areas, monkeypatch):
    bad = tmp_path / "wrong.csv"
    bad.write_text("crime_ref,when\nNP/1,2024-01-01\n", encoding="utf-8")
    started = spy_on_workers(monkeypatch)
    monkeypatch.setattr(worker, "MIN_BYTES", 0)
    with pytest.raises(ValueError, match="missing column"):
        cleanse(bad, get_schema("police_crime"), areas, Pseudonymiser(TEST_SECRET))
    assert started[0]._proc.poll() is not None                      # no worker left behind
