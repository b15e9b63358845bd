"""An area's profile in Chromium against a real hub: opened by keyboard from the table, by a click
on the map and by a link (after signing in again too); withheld periods drawn as withheld, never as
zero or a silent gap; plain words for a profile that cannot be shown; an audit row per request."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from jin_hub.local_server import start_hub
from jin_hub.web.themes import SPECIAL
from tests.conftest import COUNCIL, snapshot_db
from tests.web.audit_rows import audit_rows, last_seq
from tests.web.browser import INSIDE, LAPTOP, PHONE, image, near, open_map, patch, shot, sign_in

MAP = "/?dataset=police_crime&period=2024&geography=lsoa&measure=rate"
README_SHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "web_profile.png"


def monthly(url: str) -> dict[str, list[bool]]:
    """Each LSOA's police crime months: withheld or not, from the values API."""
    doc = requests.get(f"{url}/api/v1/catalogue", auth=COUNCIL, timeout=30).json()
    months = next(d for d in doc["datasets"] if d["id"] == "police_crime")["periods"]
    held: dict[str, list[bool]] = {}
    for month in months:
        rows = requests.get(f"{url}/api/v1/values/police_crime/lsoa", params={"period": month}, auth=COUNCIL,
                            timeout=30).json()["rows"]
        for code, _, suppressed, *_ in rows:
            held.setdefault(code, []).append(bool(suppressed))
    return held


@pytest.fixture(scope="module")
def partly_withheld(web_url) -> tuple[str, list[bool]]:
    """An LSOA withheld in some months and published in at least three others."""
    return next((code, flags) for code, flags in sorted(monthly(web_url).items())
                if any(flags) and flags.count(False) >= 3)


def faded(hex_colour: str, opacity: float = 0.4) -> str:
    """A colour drawn at ``opacity`` over white (the chart's withheld band)."""
    channels = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * opacity + 255 * (1 - opacity)):02x}" for c in channels)


def opened(page, area: str) -> None:
    page.wait_for_selector(f"body[data-profile='{area}']", state="attached", timeout=30_000)
    page.wait_for_selector("#profile-page:not([hidden])")


def test_enter_on_an_area_in_the_table_opens_its_profile_with_withheld_months_hatched(page, web_url,
                                                                                       partly_withheld):
    code, flags = partly_withheld
    open_map(page, web_url, COUNCIL, MAP)
    page.click("#to-table")                                      # the map's keyboard note leads to the table
    assert page.evaluate("document.activeElement.textContent").startswith("Table of the mapped values")
    page.focus(f"#table-body button[data-area='{code}']")
    page.keyboard.press("Enter")
    opened(page, code)
    assert page.evaluate("document.activeElement.id") == "profile-title"
    assert "view=profile" in page.url and f"area={code}" in page.url
    held = sum(flags)
    assert page.locator(".withheld-band").count() == held                    # hatched, one band a month
    assert page.locator(".withheld-marker.marker-area").count() == held      # and a marker in the lane
    assert page.locator(".marker.marker-area").count() == flags.count(False)  # no point drawn for them
    runs = sum(1 for i, f in enumerate(flags) if not f and (i == 0 or flags[i - 1]))
    assert page.get_attribute(".line-area", "d").count("M") == runs       # the line breaks at each withheld run
    cells = page.locator("#profile-table td:nth-child(2)").all_text_contents()       # the area's column
    assert [c == "withheld (protects privacy)" for c in cells] == flags
    key = page.inner_text("#chart-key")
    assert "Withheld (protects privacy)" in key and "All districts together" in key
    assert f"{held} of {len(flags)} periods are withheld" in page.inner_text("#profile-withheld")
    assert "highest rate" in page.inner_text("#profile-rank") or "Not ranked" in page.inner_text("#profile-rank")
    others = page.inner_text("#profile-others")
    assert "Fire and rescue incidents" in others and "School attendance" in others
    assert "Index of Multiple Deprivation" in page.inner_text("#profile-deprivation") or \
        "IMD" in page.inner_text("#profile-deprivation")
    png = shot(page, "web_profile")
    README_SHOT.write_bytes(png)
    band = page.locator(".withheld-band").first.bounding_box()
    colours = patch(image(png), int(band["x"] + band["width"] / 2), int(band["y"] + band["height"] * 0.9))
    assert any(near(c, faded(SPECIAL["hatch"]), 30) for c in colours) and \
        any(near(c, faded(SPECIAL["suppressed"]), 12) for c in colours), "the withheld month is not hatched"
    page.click("#profile-back")
    page.wait_for_selector("#map-page:not([hidden])")
    assert "view=profile" not in page.url
    assert page.evaluate("document.activeElement.dataset.area") == code


def test_a_click_on_the_map_opens_the_profile_a_link_reopens_it_and_both_are_audited(page, web_url, web_db_path,
                                                                                      browser, record_property):
    open_map(page, web_url, COUNCIL, MAP)
    box = page.locator("#map").bounding_box()
    x, y, _ = next(p for p in page.evaluate(INSIDE) if p[2] == "value")
    code = page.evaluate(f"window.jin.view.map.queryRenderedFeatures([{x - box['x']}, {y - box['y']}], "
                         "{layers: ['areas-fill']})[0].properties.area_code")
    before = last_seq(web_db_path)
    answers = []
    page.on("response", lambda r: "/api/v1/profile/" in r.url and answers.append((urlsplit(r.url).path, r.status)))
    started = time.perf_counter()
    page.mouse.click(x, y)
    opened(page, code)
    took = time.perf_counter() - started
    in_page = page.evaluate("window.jin.timings.profile")
    link = page.url

    other = browser.new_context(viewport=LAPTOP).new_page()
    try:
        other.goto(link)                                         # a colleague's link: sign in, then the profile
        sign_in(other, COUNCIL)
        opened(other, code)
        assert other.inner_text("#profile-title") == page.inner_text("#profile-title")
    finally:
        other.context.close()
    time.sleep(0.5)
    rows = [(r["endpoint"], r["status"]) for r in audit_rows(web_db_path, before)
            if r["endpoint"].startswith("/api/v1/profile/")]
    assert answers and sorted(rows) == sorted(answers * 2)
    record_property("profile_open_ms", round(took * 1000))
    print(f"\nweb timings: area profile {took * 1000:.0f} ms from the click to the page "
          f"({in_page:.0f} ms in the page: request, chart and focus)")


def test_with_the_cookie_gone_a_click_asks_to_sign_in_then_lands_on_the_profile(page, web_url):
    open_map(page, web_url, COUNCIL, MAP)
    code = page.get_attribute("#table-body button.area-link >> nth=3", "data-area")
    page.context.clear_cookies()                                 # the session ended (or the browser forgot it)
    page.click("#table-view summary")
    page.click(f"#table-body button[data-area='{code}']")
    page.wait_for_selector("#sign-in-page:not([hidden])")
    notice = page.inner_text("#message")
    assert "not signed in" in notice and "takes you back" in notice and "HTTP Basic" not in notice
    shot(page, "profile-sign-in-again")
    sign_in(page, COUNCIL)
    opened(page, code)


@pytest.mark.parametrize("link, words", [
    (MAP + "&view=profile&area=E01999999", "The profile of area 'E01999999' cannot be shown: no area 'E01999999'"),
    ("/?dataset=burglaries&view=profile&area=E01013810", "dataset 'burglaries', which is not published to you"),
])
def test_a_profile_link_that_cannot_be_followed_says_so_over_the_map(page, web_url, link, words):
    open_map(page, web_url, COUNCIL, link)
    page.wait_for_selector(f"#message:has-text(\"{words[:40]}\")", timeout=30_000)
    assert words in page.inner_text("#message")
    assert page.is_visible("#map-page") and page.evaluate("document.body.dataset.drawn") == "1"
    assert "view=profile" not in page.url


def test_a_hub_that_restarts_mid_use_gets_plain_words_then_carries_on_signed_in(page, web_db_path, tmp_path):
    path = snapshot_db(web_db_path, tmp_path / "hub.sqlite")
    hub = start_hub(path)
    try:
        open_map(page, hub.url, COUNCIL, MAP)
        code = page.get_attribute("#table-body button.area-link >> nth=2", "data-area")
        page.click("#table-view summary")
        hub.stop()                                                # the hub goes away mid-use
        page.click(f"#table-body button[data-area='{code}']")
        page.wait_for_selector("#message:has-text('cannot be reached')")
        assert "try again if the hub is restarting" in page.inner_text("#message")
        assert page.is_visible("#map-page") and "view=profile" not in page.url
        shot(page, "profile-hub-restarting")
        page.click("#open-compare")                                # the comparison too: words over the map
        page.wait_for_selector("#message:has-text('The comparison cannot be shown: the hub cannot be reached')")
        assert page.is_visible("#map-page") and "view=compare" not in page.url
        hub = start_hub(path, port=urlsplit(hub.url).port)        # back, where the browser knew it
        page.click(f"#table-body button[data-area='{code}']")     # the session cookie still holds
        opened(page, code)
    finally:
        hub.stop()


def test_the_profile_and_the_comparison_fit_a_phone(page, web_url):
    page.set_viewport_size(PHONE)
    open_map(page, web_url, COUNCIL, MAP + "&view=profile&area=E01013811")
    opened(page, "E01013811")
    shot(page, "profile-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#profile-back")
    page.click("#open-compare")
    page.wait_for_selector("body[data-compared='1']", state="attached", timeout=60_000)
    shot(page, "compare-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("#compare-map").bounding_box()["height"] > 250
