"""An extract checked in two parts at once (by this process and a worker) gives exactly what one
process checking it whole gives, whatever the file's line ends, encoding or quoting; a part that
cannot be read on its own, or a failed worker, costs only time."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest

from jin_hub.geography import AreaIndex
from jin_hub.ingest import worker
from jin_hub.ingest.cleanse import cleanse
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.reader import PartUnreadable, read_part, read_text, split_points
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


def cleansed(path: Path, dataset: str, areas, monkeypatch, min_bytes: int):
    monkeypatch.setattr(worker, "MIN_BYTES", min_bytes)
    return cleanse(path, get_schema(dataset), areas, Pseudonymiser(TEST_SECRET))


def assert_as_whole(path: Path, areas, monkeypatch, dataset: str = "police_crime", split: bool = True):
    """Cleansing ``path`` in parts gives what cleansing it whole in one process gives."""
    jobs: list[str] = []
    run = Worker.run
    monkeypatch.setattr(Worker, "run", lambda self, job, *a, **kw: jobs.append(job) or run(self, job, *a, **kw))
    in_parts = cleansed(path, dataset, areas, monkeypatch, 0)
    assert jobs[:1] == ["jin_hub.ingest.parts:check_part"]             # the worker was given its half
    assert ("jin_hub.ingest.parts:part_rows" in jobs) == split           # ... and its check kept
    monkeypatch.undo()
    whole = cleansed(path, dataset, areas, monkeypatch, 1 << 60)
    keys = list(get_schema(dataset).pseudonyms)
    assert in_parts.accepted[keys].notna().any().all()
    pd.testing.assert_frame_equal(in_parts.accepted, whole.accepted)
    pd.testing.assert_frame_equal(in_parts.quarantined, whole.quarantined)
    assert in_parts.report() == whole.report()
    return whole


@pytest.mark.parametrize("dataset", ["police_crime", "school_attendance"])
def test_two_parts_give_exactly_the_whole_files_result(dataset, demo_extracts, areas, monkeypatch):
    started = spy_on_workers(monkeypatch)
    whole = assert_as_whole(demo_extracts[dataset], areas, monkeypatch, dataset)
    assert started and started[0]._proc.returncode == 0      # a worker really ran, and finished cleanly
    assert {"blank row", "duplicate"} <= set(whole.report()["quarantine_reasons"])


def variant(tmp_path: Path, source: Path, name: str, edit) -> Path:
    """The first 6,000 lines of ``source``, changed by ``edit`` (lines -> bytes)."""
    lines = source.read_text(encoding="utf-8").splitlines()[:6001]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(edit(lines))
    return path


def utf8(lines: list[str], end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode("utf-8")


def with_cp1252_line(at: int):
    def edit(lines):
        lines[at] = lines[at].replace("On or near", "Café near", 1)
        return utf8(lines[:at]) + (lines[at] + "\n").encode("cp1252") + utf8(lines[at + 1:])
    return edit


EDITS = {
    "crlf": lambda lines: utf8(lines, "\r\n"),
    "bom_no_final_newline": lambda lines: b"\xef\xbb\xbf" + utf8(lines)[:-1],
    # a row of the second half repeating one of the first: quarantined as its duplicate
    "duplicate_across_the_cut": lambda lines: utf8([*lines, lines[10], lines[4000]]),
    "cp1252_in_the_second_half": with_cp1252_line(5000),
    "cp1252_in_the_first_half": with_cp1252_line(100),
}


@pytest.mark.parametrize("edit", EDITS)
def test_parts_agree_with_the_whole_file(edit, tmp_path, demo_extracts, areas, monkeypatch):
    path = variant(tmp_path, demo_extracts["police_crime"], edit, EDITS[edit])
    # the worker reads its half as UTF-8, but the file is Windows-1252: its half is read again here
    whole = assert_as_whole(path, areas, monkeypatch, split=edit != "cp1252_in_the_first_half")
    if edit == "duplicate_across_the_cut":
        assert set(whole.quarantined["reason"].tail(2)) == {"duplicate of line 11", "duplicate of line 4001"}
    if edit.startswith("cp1252"):
        assert whole.encoding == "cp1252"


@pytest.mark.parametrize("tail", ['"On or near\nthe Park"', "On or near\rthe Park"])
def test_a_row_a_part_cannot_read_alone_makes_the_file_be_read_whole(tail, tmp_path, demo_extracts, areas,
                                                                       monkeypatch):
    def edit(lines):
        cells = lines[3000].split(",")
        cells[5] = tail                                    # location_desc: a value across lines
        lines[3000] = ",".join(cells)
        return utf8(lines)
    path = variant(tmp_path, demo_extracts["police_crime"], "spanning", edit)
    start, cut, _ = split_points(path, [0.5, 0.5])
    with pytest.raises(PartUnreadable):
        read_part(path, lambda c: True, start, cut)
    assert_as_whole(path, areas, monkeypatch, split=False)


@pytest.mark.parametrize("shares", [[0.5, 0.5], [0.2, 0.3, 0.5], [0.999, 0.001]])
def test_parts_read_end_to_end_are_the_whole_read(shares, tmp_path, demo_extracts):
    path = variant(tmp_path, demo_extracts["police_crime"], "plain", utf8)
    cuts = split_points(path, shares)
    parts = [read_part(path, lambda c: True, a, b).frame for a, b in zip(cuts, cuts[1:])]
    assert len(parts) == len(shares) and all(len(p) for p in parts)
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), read_text(path, lambda c: True).frame)


def test_a_failed_worker_falls_back_to_checking_in_process(demo_extracts, areas, monkeypatch, caplog):
    monkeypatch.setattr(Worker, "command", staticmethod(    # a worker that dies before it checks its half
        lambda: [sys.executable, "-c", "import sys; sys.exit('worker ran out of memory')"]))
    result = cleansed(demo_extracts["police_crime"], "police_crime", areas, monkeypatch, 0)
    assert "worker ran out of memory" in caplog.text
    assert result.accepted["record_key"].notna().all()
    monkeypatch.undo()
    assert result.accepted.equals(cleansed(demo_extracts["police_crime"], "police_crime", areas, monkeypatch,
                                           1 << 60).accepted)


def test_the_worker_is_stopped_when_the_extract_is_refused(tmp_path, areas, monkeypatch):
    bad = tmp_path / "wrong.csv"
    bad.write_text("crime_ref,when\nNP/1,2024-01-01\n", encoding="utf-8")
    started = spy_on_workers(monkeypatch)
    monkeypatch.setattr(worker, "MIN_BYTES", 0)
    with pytest.raises(ValueError, match="missing column"):
        cleanse(bad, get_schema("police_crime"), areas, Pseudonymiser(TEST_SECRET))
    assert started[0]._proc.poll() is not None                      # no worker left behind
