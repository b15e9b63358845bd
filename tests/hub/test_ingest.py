"""Ingest: reconciliation, depersonalisation, disclosure control, idempotence, clear errors."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from jin_hub import backends, db, geography
from jin_hub.ingest.disclosure import suppress
from jin_hub.ingest.pipeline import ingest
from jin_hub.ingest.reader import ExtractError
from tests.conftest import BOUNDARIES, TEST_SECRET
from tests.hub_locator import TABLES, new_hub, stored_bytes

DATASETS = ("police_crime", "asb_incidents", "fire_incidents", "school_attendance")

#: Where each dirty kind must end: a quarantine reason (prefix), or None = repaired and accepted.
EXPECTED = {
    "blank_row": "blank row", "duplicate": "duplicate of line", "missing_coords": "missing coordinates",
    "out_of_county": "coordinates outside the loaded boundaries", "unknown_category": "unknown category",
    "missing_incident_group": "missing incident group", "unreadable_sessions": "unreadable sessions",
    "impossible_sessions": "sessions missed exceed sessions possible",
    "latlon_coords": None, "category_variant": None,
}


@pytest.fixture(scope="module")
def manifests(demo_extracts) -> dict:
    return json.loads(demo_extracts["manifest"].read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="module")
def conn(hub_db_path) -> backends.Connection:
    return db.connect(hub_db_path)


def current_release(conn, dataset: str = "police_crime") -> tuple[str, dict]:
    rid, report = conn.execute("SELECT r.id, r.report FROM datasets d JOIN releases r ON r.id = d.current_release "
                               "WHERE d.id = ?", (dataset,)).fetchone()
    return rid, json.loads(report)


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_row_is_counted_or_quarantined(conn, manifests, dataset):
    rid, report = current_release(conn, dataset)
    assert report["input_rows"] == manifests[dataset]["data_lines"]
    assert report["accepted"] + report["quarantined"] == report["input_rows"]
    reasons = conn.frame("SELECT reason FROM quarantine WHERE release_id = ?", (rid,))
    assert len(reasons) == report["quarantined"]
    by_reason = reasons["reason"].str.replace(r" \(.*\)$| of line \d+$", "", regex=True).value_counts()
    assert by_reason.to_dict() == report["quarantine_reasons"]          # per reason, too
    assert report["counted"] == report["accepted"]            # every accepted row is in the totals, once
    for level in ("oa", "lsoa", "msoa", "district"):
        published, cells = conn.execute("SELECT coalesce(sum(count), 0), count(count) FROM aggregates "
                                        "WHERE release_id = ? AND category = 'all' AND geography = ? "
                                        "AND length(period) = 7", (rid, level)).fetchone()
        if report["method"] == "cell_key":          # perturbed: off by at most the noise per cell
            assert published <= report["accepted"] + 3 * cells
        else:
            assert published <= report["accepted"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_each_dirty_kind_ends_where_it_should(conn, manifests, dataset):
    rid, report = current_release(conn, dataset)
    reasons = dict(conn.execute("SELECT source_line, reason FROM quarantine WHERE release_id = ?", (rid,)))
    dirty = manifests[dataset]["dirty_lines"]
    assert set(dirty) <= set(EXPECTED), f"a dirty kind without an expectation: {set(dirty) - set(EXPECTED)}"
    for kind, lines in dirty.items():
        assert lines, f"{dataset}: no {kind} rows planted"
        if EXPECTED[kind] is None:
            assert not set(lines) & set(reasons), f"{dataset}: repairable {kind} rows were quarantined"
        else:
            wrong = [(n, reasons.get(n)) for n in lines if not str(reasons.get(n)).startswith(EXPECTED[kind])]
            assert not wrong, f"{dataset}: {kind} rows ended elsewhere: {wrong[:5]}"
    assert report["repaired"]["wgs84_coordinates_reprojected"] == len(dirty["latlon_coords"])
    assert report["repaired"]["category_variant_mapped"] >= len(dirty.get("category_variant", []))


def test_no_personal_field_reaches_the_database(hub_db_path, manifests):
    blob = stored_bytes(hub_db_path)
    conn = db.connect(hub_db_path)
    text_values = []
    for (table,) in conn.execute(TABLES[conn.kind]).fetchall():
        for row in conn.execute(f"SELECT * FROM {table}"):
            text_values.extend(str(v) for v in row if isinstance(v, str))
    everything = "\n".join(text_values)
    planted = [v for m in manifests.values() for values in m["canaries"].values() for v in values]
    assert len(planted) > 800
    for value in planted:
        assert value not in everything, f"personal value {value!r} leaked into the database"
        assert value.encode() not in blob, f"personal value {value!r} found in the database file"
        assert value.encode("cp1252", errors="ignore") not in blob


def test_minor_arson_is_deliberate_secondary_fire(conn):
    rid, _ = current_release(conn, "fire_incidents")
    cats = {c for (c,) in conn.execute("SELECT DISTINCT category FROM aggregates WHERE release_id = ?", (rid,))}
    assert "Secondary fire, deliberate (minor arson)" in cats and "Secondary fire, accidental" in cats


def test_persistent_absence_share_is_plausible(conn):
    rid, report = current_release(conn, "school_attendance")
    assert report["periods"] == ["2024-01", "2024-04", "2024-09"]
    shares = conn.frame("SELECT category, sum(count) AS n FROM aggregates WHERE release_id = ? AND suppressed = 0 "
                        "GROUP BY category", (rid,)).set_index("category")["n"]
    share = shares["Persistently absent"] / shares["all"]
    assert 0.12 < share < 0.35          # England's persistent absence rate is around 20%


def test_no_published_count_is_small(conn):
    (n,) = conn.execute("SELECT count(*) FROM aggregates WHERE count BETWEEN 1 AND 4").fetchone()
    assert n == 0
    (n,) = conn.execute("SELECT count(*) FROM aggregates WHERE suppressed = 1 AND count IS NOT NULL").fetchone()
    assert n == 0


def test_differencing_the_total_recovers_no_suppressed_cell(suppression_db_path):
    """With exact counts and suppression, an attacker subtracting published categories from the
    published total learns nothing small (noise makes this moot for the hub's own method).

    At MSOA and district every police category is published, so the total is their exact sum."""
    conn = db.connect(suppression_db_path)
    rid, _ = current_release(conn)
    df = conn.frame("SELECT geography, area_code, period, category, count, suppressed FROM aggregates "
                    "WHERE release_id = ? AND geography IN ('msoa', 'district')", (rid,))
    keys = ["geography", "area_code", "period"]
    total = df[df.category == "all"].set_index(keys)
    cats = df[df.category != "all"]
    published = cats[cats.suppressed == 0].groupby(keys)["count"].sum()
    hidden_cells = cats[cats.suppressed == 1].groupby(keys).size()
    joined = total.join(published.rename("published")).join(hidden_cells.rename("hidden")).fillna(0)
    open_totals = joined[(joined.suppressed == 0) & (joined.hidden > 0)]
    residual = open_totals["count"] - open_totals["published"]
    assert (residual >= 5).all()               # what is hidden sums to at least the threshold …
    assert (open_totals["hidden"] >= 2).all()  # … and is spread over at least two cells


def test_secondary_suppression_unit():
    cells = pd.DataFrame({"area_code": ["A"] * 4, "period": ["2024-01"] * 4,
                          "category": ["all", "x", "y", "z"], "count": [20, 3, 7, 10]})
    out = suppress(cells, 5).set_index("category")
    assert out.loc["x", "suppressed"] and out.loc["y", "suppressed"]        # 3 alone would be 20-7-10
    assert not out.loc["z", "suppressed"] and not out.loc["all", "suppressed"]
    tiny = pd.DataFrame({"area_code": ["B"] * 2, "period": ["2024-01"] * 2, "category": ["all", "x"],
                         "count": [3, 3]})
    assert suppress(tiny, 5)["suppressed"].all()
    no_totals = pd.DataFrame({"area_code": ["C"] * 2, "period": ["2024-01"] * 2, "category": ["x", "y"],
                              "count": [3, 9]})                       # no margin at all: primary only
    assert suppress(no_totals, 5)["suppressed"].tolist() == [True, False]


def test_reingest_same_file_changes_nothing(tmp_path, demo_extracts):
    conn = db.connect(new_hub(tmp_path / "h.sqlite"))
    geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
    first = ingest(conn, "police_crime", demo_extracts["police_crime"], TEST_SECRET)
    second = ingest(conn, "police_crime", demo_extracts["police_crime"], TEST_SECRET)
    assert first.created and not second.created and first.release_id == second.release_id
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 1


def test_clear_errors(tmp_path):
    conn = db.connect(new_hub(tmp_path / "h.sqlite"))
    with pytest.raises(ExtractError, match="not found"):
        ingest(conn, "police_crime", tmp_path / "missing.csv", TEST_SECRET)
    with pytest.raises(KeyError, match="unknown dataset 'nope'; known datasets: asb_incidents, fire_incidents"):
        ingest(conn, "nope", tmp_path / "missing.csv", TEST_SECRET)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
    with pytest.raises(ExtractError, match="missing column"):
        ingest(conn, "police_crime", wrong, TEST_SECRET)
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(geography.BoundaryError, match="cannot read boundary file"):
        geography.read_boundary_file(bad, "lsoa")
    with pytest.raises(geography.BoundaryError, match="no ONS MSOAxxCD"):
        geography.read_boundary_file(BOUNDARIES, "msoa")


def test_windows_1252_extract_is_read(tmp_path, demo_extracts):
    src = demo_extracts["police_crime"].read_text(encoding="utf-8")
    cp = tmp_path / "cp1252.csv"
    cp.write_bytes(src.encode("cp1252", errors="replace"))
    conn = db.connect(new_hub(tmp_path / "h.sqlite"))
    geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
    result = ingest(conn, "police_crime", cp, TEST_SECRET)
    assert result.report["encoding"] == "cp1252"
    assert result.report["accepted"] + result.report["quarantined"] == result.report["input_rows"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_record_level_data_is_depersonalised(conn, dataset):
    rid, report = current_release(conn, dataset)
    records = conn.frame("SELECT * FROM record_areas WHERE release_id = ?", (rid,))
    assert len(records) == report["accepted"]
    assert records["period"].str.fullmatch(r"\d{4}-\d{2}").all()               # month only
    assert records[["oa_code", "lsoa_code", "msoa_code", "district_code"]].notna().all().all()
    assert records["record_key"].str.fullmatch(r"[0-9a-f]{20}").all()
    if dataset == "school_attendance":           # the UPN pseudonym follows a pupil across terms
        per_pupil = records.groupby("record_key")["period"].nunique()
        assert per_pupil.max() == 3 and len(per_pupil) < len(records) / 2
    else:
        assert records["record_key"].is_unique


def _write(path, header: str, *rows: str):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_person_pseudonym_links_datasets_and_needs_the_secret(tmp_path):
    import hashlib

    conn = db.connect(new_hub(tmp_path / "h.sqlite"))
    geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
    police = _write(tmp_path / "p.csv", "crime_ref,reported_at,category,easting,northing,victim_name,victim_dob",
                    "NP/24/0000001,2024-03-05T14:20,Burglary,457000,340000,Zoë  O'Connor,2011-02-03")
    school = _write(tmp_path / "s.csv", "upn,pupil_name,date_of_birth,term,home_easting,home_northing,"
                    "sessions_possible,sessions_authorised_absence,sessions_unauthorised_absence",
                    "A123456789012,ZOË O'CONNOR,2011-02-03,Spring 2024,457000,340000,120,3,20")
    ingest(conn, "police_crime", police, TEST_SECRET)
    ingest(conn, "school_attendance", school, TEST_SECRET)
    keys = [k for (k,) in conn.execute("SELECT person_key FROM records ORDER BY period")]
    assert len(keys) == 2 and keys[0] == keys[1]          # same person, spelt differently, linked
    assert keys[0] != hashlib.sha256("zoë o'connor\x1f2011-02-03".encode()).hexdigest()[:20]
    other = db.connect(new_hub(tmp_path / "other.sqlite"))
    geography.store_boundaries(other, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
    ingest(other, "police_crime", police, b"another-secret-of-at-least-32-bytes!!")
    (elsewhere,) = other.execute("SELECT person_key FROM records").fetchone()
    assert elsewhere != keys[0]                            # no secret, no linking


def test_dates_in_mixed_formats_and_implausible_years(tmp_path):
    conn = db.connect(new_hub(tmp_path / "h.sqlite"))
    geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), "b")
    police = _write(tmp_path / "p.csv", "crime_ref,reported_at,category,easting,northing",
                    "NP/1,2024-03-05T14:20,Burglary,457000,340000", "NP/2,5/3/2024,Burglary,457000,340000",
                    "NP/3,2204-03-05T14:20,Burglary,457000,340000", "NP/4,2024-02-30,Burglary,457000,340000",
                    "NP/5, 05 March 2024 ,Burglary,457000,340000")
    report = ingest(conn, "police_crime", police, TEST_SECRET).report
    assert report["accepted"] == 3
    assert report["quarantine_reasons"] == {"date in reported_at outside 1900–2100: check the year": 1,
                                            "unreadable date in reported_at": 1}
    assert {p for (p,) in conn.execute("SELECT DISTINCT period FROM records")} == {"2024-03"}


def _state(conn, dataset: str) -> tuple:
    """What readers can see of ``dataset``, and every release and record the hub holds."""
    return (conn.execute("SELECT current_release FROM datasets WHERE id = ?", (dataset,)).fetchone(),
            conn.execute("SELECT id, status FROM releases ORDER BY no").fetchall(),
            conn.execute("SELECT count(*), sum(id) FROM records").fetchone(),
            conn.execute("SELECT count(*) FROM quarantine").fetchone(),
            conn.execute("SELECT count(*) FROM aggregates").fetchone())


def _resent(tmp_path, demo_extracts, dataset: str):
    """The dataset's extract sent again with one more line: a new file, so a new release."""
    header, *body = demo_extracts[dataset].read_text(encoding="utf-8").splitlines()
    path = tmp_path / f"{dataset}_resent.csv"
    path.write_text("\n".join([header, *body, body[0]]) + "\n", encoding="utf-8")
    return path


@pytest.mark.sqlite_only(reason="simulates a full disk by SQLite's own error")
def test_a_release_failing_after_its_records_were_written_leaves_nothing(tmp_path, hub_db_path, demo_extracts,
                                                                         monkeypatch):
    from jin_hub.ingest import pipeline
    from tests.conftest import snapshot_db

    conn = db.connect(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    before = _state(conn, "fire_incidents")

    def disk_full(*_args):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(pipeline, "write_release", disk_full)           # once the records are committed
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        ingest(conn, "fire_incidents", _resent(tmp_path, demo_extracts, "fire_incidents"), TEST_SECRET)
    assert _state(conn, "fire_incidents") == before


def test_a_release_left_building_is_never_shown_and_the_next_ingest_discards_it(tmp_path, hub_db_path,
                                                                                 demo_extracts):
    from jin_hub.ingest.pipeline import start_release
    from tests.conftest import snapshot_db

    conn = db.connect(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    before = _state(conn, "fire_incidents")
    with conn:                                   # what an ingest killed between its two transactions leaves
        conn.begin_write()
        no = start_release(conn, ("fire_incidents-killed", "fire_incidents", "2026-11-28T12:00:00+00:00",
                                  "fire.csv", "0" * 64), "oa")
        conn.execute("INSERT INTO records (id, period, category, area_code) VALUES (?, '2024-01', 'x', 'E0')",
                     ((no << 32) + 2,))
        conn.execute("INSERT INTO quarantine VALUES ('fire_incidents-killed', 3, 'blank row')")
    assert not conn.execute("SELECT count(*) FROM record_areas WHERE release_id = 'fire_incidents-killed'"
                            ).fetchone()[0]
    done = ingest(conn, "fire_incidents", _resent(tmp_path, demo_extracts, "fire_incidents"), TEST_SECRET)
    after = _state(conn, "fire_incidents")
    assert after[0] == (done.release_id,)
    assert [r for r in after[1] if r[1] != "complete"] == [] and ("fire_incidents-killed", "building") not in after[1]
    assert after[1][:-1] == before[1]                                   # the others untouched
    assert not conn.execute("SELECT count(*) FROM records WHERE id >> 32 NOT IN (SELECT no FROM releases)"
                            ).fetchone()[0]
