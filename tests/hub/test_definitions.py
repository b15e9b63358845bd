"""Dataset definitions: the shipped ones read, a bad one is refused naming file, key and fix with
nothing registered changed, and a registered one is ingested and published like a shipped one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jin_hub import cli, db
from jin_hub.ingest import definitions, registry
from jin_hub.ingest.pipeline import ingest
from jin_hub.store import Store
from tests.conftest import TEST_SECRET, snapshot_db
from tests.hub_locator import new_hub

SHIPPED = sorted(registry.SHIPPED.glob("*.toml"))
POLICE = registry.SHIPPED / "police_crime.toml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``jin-hub`` as the admin runs it: exit status, output, errors."""
    try:
        cli.main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_shipped_definition_reads_and_checks(capsys, tmp_path):
    assert {p.stem for p in SHIPPED} >= {"police_crime", "asb_incidents", "fire_incidents", "school_attendance",
                                         "police_uk_crime", "police_uk_asb"}
    for path in SHIPPED:
        code, out, err = run(capsys, "--db", str(new_hub(tmp_path / "hub.sqlite")), "datasets", "check", str(path))
        assert code == 0 and "is a valid definition" in out, err


#: (what is changed in police_crime.toml, the key the message must name, words of the fix)
BAD = [
    (('method = "cell_key"', 'method = "cellkey"'), "policy.method", "use one of"),
    (('date = "reported_at"', 'date = "reported"'), "columns.date", "add it there"),
    (('theme = "crime"', 'themes = "crime"'), "themes", "Check its spelling"),
    (('threshold = 5', 'threshold = "5"'), "policy.threshold", "whole number"),
    (('threshold = 5', 'threshold = 1'), "policy.threshold", "from 2 to 100"),
    (('"Violence and sexual offences" = "msoa" }\nfinest_year',
      '"Violence and sexual offences" = "lsoa21" }\nfinest_year'),
     "policy.finest.Violence and sexual offences", "geography level"),
    (('"Burglery" = "Burglary"', '"Burglery" = "Burglar"'), "categories.variants.Burglery", "not in categories.names"),
    (('crs = "EPSG:27700"', 'crs = "EPSG:99999"'), "columns.crs", "EPSG:4326"),
    (('[policy]', '[derive]\ncategory = "fire_category_v2"\n\n[policy]'), "derive.category", "fire_category"),
    (('person_key = { kind = "person", from = ["victim_name", "victim_dob"] }',
      'person_key = { kind = "person", from = ["victim_nam"] }'), "pseudonyms.person_key.from", "columns.personal"),
    (('record_key = { kind = "police_crime", from = ["crime_ref"] }\n', ''), "pseudonyms", "record_key"),
    (('id = "police_crime"', 'id = "Police Crime"'), "id", "lower-case"),
    (('[columns]', '[columns\n'), None, "not valid TOML"),
]


@pytest.mark.parametrize("change, key, fix", BAD, ids=[b[1] or "toml" for b in BAD])
def test_a_bad_definition_is_refused_naming_file_key_and_fix(capsys, tmp_path, change, key, fix):
    hub = new_hub(tmp_path / "hub.sqlite")
    good = tmp_path / "mine.toml"
    good.write_text(POLICE.read_text(encoding="utf-8").replace('id = "police_crime"', 'id = "mine"'), encoding="utf-8")
    assert run(capsys, "--db", str(hub), "datasets", "add", str(good))[0] == 0
    before = db.connect(hub).execute("SELECT * FROM dataset_definitions").fetchall()

    old, new = change
    text = POLICE.read_text(encoding="utf-8").replace('id = "police_crime"', 'id = "mine"') if key != "id" else \
        POLICE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    for action in ("check", "add"):
        code, _, err = run(capsys, "--db", str(hub), "datasets", action, str(bad), "--replace")
        assert code == 2
        assert str(bad) in err and fix in err
        if key:
            assert f"key '{key}'" in err
    assert db.connect(hub).execute("SELECT * FROM dataset_definitions").fetchall() == before


def test_add_list_show_and_remove(capsys, tmp_path):
    hub = new_hub(tmp_path / "hub.sqlite")
    mine = tmp_path / "youth_offending.toml"
    mine.write_text(POLICE.read_text(encoding="utf-8").replace('id = "police_crime"', 'id = "youth_offending"')
                    .replace('title = "Police recorded crime"', 'title = "Youth offending"'), encoding="utf-8")
    code, out, _ = run(capsys, "--db", str(hub), "datasets", "add", str(mine))
    assert code == 0 and "registered dataset 'youth_offending'" in out
    code, _, err = run(capsys, "--db", str(hub), "datasets", "add", str(mine))
    assert code == 2 and "--replace" in err                      # never replaced by accident
    code, out, _ = run(capsys, "--db", str(hub), "datasets", "list")
    row = next(line for line in out.splitlines() if line.startswith("youth_offending"))
    assert re.search(r"Youth offending\s+registered\s+youth_offending.toml", row)
    assert re.search(r"^police_uk_crime .* shipped .* by LSOA code, else by coordinates", out, re.MULTILINE)
    code, out, _ = run(capsys, "--db", str(hub), "datasets", "show", "youth_offending")
    assert '"threshold": 5' in out and '"categorise": null' in out
    assert run(capsys, "--db", str(hub), "datasets", "remove", "youth_offending")[0] == 0
    code, _, err = run(capsys, "--db", str(hub), "datasets", "show", "youth_offending")
    assert code == 2 and "jin-hub datasets add FILE" in err


def test_a_registered_definition_is_ingested_and_catalogued(tmp_path, hub_db_path, demo_extracts):
    """A partnership's own extract: registered from a file, never a line of code, and published
    with its own policy."""
    path = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    conn = db.connect(path)
    mine = tmp_path / "street_crime.toml"
    mine.write_text(POLICE.read_text(encoding="utf-8").replace('id = "police_crime"', 'id = "street_crime"')
                    .replace("threshold = 5", "threshold = 8"), encoding="utf-8")
    registry.add(conn, mine)
    result = ingest(conn, "street_crime", demo_extracts["police_crime"], TEST_SECRET)
    assert result.created and result.report["threshold"] == 8
    store = Store(path)
    entry = next(d for d in store.catalogue() if d["id"] == "street_crime")
    assert entry["disclosure"]["threshold"] == 8 and entry["release"]["accepted_rows"] == result.report["accepted"]
    mine.write_text(mine.read_text(encoding="utf-8").replace('title = "Police recorded crime"',
                                                             'title = "Street crime"'), encoding="utf-8")
    registry.add(conn, mine, replace=True)
    assert next(d for d in store.catalogue() if d["id"] == "street_crime")["title"] == "Street crime"  # at once


def test_the_definition_schema_documents_every_key():
    """docs/DATASETS.md names every key a definition may hold, so an admin can look any up."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "DATASETS.md").read_text(encoding="utf-8")
    for table, keys in definitions.KEYS.items():
        for key, (kind, _) in keys.items():
            name = f"{table}.{key}" if table and table != "pseudonym" else f"[{key}]" if kind is dict else key
            assert f"`{name}`" in doc, f"docs/DATASETS.md does not explain `{name}`"


@pytest.mark.parametrize("change, key, fix", [
    (('area_vintage = "mixed"', 'area_vintage = "2001"'), "columns.area_vintage", "2011, 2021, mixed"),
    (('not_equals = "Anti-social behaviour"', 'equal = "Anti-social behaviour"'), "filter.equal",
     "Check its spelling"),
    (('column = "Crime type"\nnot_equals', 'column = "Crime category"\nnot_equals'), "filter.column",
     "not in columns.required"),
    (('crs = "EPSG:4326"', 'crs = "WGS 1984 please"'), "columns.crs", "EPSG:4326"),
])
def test_a_bad_police_uk_definition_is_refused(capsys, tmp_path, change, key, fix):
    """The police.uk kind's own keys: vintage, filter, CRS."""
    text = (registry.SHIPPED / "police_uk_crime.toml").read_text(encoding="utf-8")
    assert change[0] in text
    bad = tmp_path / "police_uk_mine.toml"
    bad.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    code, _, err = run(capsys, "--db", str(new_hub(tmp_path / "hub.sqlite")), "datasets", "add", str(bad))
    assert code == 2 and f"key '{key}'" in err and fix in err and str(bad) in err
    registered = db.connect(new_hub(tmp_path / "hub.sqlite")).execute("SELECT count(*) FROM dataset_definitions")
    assert registered.fetchone() == (0,)
