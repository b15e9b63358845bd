"""Comparing two datasets in Chromium against a real hub: the plugin's 3 × 3 palette on the map
and in the legend, a scatter of exactly the pairs the hub published, withheld areas hatched and
listed, plain words for a link naming a dataset not published to the user, and the audit row."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import requests

from jin_hub.compare import PALETTE
from jin_hub.web.themes import SPECIAL
from tests.conftest import COUNCIL
from tests.web.audit_rows import audit_rows, last_seq
from tests.web.browser import INSIDE, image, near, open_map, patch, shot

MAP = "/?dataset=police_crime&period=2024&geography=lsoa&measure=rate"


def compared(page, times: int = 1) -> None:
    page.wait_for_selector(f"body[data-compared='{times}']", state="attached", timeout=60_000)
    page.wait_for_selector("#compare-map .district-label", timeout=30_000)
    page.wait_for_timeout(300)                                     # (the district outlines' frame)


def test_a_bivariate_map_legend_and_scatter_of_published_pairs(page, web_url, web_db_path, record_property):
    open_map(page, web_url, COUNCIL, MAP)
    before = last_seq(web_db_path)
    answers = []
    page.on("response", lambda r: "/api/v1/compare/" in r.url and answers.append((urlsplit(r.url).path, r.status)))
    started = time.perf_counter()
    page.click("#open-compare")
    compared(page)
    took = time.perf_counter() - started
    first = page.evaluate("window.jin.timings.compare")             # the page's own: request to map drawn
    asked = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert asked["view"] == "compare" and asked["x"] == "police_crime" and asked["y"] != "police_crime"
    doc = requests.get(f"{web_url}/api/v1/compare/{asked['cgeography']}", auth=COUNCIL, timeout=60, params={
        "x": asked["x"], "y": asked["y"], "x_period": asked["cperiod"], "y_period": asked["cperiod"]}).json()
    assert page.locator(".scatter .dot").count() == len(doc["rows"]) > 20
    assert page.locator("#compare-withheld li").count() == len(doc["withheld"]) > 0
    cells = page.locator(".bivariate-grid span").evaluate_all(
        "(s) => s.map((e) => getComputedStyle(e).backgroundColor)")
    wanted = [f"rgb({int(c[1:3], 16)}, {int(c[3:5], 16)}, {int(c[5:7], 16)})" for row in PALETTE[::-1] for c in row]
    assert cells == wanted                                          # high y on top, low x on the left
    legend = page.inner_text("#bivariate-legend")
    assert "thirds split at" in legend and "Withheld in one or both" in legend and "→" in legend and "↑" in legend
    picture = image(shot(page, "compare-laptop"))
    inside = page.evaluate(INSIDE, "compareView")
    withheld = [p for p in inside if p[2] == "suppressed"]
    classed = [p for p in inside if p[2] == "value"]
    assert withheld and classed, inside[:5]
    for x, y, _ in withheld[:5]:
        pixels = patch(picture, x, y)
        assert sum(near(p, SPECIAL["hatch"], 40) for p in pixels) / len(pixels) > 0.1, f"not hatched at {x},{y}"
    palette = [c for row in PALETTE for c in row]
    for x, y, _ in classed[:5]:
        assert any(near(patch(picture, x, y, 2)[12], c, 6) for c in palette), (x, y)

    page.select_option("#compare-y", "school_attendance")          # another pair: the URL follows
    compared(page, 2)
    assert "y=school_attendance" in page.url and "School attendance" in page.inner_text("#compare-title")
    time.sleep(0.5)
    rows = [(r["endpoint"], r["status"]) for r in audit_rows(web_db_path, before)
            if r["endpoint"].startswith("/api/v1/compare/")]
    mine = (f"/api/v1/compare/{asked['cgeography']}", 200)           # (this test's own request above)
    assert len(answers) == 2 and sorted(rows) == sorted([*answers, mine])
    page.click("#compare-back")
    page.wait_for_selector("#map-page:not([hidden])")
    assert page.evaluate("window.jin.state.dataset") == "police_crime" and "view=" not in page.url
    record_property("compare_open_ms", round(took * 1000))
    print(f"\nweb timings: compare page {first:.0f} ms in the page from the click to the bivariate map drawn "
          f"(first, a new MapLibre map; {took * 1000:.0f} ms with its district labels), "
          f"{page.evaluate('window.jin.timings.compare'):.0f} ms for a second pair")


def test_a_compare_link_naming_a_dataset_not_published_to_the_user_says_so_and_shows_a_map(page, web_url):
    open_map(page, web_url, COUNCIL, "/?view=compare&x=burglaries&y=fire_incidents")
    compared(page)
    assert "dataset 'burglaries' is not published to you" in page.inner_text("#message")
    assert page.locator(".scatter .dot").count() > 20 and "x=burglaries" not in page.url
    shot(page, "compare-unpublished-link")
