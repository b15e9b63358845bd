"""Work handed to a second process gives exactly the in-process result, and a failing worker costs
only time: its error is logged and the work is done in-process."""

from __future__ import annotations

import dataclasses
import sys

import pandas as pd
import pytest

from jin_hub import db, geography
from jin_hub.ingest import worker
from jin_hub.ingest.disclosure import suppress
from jin_hub.ingest.pipeline import PROTECT, ingest
from jin_hub.ingest.registry import get_schema
from jin_hub.ingest.worker import Worker, WorkerFailed
from tests.conftest import BOUNDARIES, TEST_SECRET
from tests.hub_locator import new_hub

CELLS = pd.DataFrame({"area_code": ["A", "A", "A", "B", "B", "B"], "period": ["2024-01"] * 6,
                      "category": ["x", "y", "all", "x", "y", "all"], "count": [3, 9, 12, 6, 7, 13]})


def test_a_worker_runs_jobs_in_turn_and_reports_their_errors():
    helper = Worker.start("jin_hub.ingest.disclosure")
    try:
        first, failing, last = (helper.run("jin_hub.ingest.disclosure:suppress", CELLS, threshold)
                                for threshold in (5, 0, 7))
        pd.testing.assert_frame_equal(first.result(), suppress(CELLS, 5))
        with pytest.raises(WorkerFailed, match="ValueError: threshold must be at least 1"):
            failing.result()
        pd.testing.assert_frame_equal(last.result(), suppress(CELLS, 7))        # a failed job leaves it working
    finally:
        helper.close()
    assert helper._proc.returncode == 0


def test_a_dead_worker_fails_its_jobs_with_its_last_words():
    helper = Worker.start()
    job = helper.run("os:_exit", 3)
    with pytest.raises(WorkerFailed, match="exit status 3"):
        job.result()
    helper.close()


def parts_then(n: int, error: str = ""):
    """A generator job: ``n`` parts, then ``error`` raised if given."""
    for i in range(n):
        yield [i] * (i + 1)
    if error:
        raise ValueError(error)


def test_a_generator_job_sends_its_parts_as_they_are_made():
    helper = Worker.start(__name__)
    try:
        whole, broken, after = (helper.run(f"{__name__}:parts_then", 3, error) for error in ("", "disk full", ""))
        assert list(whole.parts()) == [[0], [1, 1], [2, 2, 2]]
        got = []
        with pytest.raises(WorkerFailed, match="ValueError: disk full"):
            got.extend(broken.parts())
        assert got == [[0], [1, 1], [2, 2, 2]]              # the parts made before it failed
        assert after.result() is None and list(after.parts()) == [[0], [1, 1], [2, 2, 2]]
    finally:
        helper.close()
    assert helper._proc.returncode == 0


def test_a_worker_starts_one_blas_thread_unless_told_otherwise(monkeypatch):
    for name in worker.BLAS_THREADS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "4")              # the administrator's choice stands
    helper = Worker.start()
    try:
        jobs = [helper.run("os:getenv", name) for name in worker.BLAS_THREADS]
        assert dict(zip(worker.BLAS_THREADS, (job.result() for job in jobs))) == {
            "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "4", "OMP_NUM_THREADS": "1"}
    finally:
        helper.close()


#: Exact counts with suppression, which a worker solves (the shipped datasets use cell-key noise).
SUPPRESSION = dataclasses.replace(get_schema("police_crime").policy, method="suppression")


def published(tmp_path, name: str, extract, monkeypatch, min_bytes: int) -> pd.DataFrame:
    monkeypatch.setattr(worker, "MIN_BYTES", min_bytes)
    conn = db.connect(new_hub(tmp_path / f"{name}.sqlite"))
    geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
    ingest(conn, "police_crime", extract, TEST_SECRET, policy=SUPPRESSION)
    return conn.frame("SELECT geography, period, category, area_code, count, suppressed FROM aggregates "
                      "ORDER BY 1, 2, 3, 4")


def test_suppression_by_a_worker_publishes_exactly_the_in_process_cells(tmp_path, demo_extracts, monkeypatch):
    targets = []
    run = Worker.run
    monkeypatch.setattr(Worker, "run", lambda self, job, *a, **kw: targets.append(job) or run(self, job, *a, **kw))
    by_worker = published(tmp_path, "worker", demo_extracts["police_crime"], monkeypatch, 0)
    assert targets == ["jin_hub.ingest.background_keys:key_parts", PROTECT]          # one worker, two jobs
    in_process = published(tmp_path, "here", demo_extracts["police_crime"], monkeypatch, 1 << 60)
    assert by_worker["suppressed"].sum() > 0
    pd.testing.assert_frame_equal(by_worker, in_process)


def test_a_dead_suppression_worker_falls_back(tmp_path, demo_extracts, monkeypatch, caplog):
    monkeypatch.setattr(Worker, "command", staticmethod(
        lambda: [sys.executable, "-c", "import sys; sys.exit('worker was killed')"]))
    fallen_back = published(tmp_path, "dead", demo_extracts["police_crime"], monkeypatch, 0)
    assert "suppressing in-process: the worker failed (worker was killed)" in caplog.text
    pd.testing.assert_frame_equal(fallen_back,
                                  published(tmp_path, "here", demo_extracts["police_crime"], monkeypatch, 1 << 60))
