"""Pseudonyms keyed by a worker process: the same keys as in-process, and a failed worker costs
only time, never a wrong or missing key."""

from __future__ import annotations

import sys
from itertools import chain

import numpy as np
import pandas as pd
import pytest

from jin_hub import db
from jin_hub.geography import AreaIndex
from jin_hub.ingest import background_keys, worker
from jin_hub.ingest.background_keys import BackgroundKeys, PendingKeys, key_file, key_parts
from jin_hub.ingest.cleanse import cleanse
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.registry import get_schema
from jin_hub.ingest.worker import Worker
from tests.conftest import TEST_SECRET


@pytest.fixture(scope="module")
def areas(hub_db_path) -> AreaIndex:
    return AreaIndex.from_db(db.connect(hub_db_path), "oa")


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


def test_keys_come_in_parts_that_cover_every_row_in_order(demo_extracts, areas, monkeypatch):
    monkeypatch.setattr(background_keys, "LINES_PER_PART", 700)
    monkeypatch.setattr(worker, "MIN_BYTES", 0)
    result = cleanse(demo_extracts["police_crime"], get_schema("police_crime"), areas, Pseudonymiser(TEST_SECRET),
                     wait=False)
    names = ["record_key", "person_key"]
    parts = list(result.key_parts(names))
    assert len(parts) > 3 and parts[0][0] == 0 and parts[-1][1] == len(result.accepted)
    assert all(stop == start for (_, stop, _), (start, _, _) in zip(parts, parts[1:]))      # contiguous, in order
    monkeypatch.undo()
    whole = cleansed("police_crime", demo_extracts, areas, monkeypatch, 1 << 60).accepted
    for name in names:
        assert list(chain.from_iterable(keys[name] for _, _, keys in parts)) == whole[name].tolist()


def parts_then_failure(pseudonymiser, path, specs, lines: int, parts: int):
    """The worker's keys job, failing after its codes and ``parts`` parts of keys."""
    for i, part in enumerate(key_parts(pseudonymiser, path, specs, lines)):
        if i > parts:
            raise MemoryError("worker ran out of memory")
        yield part


@pytest.mark.parametrize("parts", [0, 2])
def test_a_worker_failing_part_way_leaves_the_rest_to_be_keyed_here(demo_extracts, parts, caplog):
    path, specs, pseudonymiser = demo_extracts["police_crime"], get_schema("police_crime").pseudonyms, \
        Pseudonymiser(TEST_SECRET)
    expected = key_file(pseudonymiser, path, specs)
    lines = len(expected["record_key"].codes)
    accepted = np.random.default_rng(1).random(lines) < 0.9
    helper = Worker.start(__name__)
    job = helper.run(f"{__name__}:parts_then_failure", pseudonymiser, path, specs, 1000, parts)
    got = list(PendingKeys(BackgroundKeys(job, helper), pseudonymiser, path, None, accepted, specs).parts())
    assert "worker ran out of memory" in caplog.text
    assert len(got) == parts + 1                              # the worker's parts, then the rest at once
    assert helper._proc.poll() is not None                    # stopped once done with
    for name, keys in expected.items():
        assert list(chain.from_iterable(part[name] for _, _, part in got)) == keys.take(accepted).tolist()


def test_blank_inputs_get_no_key_even_when_seen_last():
    inputs = pd.DataFrame({"crime_ref": ["NP/1", " np/1 ", "NP/2", ""], "victim_name": ["A", "a", "", ""],
                           "victim_dob": ["1990-01-01", "1990-01-01", "", ""]})
    specs = get_schema("police_crime").pseudonyms
    pending = PendingKeys(None, Pseudonymiser(TEST_SECRET), None, inputs, np.ones(4, dtype=bool), specs)
    ((start, stop, keys),) = pending.parts()
    assert (start, stop) == (0, 4)
    record, person = keys["record_key"], keys["person_key"]
    assert record[0] == record[1] != record[2] and record[3] is None          # a blank is nobody
    assert person[0] == person[1] and person[2] is None and person[3] is None
