"""Exporting the map in Chromium: a one-page A4 landscape PDF through the print CSS (its text read
back: title, legend, disclosure note, OGL attribution and date) and a PNG composed in the browser
(its pixels: the title, the hatched withheld areas)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from jin_hub.web.themes import SPECIAL
from tests.conftest import COUNCIL
from tests.web.browser import SHOTS, image, near, open_map, rgb

MAP = "/?dataset=police_crime&period=2024&geography=lsoa&measure=rate"


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_is_one_landscape_page_with_title_legend_notes_licence_and_date(page, web_url):
    from pypdf import PdfReader

    open_map(page, web_url, COUNCIL, MAP)
    page.wait_for_selector("#print-map[src^='data:image/png']", state="attached")
    pdf = page.pdf(print_background=True, prefer_css_page_size=True)          # as "Save as PDF" prints it
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "map.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height and abs(float(box.width) / 72 * 25.4 - 297) < 2          # A4 landscape
    text = words(reader.pages[0].extract_text())
    expected = [page.inner_text("#map-title"), *page.locator("#legend li").all_inner_texts(),
                "How values are protected:", "Hatched areas are withheld, not zero",
                "Open Government Licence v3.0", "OGL v3.0", f"Made on {date.today():%-d %B %Y}"]
    missing = [w for w in expected if words(w) not in text]
    assert not missing, f"not in the PDF: {missing}\n{text}"
    assert len(reader.pages[0].images) == 1                                  # the map, as a picture


def test_the_png_has_the_title_and_the_maps_hatched_withheld_areas(page, web_url):
    open_map(page, web_url, COUNCIL, MAP)
    with page.expect_download() as download:
        page.click("#export-png")
    assert download.value.suggested_filename == "jin-map-police_crime-all-2024-lsoa.png"
    png = Path(download.value.path()).read_bytes()
    (SHOTS / "export.png").write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    picture = image(png)
    canvas = page.locator("#map canvas").bounding_box()
    assert picture.width() > canvas["width"] and picture.height() > canvas["height"]
    ink = sum(rgb(picture, x, y)[0] < 80 for x in range(16, 600, 2) for y in range(12, 44, 2))
    assert ink > 100, "no title text at the top of the PNG"
    sample = [rgb(picture, x, y) for x in range(0, int(canvas["width"]), 3)
              for y in range(60, picture.height() - 10, 3)]
    dark = sum(near(p, SPECIAL["hatch"], 30) for p in sample)
    light = sum(near(p, SPECIAL["suppressed"], 8) for p in sample)
    assert dark > 200 and light > 200, f"no hatched withheld areas in the PNG's map: {dark} dark, {light} light"
    legend = page.locator("#legend li").all_inner_texts()
    assert page.inner_text("#made-on").startswith("Made on") and legend[-2].startswith("Withheld")
