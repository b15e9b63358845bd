"""Print layouts from the shipped templates: every page size exported to PDF (text checked) and
PNG (pixels checked), SVG too, and an atlas with one page per district."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from qgis.core import QgsProject
from qgis.PyQt.QtGui import QImage

from jin_plugin.core.layers import open_layer
from jin_plugin.core.layouts import PAGES, LayoutError, atlas_pdf, export, fill, load_template
from jin_plugin.core.symbology import SUPPRESSED_LABEL, apply_choropleth
from jin_plugin.core.workflow import fetch_layer_blocking
from tests.plugin.helpers import jin_algorithms


@pytest.fixture(scope="module")
def files(hub_url, analyst_authcfg, tmp_path_factory) -> dict[str, Path]:
    os.environ["JIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("layout_cache"))
    out = {}
    for name, geography in (("lsoa", "lsoa"), ("district", "district")):
        layer = fetch_layer_blocking(hub_url, "police_crime", geography, "2024", "Criminal damage and arson",
                                     authcfg=analyst_authcfg, style=False)
        out[name] = Path(layer.source().split("|")[0])
        del layer
    return out


LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi"})


def page_text(page) -> str:
    """A PDF page's text with spacing and typographic ligatures normalised."""
    return " ".join(page.extract_text().translate(LIGATURES).split())


def pdf_text(path: Path) -> str:
    return " ".join(page_text(page) for page in PdfReader(str(path)).pages)


@pytest.mark.parametrize("page", list(PAGES))
def test_each_template_exports_with_its_texts_and_map(files, tmp_path, page, qgis_new_project):
    layer = open_layer(files["lsoa"])
    apply_choropleth(layer, "count")
    QgsProject.instance().addMapLayer(layer)
    layout = fill(load_template(QgsProject.instance(), page), layer)
    pdf = export(layout, tmp_path / f"{page}.pdf", dpi=150)
    text = pdf_text(pdf)
    assert "Police recorded crime" in text and "Criminal damage and arson" in text
    assert SUPPRESSED_LABEL in text and "Zero" in text                          # the legend's special entries
    assert "Open Government Licence" in text and "Disclosure control" in text and "Produced" in text
    png = export(layout, tmp_path / f"{page}.png", dpi=60)
    image = QImage(str(png))
    w_mm, h_mm = PAGES[page]
    assert abs(image.width() / image.height() - w_mm / h_mm) < 0.02
    px_per_mm = image.width() / w_mm
    # the map frame holds the drawn areas (not just white paper), some in the theme's colours
    samples = [image.pixelColor(x, y) for x in range(int(15 * px_per_mm), int(w_mm * 0.6 * px_per_mm), 3)
               for y in range(int(35 * px_per_mm), int(h_mm * 0.55 * px_per_mm), 3)]
    assert sum(c.lightness() < 235 for c in samples) > 0.1 * len(samples)
    assert any(c.saturation() > 80 and c.hue() < 40 for c in samples)         # crime's orange-reds
    assert export(layout, tmp_path / f"{page}.svg", dpi=72).read_text(encoding="utf-8").lstrip().startswith("<?xml")
    QgsProject.instance().removeAllMapLayers()


def test_atlas_has_a_page_per_district_with_the_same_classes(files, tmp_path, qgis_new_project):
    layer, districts = open_layer(files["lsoa"]), open_layer(files["district"])
    breaks = apply_choropleth(layer, "count")
    QgsProject.instance().addMapLayers([layer, districts])
    layout = fill(load_template(QgsProject.instance(), "a4-portrait"), layer)
    pages = atlas_pdf(layout, districts, tmp_path / "atlas.pdf", dpi=72)
    reader = PdfReader(str(tmp_path / "atlas.pdf"))
    assert pages == len(reader.pages) == 8
    texts = [page_text(page) for page in reader.pages]
    districts_named = {name for t in texts for name in ("Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield",
                                                        "Newark and Sherwood", "Rushcliffe") if f"{name} ·" in t}
    assert len(districts_named) == 7                       # and Nottingham: every district has its page
    assert all(breaks[0].label in t and breaks[-1].label in t for t in texts)       # same classes on every page
    with pytest.raises(LayoutError, match="pdf"):
        export(layout, tmp_path / "atlas.doc")
    QgsProject.instance().removeAllMapLayers()


def test_processing_export_and_atlas(files, tmp_path, qgis_new_project):
    from qgis.core import QgsProcessingFeedback

    layer, districts = open_layer(files["lsoa"]), open_layer(files["district"])
    apply_choropleth(layer, "count")
    QgsProject.instance().addMapLayers([layer, districts])
    with jin_algorithms() as (create, context):
        alg = create("jin:export_layout")
        png = tmp_path / "map.png"
        _, ok = alg.run({"INPUT": layer.id(), "TEMPLATE": 1, "TITLE": "Criminal damage, 2024", "DPI": 50,
                               "OUTPUT": str(png)}, context, QgsProcessingFeedback())
        assert ok and QImage(str(png)).height() > QImage(str(png)).width()              # A4 portrait
        atlas = tmp_path / "atlas.pdf"
        _, ok = alg.run({"INPUT": layer.id(), "COVERAGE": districts.id(), "DPI": 50, "OUTPUT": str(atlas)},
                              context, QgsProcessingFeedback())
        assert ok and len(PdfReader(str(atlas)).pages) == 8
        assert "Criminal damage, 2024" not in pdf_text(atlas)                            # a fresh layout each run
        side = tmp_path / "side.pdf"
        _, ok = create("jin:comparison_layout").run(
            {"LAYERS": [layer.id(), districts.id()], "FIELD": "count", "TITLE": "LSOA and district", "DPI": 50,
             "OUTPUT": str(side)}, context, QgsProcessingFeedback())
        assert ok and "LSOA and district" in pdf_text(side)
    QgsProject.instance().removeAllMapLayers()


def test_panel_makes_a_layout_and_opens_the_designer(files, qgis_iface, qgis_new_project):
    from jin_plugin.ui.dock import JinDock

    opened = []
    dock = JinDock(qgis_iface.messageBar(), open_designer=opened.append)
    assert dock.make_layout() is None                                    # no JiN layer yet: says so
    dock.layer_ready(open_layer(files["lsoa"]))
    dock.page.setCurrentIndex(dock.page.findData("a3-landscape"))
    layout = dock.make_layout()
    assert opened == [layout] and layout in QgsProject.instance().layoutManager().printLayouts()
    page = layout.pageCollection().page(0).pageSize()
    assert (round(page.width()), round(page.height())) == PAGES["a3-landscape"]
    assert layout.itemById("map").layers()[0].name().startswith("Criminal damage and arson — LSOA")
    QgsProject.instance().removeAllMapLayers()
    dock.close()


def test_comparison_layout_side_by_side_and_bivariate(files, hub_url, analyst_authcfg, tmp_path, qgis_new_project):
    from jin_plugin.core.bivariate import PALETTE, apply_bivariate, legend_image
    from jin_plugin.core.layouts import comparison_layout
    from jin_plugin.core.symbology import shared_breaks

    paths = []
    for month in ("2024-01", "2024-02", "2024-03"):
        layer = fetch_layer_blocking(hub_url, "police_crime", "msoa", month, "all", authcfg=analyst_authcfg,
                                     style=False)
        paths.append(Path(layer.source().split("|")[0]))
        del layer
    months = [open_layer(p) for p in paths]
    breaks = shared_breaks(months, "count", 4, "quantile")
    for layer in months:
        apply_choropleth(layer, "count", breaks=breaks)
    QgsProject.instance().addMapLayers(months)
    layout = comparison_layout(QgsProject.instance(), months, "Crime by month, Q1 2024")
    pdf = export(layout, tmp_path / "months.pdf", dpi=100)
    text = pdf_text(pdf)
    assert "Crime by month, Q1 2024" in text and all(m in text for m in ("Jan 2024", "Feb 2024", "Mar 2024"))
    assert text.count(breaks[0].label) == 1 and "Same classes on every map" in text      # one shared legend
    assert [layout.itemById(f"map{i}") is not None for i in (1, 2, 3)] == [True] * 3

    single = open_layer(files["lsoa"])
    cuts = apply_bivariate(single, "count", "rate", "Crimes", "Rate")
    QgsProject.instance().addMapLayer(single)
    square = legend_image(cuts["x_label"], cuts["y_label"], tmp_path / "square.png")
    layout = comparison_layout(QgsProject.instance(), [single], "Crimes and their rate", legend_image=square)
    png = QImage(str(export(layout, tmp_path / "bivariate.png", dpi=60)))
    per_mm = png.width() / 297
    legend_colours = {png.pixelColor(x, y).name() for x in range(int(225 * per_mm), png.width(), 2)
                      for y in range(int(31 * per_mm), int(95 * per_mm), 2)}
    assert {c for row in PALETTE for c in row} <= legend_colours                      # the 3 x 3 square
    QgsProject.instance().removeAllMapLayers()
