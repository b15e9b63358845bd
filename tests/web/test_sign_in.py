"""Signing in to the web pages in Chromium: the API's accounts, lock-out and audit, a session
cookie that scripts cannot read, and plain words for a session that has ended."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from jin_hub import db
from jin_hub.web import sessions
from tests.conftest import COUNCIL, ROOT
from tests.web.audit_rows import audit_rows, last_seq
from tests.web.browser import drawn, shot, sign_in


def test_a_wrong_password_is_refused_and_audited_then_the_right_one_opens_the_map(page, web_url, web_db_path):
    before = last_seq(web_db_path)
    page.goto(web_url + "/")
    page.wait_for_selector("#sign-in-page:not([hidden])")
    sign_in(page, (COUNCIL[0], "not-the-password-at-all"))
    page.wait_for_selector("#message:not([hidden])")
    assert "User name or password not accepted" in page.text_content("#message")
    shot(page, "sign-in-refused")
    refused = [r for r in audit_rows(web_db_path, before) if r["endpoint"] == "/web/sign-in"]
    assert [(r["username"], r["role"], r["status"]) for r in refused] == [(COUNCIL[0], "refused", 401)]
    assert "not-the-password" not in json.dumps(refused)

    sign_in(page, COUNCIL)
    drawn(page)
    assert page.is_visible("#map-page") and not page.is_visible("#sign-in-page")
    assert f"Signed in as {COUNCIL[0]}" in page.text_content("#who-name")
    cookie = next(c for c in page.context.cookies() if c["name"] == sessions.COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]   # plain-HTTP loopback
    assert page.evaluate("document.cookie") == ""                                           # scripts cannot read it
    accepted = [r for r in audit_rows(web_db_path, before) if r["endpoint"] == "/web/sign-in"][-1]
    assert (accepted["username"], accepted["status"]) == (COUNCIL[0], 200)


def test_without_a_session_the_page_asks_to_sign_in_and_the_api_refuses_in_plain_words(page, web_url):
    page.goto(web_url + "/?dataset=police_crime")
    page.wait_for_selector("#sign-in-page:not([hidden])")
    assert not page.is_visible("#map-page")
    answer = page.evaluate("fetch('/api/v1/values/police_crime/lsoa', {headers: {'X-Requested-With': 'x'}})"
                           ".then(async (r) => [r.status, (await r.json()).detail])")
    assert answer[0] == 401 and "sign in" in answer[1]


def test_an_expired_session_gets_a_plain_message_and_the_sign_in_page(page, web_url, web_db_path):
    page.goto(web_url + "/")
    sign_in(page, COUNCIL)
    drawn(page)
    conn = db.connect(web_db_path)
    expired = sessions.encode(sessions.key(conn), sessions.Session("x" * 24, COUNCIL[0], time.time() - 60))
    conn.close()
    page.context.add_cookies([{"name": sessions.COOKIE, "value": expired, "url": web_url}])
    page.select_option("#measure-set ~ #zone, #zone", index=1)           # any change asks the hub for data
    page.wait_for_selector("#sign-in-page:not([hidden])")
    assert "Your web session has expired: sign in again" in page.text_content("#message")
    shot(page, "session-expired")
    page.reload()                                          # and the same after the browser is reopened
    page.wait_for_selector("#sign-in-page:not([hidden])")
    assert "expired" in page.text_content("#message")


def test_a_form_post_without_the_session_token_is_refused(page, web_url):
    page.goto(web_url + "/")
    page.wait_for_selector("#sign-in-page:not([hidden])")
    status = page.evaluate("""fetch('/web/sign-in', {method: 'POST', headers: {'Content-Type':
        'application/x-www-form-urlencoded'}, body: 'username=city.analyst&password=city-analyst-password&csrf=forged'})
        .then(async (r) => [r.status, (await r.json()).detail])""")
    assert status[0] == 403 and "reload the page" in status[1]


def _anonymous(db_path, state: str) -> None:
    subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(db_path), "anonymous", state], check=True,
                   cwd=ROOT, capture_output=True)


def test_maps_without_signing_in_only_when_the_admin_turns_anonymous_on(page, web_url, web_db_path):
    page.goto(web_url + "/")
    page.wait_for_selector("#sign-in-page:not([hidden])")
    assert not page.is_visible("#anonymous-link")
    _anonymous(web_db_path, "on")
    try:
        page.reload()
        drawn(page)
        assert "without signing in" in page.text_content("#who-name")
        records = ("fetch('/api/v1/records/police_crime?purpose=checking+the+web+pages', "
                   "{headers: {'X-Requested-With': 'jin-web'}}).then((r) => r.status)")  # (no Basic prompt)
        assert page.evaluate(records) == 401
    finally:
        _anonymous(web_db_path, "off")
    page.reload()
    page.wait_for_selector("#sign-in-page:not([hidden])")
