"""The session cookie over the wire (no browser needed): Secure over TLS and behind a trusted
proxy only, refused when forged, and the page served with a policy that runs only the hub's own
scripts."""

from __future__ import annotations

import subprocess
from contextlib import closing
from urllib.parse import unquote

import pytest
import requests

from jin_hub import db
from jin_hub.access import accounts
from jin_hub.local_server import start_hub
from jin_hub.web import sessions
from tests.conftest import COUNCIL, snapshot_db

PAGE = {"Accept": "text/html"}


def _signed_in(url: str, verify=True, headers: dict | None = None) -> requests.Session:
    """A client that signed in through the web form (its CSRF token first)."""
    client = requests.Session()
    client.verify = verify
    client.trust_env = False             # (else $REQUESTS_CA_BUNDLE would override ``verify``)
    token = client.get(f"{url}/web/session", headers=headers, timeout=30).json()["csrf"]
    reply = client.post(f"{url}/web/sign-in", data={"username": COUNCIL[0], "password": COUNCIL[1], "csrf": token},
                        headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    client.last_reply = reply
    return client


def _cookie_flags(reply: requests.Response) -> str:
    return next(h for h in reply.raw.headers.getlist("set-cookie") if h.startswith(sessions.COOKIE)).lower()


def test_the_cookie_is_secure_over_tls(tmp_path, web_db_path):
    cert, key = tmp_path / "hub.pem", tmp_path / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    with start_hub(snapshot_db(web_db_path, tmp_path / "hub.sqlite"), tls=(cert, key)) as hub:
        client = _signed_in(hub.url, verify=str(cert))
        flags = _cookie_flags(client.last_reply)
        assert "secure" in flags and "httponly" in flags and "samesite=strict" in flags
        assert client.get(f"{hub.url}/api/v1/values/police_crime/lsoa", timeout=30).status_code == 200


@pytest.mark.parametrize("trusted", [True, False])
def test_behind_a_proxy_the_cookie_is_secure_only_if_the_proxy_is_trusted(tmp_path, web_db_path, trusted):
    with start_hub(snapshot_db(web_db_path, tmp_path / "hub.sqlite"),
                   forwarded_allow_ips="127.0.0.1" if trusted else None) as hub:
        reply = requests.get(f"{hub.url}/web/session", timeout=30,
                             headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        assert ("secure" in _cookie_flags(reply).split("; ")) == trusted


def test_a_forged_or_altered_cookie_signs_nobody_in(web_url):
    client = _signed_in(web_url)
    good = unquote(client.cookies[sessions.COOKIE])
    body, _, signature = good.partition(".")
    forged = sessions.encode(b"not the hub's key" * 2, sessions.Session("x" * 24, "hub.admin", 4e9))
    for cookie in (forged, body + "." + signature[::-1], "garbage"):
        reply = requests.get(f"{web_url}/api/v1/values/police_crime/lsoa", cookies={sessions.COOKIE: cookie},
                             timeout=30)
        assert reply.status_code == 401, cookie
    assert requests.get(f"{web_url}/api/v1/values/police_crime/lsoa", cookies={sessions.COOKIE: good},
                        timeout=30).status_code == 200


def test_the_cookie_only_reads(web_url):
    """Nothing the API changes may be done with the cookie (a cross-site form cannot send it anyway)."""
    client = _signed_in(web_url)
    reply = client.post(f"{web_url}/api/v1/values/police_crime/lsoa", timeout=30)
    assert reply.status_code in (401, 405)


def test_browsers_get_the_page_and_ogc_clients_the_landing_document(web_url):
    page = requests.get(f"{web_url}/", headers=PAGE, timeout=30)
    assert page.status_code == 200 and "<form id=\"sign-in\"" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    landing = requests.get(f"{web_url}/", headers={"Accept": "application/json"}, timeout=30)
    assert landing.json()["links"][0]["rel"] == "self"
    assert requests.get(f"{web_url}/?f=json", headers=PAGE, timeout=30).json()["links"]


VALUES = "/api/v1/values/police_crime/lsoa"


def test_signing_out_ends_the_session_everywhere(tmp_path, web_db_path):
    """A cookie copied before sign-out (another tab, a shared PC, a stolen cookie) is refused after
    it, by every hub process: the session is ended on the server, not only in the browser."""
    with start_hub(snapshot_db(web_db_path, tmp_path / "hub.sqlite"), workers=2) as hub:
        client = _signed_in(hub.url)
        copied = unquote(client.cookies[sessions.COOKIE])
        token = client.last_reply.json()["csrf"]
        assert client.post(f"{hub.url}/web/sign-out", data={"csrf": token}, timeout=30).status_code == 200
        for _ in range(6):                       # (several requests: each process answers some)
            reply = requests.get(hub.url + VALUES, cookies={sessions.COOKIE: copied}, timeout=30)
            assert reply.status_code == 401 and "sign in again" in reply.json()["detail"]


def test_a_copy_of_the_database_cannot_sign_anyone_in(tmp_path, web_db_path):
    """The signing key is in the database, so a backup leaks it; a cookie made with it for a
    session the hub never started still signs nobody in."""
    hub_db = snapshot_db(web_db_path, tmp_path / "hub.sqlite")
    with start_hub(hub_db) as hub:
        _signed_in(hub.url)                      # (the hub has made its key and kept a session)
        with closing(db.connect(hub_db)) as conn:
            leaked = sessions.key(conn)
        forged = sessions.encode(leaked, sessions.new(COUNCIL[0]))
        reply = requests.get(hub.url + VALUES, cookies={sessions.COOKIE: forged}, timeout=30)
        assert reply.status_code == 401


def test_a_new_password_or_a_disabled_account_ends_its_web_sessions(tmp_path, web_db_path):
    hub_db = snapshot_db(web_db_path, tmp_path / "hub.sqlite")
    with start_hub(hub_db) as hub:
        for change in (lambda conn: accounts.set_password(conn, COUNCIL[0], COUNCIL[1]),
                       lambda conn: accounts.set_disabled(conn, COUNCIL[0], True)):
            client = _signed_in(hub.url)
            assert client.get(hub.url + VALUES, timeout=30).status_code == 200
            with closing(db.connect(hub_db)) as conn:
                change(conn)
                accounts.set_disabled(conn, COUNCIL[0], False)     # enabled again: the session stays ended
            assert client.get(hub.url + VALUES, timeout=30).status_code == 401
