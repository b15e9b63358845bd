"""The web map at national scale, in Chromium against a real hub of the 34,753 LSOAs of England and
Wales (``tests.web.national_hub``): the first national map, then a county, each drawn from the
hub's simplified lon/lat geometry at the level its zoom needs. Prints the first-map and switch
times and the geometry's bytes; asserts only what the map shows (every LSOA, a valid coverage
served, the special symbols in the pixels), never a time."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import shapely

from jin_hub.web.themes import SPECIAL
from tests.conftest import serve
from tests.web.browser import INSIDE, PAINTED, drawn, image, near, patch, rgb, shot, sign_in
from tests.web.national_hub import COUNTY, LSOAS, ROOT, USER

LINK = "/?dataset=scale_crime&period=2024&geography=lsoa&measure=count"


@pytest.fixture(scope="module")
def national_url(tmp_path_factory) -> str:
    """A real hub serving a copy of the national hub (built in a process of its own, or taken from var/)."""
    made = subprocess.run([sys.executable, "-m", "tests.web.national_hub"], cwd=ROOT, capture_output=True, text=True)
    if made.returncode:
        pytest.fail(f"could not build the national hub:\n{made.stderr[-3000:]}")
    copy = tmp_path_factory.mktemp("national") / "hub.sqlite"
    with sqlite3.connect(copy) as target:
        sqlite3.connect(Path(made.stdout.split()[-1])).backup(target)
    yield from serve(copy)


def looks(picture, x: int, y: int) -> str:
    """What the pixels around (x, y) show: hatched, zero (white) or one flat fill."""
    pixels = patch(picture, x, y)
    share = {k: sum(near(p, SPECIAL[k], tolerance) for p in pixels) / len(pixels)
             for k, tolerance in (("hatch", 60), ("suppressed", 14))}           # (stripes are anti-aliased)
    if share["hatch"] > 0.05 and share["suppressed"] > 0.3:
        return "suppressed"
    return "zero" if all(near(p, SPECIAL["zero"], 3) for p in pixels) else "flat"


#: Of the points ``INSIDE`` finds, those whose every corner of a 9-pixel square is in the area too
#: (on a coast, a box meeting one area can be half sea).
COVERED = """(found) => {
  const map = window.jin.view.map, box = map.getContainer().getBoundingClientRect();
  const code = (x, y) => map.queryRenderedFeatures([x - box.left, y - box.top], { layers: ['areas-fill'] })
    .map((f) => f.properties.area_code).join();
  return found.filter(([x, y]) => [[-4, -4], [-4, 4], [4, -4], [4, 4]].every(([dx, dy]) => code(x + dx, y + dy)
    === code(x, y)) && code(x, y).length);
}"""


def specials_drawn(page, name: str) -> dict[str, int]:
    """How many areas of each status were looked inside; each must look as its status says."""
    picture, seen = image(shot(page, name)), {}
    for x, y, status in page.evaluate(COVERED, page.evaluate(INSIDE)):
        wanted = status if status in ("suppressed", "zero") else "flat"
        assert looks(picture, x, y) == wanted, f"{name}: the {status} area at {x},{y} looks {looks(picture, x, y)}"
        seen[status] = seen.get(status, 0) + 1
    return seen


def colours_drawn(page, name: str) -> dict[str, float]:
    """The share of the map's pixels near each special colour and the classes' colours (on a
    national map most areas are smaller than a pixel, so none can be looked inside)."""
    picture, box = image(shot(page, name)), page.locator("#map").bounding_box()
    wanted = {**{k: SPECIAL[k] for k in ("hatch", "suppressed", "zero")},
              **{f"class {i + 1}": c for i, c in enumerate(page.evaluate("window.jin.collection.colours"))}}
    pixels = [rgb(picture, x, y) for x in range(int(box["x"]), int(box["x"] + box["width"]), 3)
              for y in range(int(box["y"]), min(int(box["y"] + box["height"]), picture.height()), 3)]
    return {k: sum(near(p, c, 40 if k == "hatch" else 1) for p in pixels) / len(pixels) for k, c in wanted.items()}


def geometry_bytes(requested: list) -> int:
    """Bytes of boundaries the page received (as sent: compressed)."""
    return sum(r.sizes()["responseBodySize"] for r in requested if "/api/v1/boundaries/" in r.url)


def test_a_national_map_then_a_county_from_simplified_geometry(page, national_url, record_property):
    requested: list = []
    page.on("requestfinished", lambda r: requested.append(r))
    page.goto(national_url + LINK)
    sign_in(page, USER)
    drawn(page, timeout=120_000)
    timings = page.evaluate(PAINTED)
    first = (timings["firstPainted"] - timings["signIn"]) / 1000
    page.wait_for_selector("body[data-districts]", state="attached", timeout=60_000)
    national = geometry_bytes(requested)
    levels = [parse_qs(urlsplit(r.url).query).get("simplify", ["full"])[0] for r in requested
              if "/api/v1/boundaries/lsoa" in r.url]
    national_seen = colours_drawn(page, "national")
    shown = page.evaluate("[window.jin.collection.features.length, window.jin.view.level]")

    done = len(requested)
    page.select_option("#zone", COUNTY.lower())
    drawn(page, 2, timeout=120_000)
    switch = page.evaluate("window.jin.timings['switch:zone']")
    county = geometry_bytes(requested[done:])
    county_seen = specials_drawn(page, "county")
    zoomed = page.evaluate("window.jin.view.level")

    page.goto(national_url + LINK)                    # signed in, the hub's geometry made: the map a link opens
    drawn(page, timeout=120_000)
    again = page.evaluate(PAINTED)["firstPainted"] / 1000
    record_property("national_first_map_s", round(first, 3))
    record_property("national_reload_s", round(again, 3))
    record_property("county_switch_ms", round(switch))
    record_property("geometry_bytes", [national, county])
    shares = ", ".join(f"{k} {v:.2%}" for k, v in national_seen.items())
    print(f"\nweb timings ({LSOAS:,} LSOAs): first national map {first * 1000:.0f} ms after signing in (a hub "
          f"just started), {again * 1000:.0f} ms on opening it again; {national / 1e6:.2f} MB of geometry "
          f"(level {shown[1]} m); zoom to {COUNTY} {switch:.0f} ms, {county / 1e6:.2f} MB more "
          f"(level {zoomed} m); of the national map's pixels: {shares}; "
          f"areas looked inside in {COUNTY}: {county_seen}")

    assert shown[0] == LSOAS and shown[1] is not None and zoomed < shown[1]
    classes = sum(share for colour, share in national_seen.items() if colour.startswith("class"))
    assert min(national_seen["hatch"], national_seen["suppressed"], national_seen["zero"]) > 0.001 and classes, \
        national_seen
    assert county_seen.get("suppressed") and county_seen.get("zero"), county_seen
    for level in {*levels, str(zoomed)}:              # what the browser drew: every LSOA, no gap, no overlap
        doc = requests.get(f"{national_url}/api/v1/boundaries/lsoa", params={"simplify": level}, auth=USER,
                           timeout=120).json()
        areas = shapely.from_geojson([json.dumps(f["geometry"]) for f in doc["features"]])
        assert len(areas) == LSOAS and not shapely.is_empty(areas).any()
        assert shapely.coverage_is_valid(areas), f"the LSOAs at {level} m leave gaps or overlap"
