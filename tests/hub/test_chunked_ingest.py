"""An extract cleansed a few rows at a time (``reader.CHUNK_ROWS``) publishes exactly what it does
read whole: every record, quarantined row and reason, published cell and report figure, including
duplicates of rows many chunks back, the cut-off, per-file counts and placement routes."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from pyproj import Transformer

from jin_hub import cli, db, geography
from jin_hub.demo.boundaries import FILES
from jin_hub.ingest import reader
from tests.conftest import ROOT, build_hub_db

TINY = 7
WHOLE = 10 ** 9
#: Data rows kept of each demo extract: hundreds of tiny chunks, in seconds.
ROWS = 1_500


def digest(hub: Path) -> dict[str, str]:
    """A hash of each table an ingest writes, releases named by dataset (their ids hold the time)."""
    conn = db.connect(hub)
    queries = {
        "records": "SELECT r.* FROM records r ORDER BY r.id",
        "quarantine": "SELECT l.dataset, q.source_line, q.reason FROM quarantine q JOIN releases l ON l.id = "
                      "q.release_id ORDER BY l.dataset, q.source_line",
        "aggregates": "SELECT l.dataset, a.geography, a.period, a.category, a.area_code, a.count, a.suppressed FROM "
                      "aggregates a JOIN releases l ON l.id = a.release_id ORDER BY 1, 2, 3, 4, 5",
    }
    out = {name: hashlib.sha256(repr(conn.execute(sql).fetchall()).encode()).hexdigest()
           for name, sql in queries.items()}
    for dataset, report in conn.execute("SELECT dataset, report FROM releases ORDER BY dataset"):
        out[dataset] = json.dumps({k: v for k, v in json.loads(report).items() if k != "source"}, sort_keys=True)
    out["counts"] = repr(conn.execute("SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM quarantine), "
                                      "(SELECT count(*) FROM aggregates)").fetchone())
    conn.close()
    return out


def cut(src: Path, dst: Path) -> Path:
    """The header and first ``ROWS`` data lines of ``src`` as bytes (one extract is Windows-1252),
    then copies of rows from hundreds of chunks back (one with a space before its first value), and
    a blank row."""
    lines = src.read_bytes().split(b"\n")
    dst.write_bytes(b"\n".join([*lines[:ROWS + 1], lines[3], lines[700], lines[1200], b" " + lines[40], b""]) + b"\n")
    return dst


def test_demo_extracts_in_chunks_of_seven_publish_what_one_chunk_does(tmp_path, demo_extracts, monkeypatch):
    small = {name: cut(path, tmp_path / path.name) if name != "population" else path
             for name, path in demo_extracts.items() if name != "manifest"}
    built = {}
    for rows in (WHOLE, TINY):
        monkeypatch.setattr(reader, "CHUNK_ROWS", rows)
        built[rows] = digest(build_hub_db(tmp_path / f"hub-{rows}.sqlite", small))
    assert built[TINY] == built[WHOLE]
    reports = [json.loads(built[WHOLE][d]) for d in ("police_crime", "asb_incidents", "fire_incidents",
                                                      "school_attendance")]
    reasons = {why for r in reports for why in r["quarantine_reasons"]}
    assert any(why.startswith("duplicate") for why in reasons) and "blank row" in reasons, reasons
    assert {r["encoding"] for r in reports} == {"utf-8", "cp1252"}


def police_uk_folder(folder: Path, codes: list[str]) -> Path:
    """Three months of police.uk street files (one gzipped) on the demo's LSOAs: ASB rows without a
    Crime ID, crimes re-published in a later month, rows with a point and no code, an unknown code,
    a blank row, an unreadable month and a stray late month the cut-off leaves out."""
    to_wgs84 = Transformer.from_crs(27700, 4326, always_xy=True)
    lon, lat = to_wgs84.transform(456_000, 340_000)
    head = "Crime ID,Month,Reported by,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Context\n"
    kinds = ["Burglary", "Shoplifting", "Anti-social behaviour", "Vehicle crime", "Violence and sexual offences"]
    for m in (1, 2, 3):
        rows = []
        for i in range(240):
            kind = kinds[(i * 7 + m) % len(kinds)]
            crime = "" if kind == "Anti-social behaviour" else f"{m:02d}{i:05d}"
            point = f"{lon:.6f},{lat:.6f}" if i % 9 == 0 else ","
            code = "" if i % 27 == 0 else codes[(i * 13 + m) % len(codes)]
            rows.append(f"{crime},2024-{m:02d},Force,{point},On or near X,{code},Name,{kind},")
        if m > 1:
            rows += [f"01{i:05d},2024-{m:02d},Force,,,On or near X,{codes[i]},Name,Burglary," for i in range(0, 60, 6)]
        rows += [",,,,,,,,,", f"x{m},24-{m},Force,,,On or near X,{codes[0]},Name,Burglary,",
                 f"y{m},2024-{m:02d},Force,,,On or near X,E01999999,Name,Burglary,"]
        if m == 3:
            rows += [f"late{i},2024-04,Force,,,On or near X,{codes[i]},Name,Burglary," for i in range(3)]
        path = folder / f"2024-{m:02d}" / f"2024-{m:02d}-notts-street.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (head + "\n".join(rows) + "\n").encode("utf-8")
        if m == 2:
            path.with_suffix(".csv.gz").write_bytes(gzip.compress(text))
        else:
            path.write_bytes(text)
    return folder


def test_a_police_uk_folder_in_chunks_of_seven_publishes_what_one_chunk_does(tmp_path, monkeypatch):
    definition = (ROOT / "bench" / "scale_crime.toml").read_text(encoding="utf-8").replace(
        'id = "scale_crime"', 'id = "street_crime"\nfiles = ["*-street.csv", "*-street.csv.gz"]').replace(
        "[derive]", '[filter]\ncolumn = "Crime type"\nnot_equals = "Anti-social behaviour"\n\n[derive]')
    (tmp_path / "street.toml").write_text(definition, encoding="utf-8")
    codes = sorted(geography.read_boundary_file(FILES["lsoa"], "lsoa").codes)[:60]
    folder = police_uk_folder(tmp_path / "download", codes)
    built = {}
    for rows in (WHOLE, TINY):
        monkeypatch.setattr(reader, "CHUNK_ROWS", rows)
        hub = tmp_path / f"hub-{rows}.sqlite"
        for level in ("lsoa", "msoa", "district"):
            cli.main(["--db", str(hub), "load-boundaries", str(FILES[level]), "--geography", level])
        cli.main(["--db", str(hub), "datasets", "add", str(tmp_path / "street.toml")])
        cli.main(["--db", str(hub), "--secret-file", str(tmp_path / "hub.secret"), "ingest", "street_crime",
                  str(folder)])
        built[rows] = digest(hub)
    assert built[TINY] == built[WHOLE]
    report = json.loads(built[WHOLE]["street_crime"])
    assert len(report["files"]) == 3 and report["filtered_out"]["rows"] > 0
    assert {"duplicate Crime ID", "blank row"} <= set(report["quarantine_reasons"]), report["quarantine_reasons"]
    assert any(why.startswith("dated after the extract's cut-off") for why in report["quarantine_reasons"])
    assert report["placement"]["routes"]["coordinates"] > 0
