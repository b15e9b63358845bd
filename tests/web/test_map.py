"""Making a map in Chromium against a real hub: the plugin's special symbols in the screenshot's
pixels, a shared link that reproduces the map, an audit row for every data request, and no
records for an agency without a grant."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from jin_hub.web.themes import SPECIAL
from tests.conftest import ANALYST, COUNCIL
from tests.web.audit_rows import audit_rows, last_seq
from tests.web.browser import INSIDE, LAPTOP, PAINTED, PHONE, drawn, image, near, open_map, patch, shot

DATA = ("/api/v1/values/", "/api/v1/boundaries/", "/api/v1/zones", "/api/v1/records/")
#: The mapped areas with a vertex outside the map's view (none: the map shows them all).
ALL_IN_VIEW = """() => {
  const b = window.jin.view.map.getBounds(), out = [];
  const walk = (c, code) => (typeof c[0] === 'number' ? b.contains(c) || out.push(code)
    : c.forEach((d) => walk(d, code)));
  for (const f of window.jin.collection.features) walk(f.geometry.coordinates, f.properties.area_code);
  return [...new Set(out)];
}"""


def test_withheld_areas_are_hatched_and_the_legend_has_zero_withheld_and_no_data(page, web_url):
    open_map(page, web_url, COUNCIL, "/?dataset=police_crime&period=2024&geography=lsoa&measure=count")
    picture = image(shot(page, "map-laptop"))
    inside = page.evaluate(INSIDE)
    withheld = [p for p in inside if p[2] == "suppressed"]
    published = [p for p in inside if p[2] == "value"]
    zero = [p for p in inside if p[2] == "zero"]
    assert withheld and published, f"no area big enough to look inside: {inside[:5]}"
    for x, y, _ in withheld[:5]:                      # light grey with dark stripes, as in the plugin
        pixels = patch(picture, x, y)
        dark = sum(near(p, SPECIAL["hatch"], 40) for p in pixels) / len(pixels)
        light = sum(near(p, SPECIAL["suppressed"], 14) for p in pixels) / len(pixels)
        assert dark > 0.1 and light > 0.3, f"withheld area at {x},{y} not hatched: {dark:.2f} dark, {light:.2f} light"
    for x, y, _ in published[:5]:                     # a class colour: one flat fill, no stripes
        pixels = patch(picture, x, y)
        assert len(set(pixels)) <= 2 and not any(near(p, SPECIAL["hatch"], 40) for p in pixels), (x, y, set(pixels))
    for x, y, _ in zero[:3]:
        assert all(near(p, SPECIAL["zero"], 3) for p in patch(picture, x, y))
    legend = page.inner_text("#legend")
    for words in ("Zero", "Withheld (protects privacy)", "No data"):
        assert words in legend
    swatch = image(page.locator("#legend .swatch.hatched").screenshot())
    colours = patch(swatch, swatch.width() // 2, swatch.height() // 2, 4)
    assert any(near(p, SPECIAL["hatch"], 40) for p in colours)
    assert any(near(p, SPECIAL["suppressed"], 14) for p in colours)
    assert "suppressed" in page.inner_text("#disclosure") and "Hatched areas are withheld, not zero" in \
        page.inner_text("#disclosure")
    page.hover("#map", position={"x": withheld[0][0] - page.locator("#map").bounding_box()["x"],
                                 "y": withheld[0][1] - page.locator("#map").bounding_box()["y"]})
    assert "withheld (protects privacy)" in page.inner_text("#hover")


def test_a_shared_link_reproduces_the_map_in_a_fresh_browser(page, web_url, browser):
    open_map(page, web_url, COUNCIL)
    page.select_option("#dataset", "police_crime")
    drawn(page, 2)
    page.select_option("#category", index=2)
    drawn(page, 3)
    page.check("input[name=measure][value=rate]")
    drawn(page, 4)
    page.select_option("#zone", "district-e06000018")            # Nottingham
    drawn(page, 5)
    link = page.url
    made = page.evaluate("window.jin.state")
    assert parse_qs(urlsplit(link).query)["measure"] == ["rate"] and made["zone"] == "district-e06000018"
    title, legend = page.inner_text("#map-title"), page.inner_text("#legend")

    other = browser.new_context(viewport=LAPTOP).new_page()
    try:
        open_map(other, web_url, COUNCIL)                          # signed in first, then the link
        other.goto(link)
        drawn(other)
        assert other.evaluate("window.jin.state") == made
        assert other.inner_text("#map-title") == title and other.inner_text("#legend") == legend
        shot(other, "shared-link")
    finally:
        other.context.close()


def test_a_link_to_a_period_no_longer_published_says_so_and_shows_the_nearest_map(page, web_url):
    open_map(page, web_url, COUNCIL, "/?dataset=police_crime&period=2019-01&geography=lsoa")
    assert "period '2019-01' is no longer published" in page.inner_text("#message")
    assert page.evaluate("window.jin.state.period") != "2019-01"


def test_every_data_request_the_page_makes_leaves_an_audit_row(page, web_url, web_db_path):
    before = last_seq(web_db_path)
    requests = []
    page.on("response", lambda r: urlsplit(r.url).path.startswith(DATA) and requests.append(
        (urlsplit(r.url).path, r.status)))
    open_map(page, web_url, COUNCIL)
    page.select_option("#dataset", "school_attendance")
    drawn(page, 2)
    page.select_option("#geography", "msoa")
    drawn(page, 3)
    time.sleep(0.5)
    rows = [(r["endpoint"], r["status"]) for r in audit_rows(web_db_path, before)
            if r["username"] == COUNCIL[0] and r["endpoint"].startswith(DATA)]
    assert len(requests) >= 5 and sorted(rows) == sorted(requests)


def test_an_aggregates_only_user_cannot_reach_records(page, web_url, web_db_path, browser):
    fetch = ("fetch('/api/v1/records/police_crime?purpose=checking+the+web+pages&limit=1', "
             "{headers: {'X-Requested-With': 'jin-web'}}).then((r) => r.status)")
    open_map(page, web_url, COUNCIL)
    before = last_seq(web_db_path)
    assert page.evaluate(fetch) == 403
    refused = audit_rows(web_db_path, before)
    assert [(r["username"], r["endpoint"], r["status"]) for r in refused] == [
        (COUNCIL[0], "/api/v1/records/police_crime", 403)]
    police = browser.new_context(viewport=LAPTOP).new_page()      # the same request from a granted agency
    try:
        open_map(police, web_url, ANALYST)
        assert police.evaluate(fetch) == 200
    finally:
        police.context.close()


def test_first_map_and_dataset_switch_times_and_the_phone_layout(page, web_url, record_property):
    """Times taken in the page, from the click to the map's first frame on screen (``PAINTED``)."""
    page.goto(web_url + "/")
    page.fill("#username", COUNCIL[0])
    page.fill("#password", COUNCIL[1])
    started = time.perf_counter()
    page.click("#sign-in button[type=submit]")
    drawn(page)
    seen = time.perf_counter() - started
    timings = page.evaluate(PAINTED)
    first = timings["firstPainted"] - timings["signIn"]
    switches = []
    for number, dataset in enumerate(("police_crime", "school_attendance", "fire_incidents"), start=2):
        page.select_option("#dataset", dataset)
        drawn(page, number)
        switches.append(page.evaluate("window.jin.timings['switch:dataset']"))
    page.reload()                                       # signed in already: the map a shared link opens
    drawn(page)
    again = page.evaluate(PAINTED)["firstPainted"]      # (since the page began loading)
    record_property("first_map_ms", round(first))
    record_property("signed_in_reload_ms", round(again))
    record_property("dataset_switch_ms", [round(s) for s in switches])
    print(f"\nweb timings (679 LSOAs): first map {first:.0f} ms after signing in (Playwright saw it at "
          f"{seen * 1000:.0f} ms), {again:.0f} ms on reloading signed in; dataset switches "
          f"{', '.join(f'{s:.0f}' for s in switches)} ms")
    page.set_viewport_size(PHONE)                       # a window made narrow: the areas are fitted again
    page.wait_for_timeout(500)
    assert page.evaluate(ALL_IN_VIEW) == [], "areas cropped off the map after the window narrowed"


def test_a_link_opened_on_a_phone_shows_every_area_with_the_attribution_folded(browser, web_url):
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    try:
        open_map(phone, web_url, COUNCIL, "/?dataset=police_crime&period=2024&geography=lsoa&measure=count")
        shot(phone, "map-phone")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide on a 360 px phone: it scrolls sideways"
        assert phone.locator("#map").bounding_box()["height"] > 250
        assert phone.evaluate(ALL_IN_VIEW) == [], "areas cropped off the phone's map"
        attribution = phone.locator(".maplibregl-ctrl-attrib")
        assert "maplibregl-compact-show" not in attribution.get_attribute("class")    # folded behind its (i)
        phone.locator(".maplibregl-ctrl-attrib-button").click()
        assert "Crown copyright" in phone.locator(".maplibregl-ctrl-attrib-inner").inner_text()
    finally:
        phone.context.close()
