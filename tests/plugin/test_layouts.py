"""Print layouts from the shipped templates: every page size exported to PDF (text checked) and
PNG (pixels checked), SVG too, with district outlines and a county locator; every text fits its
frame; the panel makes the layout of the selected layer; an atlas with one page per district."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Optional

import pytest
from pypdf import PdfReader
from qgis.core import Qgis, QgsLayoutItemLabel, QgsProject
from qgis.PyQt.QtCore import QItemSelectionModel, Qt
from qgis.PyQt.QtGui import QImage

from jin_plugin.core.district_context import add_districts, cached_boundaries
from jin_plugin.core.layers import open_layer
from jin_plugin.core.layouts import PAGES, LayoutError, atlas_pdf, export, fill, load_template, text_overflow
from jin_plugin.core.symbology import SUPPRESSED_LABEL, apply_choropleth
from jin_plugin.core.workflow import fetch_layer_blocking
from tests.plugin.helpers import jin_algorithms, wait_until

#: Where the exported pages are kept for a person to look at ($JIN_LAYOUT_PNGS, else the test's tmp).
LOOK_DIR = os.environ.get("JIN_LAYOUT_PNGS", "")
DISTRICT_NAMES = ("Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield", "Newark and Sherwood", "Rushcliffe")


@pytest.fixture(scope="module")
def files(hub_url, analyst_authcfg, tmp_path_factory) -> dict[str, Path]:
    os.environ["JIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("layout_cache"))
    out = {}
    for name, geography in (("lsoa", "lsoa"), ("district", "district")):
        layer = fetch_layer_blocking(hub_url, "police_crime", geography, "2024", "Criminal damage and arson",
                                     authcfg=analyst_authcfg, style=False)
        out[name] = Path(layer.source().split("|")[0])
        del layer
    out["boundaries"] = cached_boundaries(hub_url)         # the hub's district boundaries, cached by the fetch
    return out


def themed_with_districts(files: dict[str, Path], measure: str = "count"):
    """The LSOA layer themed, in the project under the district outlines (as the panel adds them)."""
    layer = open_layer(files["lsoa"])
    apply_choropleth(layer, measure)
    QgsProject.instance().addMapLayer(layer)
    return layer, add_districts(QgsProject.instance(), files["boundaries"])


LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi"})


def page_text(page) -> str:
    """A PDF page's text with spacing and typographic ligatures normalised."""
    return " ".join(page.extract_text().translate(LIGATURES).split())


def pdf_text(path: Path) -> str:
    return " ".join(page_text(page) for page in PdfReader(str(path)).pages)


@pytest.mark.parametrize("page", list(PAGES))
def test_each_template_exports_with_its_texts_and_map(files, tmp_path, page, qgis_new_project):
    layer, districts = themed_with_districts(files)
    layout = fill(load_template(QgsProject.instance(), page), layer, districts=districts)
    pdf = export(layout, tmp_path / f"{page}.pdf", dpi=150)
    text = pdf_text(pdf)
    assert "Police recorded crime" in text and "Criminal damage and arson" in text
    assert SUPPRESSED_LABEL in text and "Zero" in text                          # the legend's special entries
    assert "Open Government Licence" in text
    # the disclosure in plain words, the release as a date: no raw release id, no rule text
    assert "counts under 5 are withheld to protect privacy; hatched areas are withheld, not zero" in text
    assert "Data released" in text and "release police_crime-" not in text and "Disclosure control" not in text
    assert all(name in text for name in DISTRICT_NAMES)                         # district names on the map
    out = Path(LOOK_DIR or tmp_path)
    png = export(layout, out / f"{page}.png", dpi=60 if not LOOK_DIR else 120)
    image = QImage(str(png))
    w_mm, h_mm = PAGES[page]
    assert abs(image.width() / image.height() - w_mm / h_mm) < 0.02
    px_per_mm = image.width() / w_mm
    # the map frame holds the drawn areas (not just white paper), some in the theme's colours
    samples = [image.pixelColor(x, y) for x in range(int(15 * px_per_mm), int(w_mm * 0.6 * px_per_mm), 3)
               for y in range(int(35 * px_per_mm), int(h_mm * 0.55 * px_per_mm), 3)]
    assert sum(c.lightness() < 235 for c in samples) > 0.1 * len(samples)
    assert any(c.saturation() > 80 and c.hue() < 40 for c in samples)         # crime's orange-reds
    # the locator is a plain county shape with the map's frame in red, not a copy of the theme
    inset = layout.itemById("inset")
    x0, y0 = inset.pagePos().x(), inset.pagePos().y()
    locator = [image.pixelColor(x, y) for x in range(int((x0 + 1) * px_per_mm), int((x0 + inset.rect().width() - 1)
               * px_per_mm)) for y in range(int((y0 + 1) * px_per_mm), int((y0 + inset.rect().height() - 1)
                                                                           * px_per_mm))]
    reds = [c for c in locator if c.saturation() > 80]
    assert reds and all(c.hue() < 20 or c.hue() > 340 for c in reds)          # only the red frame is coloured
    assert sum(c.saturation() < 20 and 200 < c.lightness() < 235 for c in locator) > 0.1 * len(locator)  # grey
    assert layout.itemById("scalebar").hasBackground() and layout.itemById("scalebar").frameEnabled()
    assert export(layout, tmp_path / f"{page}.svg", dpi=72).read_text(encoding="utf-8").lstrip().startswith("<?xml")
    QgsProject.instance().removeAllMapLayers()


@pytest.mark.parametrize("measure", ["count", "rate"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_text_fits_its_frame(files, page, measure, qgis_new_project):
    """No label's text, word-wrapped, runs past its frame, on any page size, with the longest texts a
    JiN layer brings (the cell-key note, the credits, a rate's unit)."""
    layer, districts = themed_with_districts(files, measure)
    assert layer.customProperty("jin/disclosure_method") == "cell_key"      # the longer of the two notes
    layout = fill(load_template(QgsProject.instance(), page), layer, districts=districts)
    labels = [item for item in layout.items() if isinstance(item, QgsLayoutItemLabel)]
    assert {"title", "subtitle", "disclosure", "source", "produced"} <= {label.id() for label in labels}
    overflows = {label.id(): round(text_overflow(label), 1) for label in labels if text_overflow(label) > 0}
    assert overflows == {}
    legend, footer = layout.itemById("legend"), layout.itemById("disclosure")     # the legend clear of both
    assert legend.pagePos().x() + legend.rect().width() <= PAGES[page][0] - 10
    assert legend.pagePos().y() + legend.rect().height() <= footer.pagePos().y()
    unit = layer.customProperty("jin/rate_label")
    entries = [str(n.data(Qt.ItemDataRole.DisplayRole)) for n in legend.model().layerLegendNodes(
        legend.model().rootGroup().findLayer(layer))]
    assert unit and not any(unit in entry.replace("\n", " ") for entry in entries), entries   # the heading says it
    assert "deliberate noise" in layout.itemById("disclosure").text()           # said under the map, so not twice
    assert not any("deliberate noise" in entry.replace("\n", " ") for entry in entries), entries
    # the measure itself: the full rule (what the A4-portrait footer printed before) overruns the note's frame
    note = layout.itemById("disclosure")
    note.setText(layer.metadata().abstract())
    assert text_overflow(note) > 0
    QgsProject.instance().removeAllMapLayers()


def test_atlas_has_a_page_per_district_with_the_same_classes(files, tmp_path, qgis_new_project):
    layer, districts = open_layer(files["lsoa"]), open_layer(files["district"])
    breaks = apply_choropleth(layer, "count")
    QgsProject.instance().addMapLayers([layer, districts])
    outlines = add_districts(QgsProject.instance(), files["boundaries"])
    layout = fill(load_template(QgsProject.instance(), "a4-portrait"), layer, districts=outlines)
    pages = atlas_pdf(layout, districts, tmp_path / "atlas.pdf", dpi=72)
    drawn = {lyr.id() for lyr in layout.itemById("map").layers()}
    assert {layer.id(), outlines.id()} <= drawn and districts.id() not in drawn     # the coverage never covers it
    assert layout.itemById("scalebar").rect().width() < 60                         # fits a zoomed-in page too
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


def pick_in_chooser(index: int, seen: list, offered: Optional[list] = None) -> None:
    """Answer the layer chooser (a modal QInputDialog) with its ``index``-th item once it shows;
    ``seen`` gets its items and ``offered`` the item it showed first."""
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import QApplication, QInputDialog

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        seen.extend(dialog.comboBoxItems())
        if offered is not None:
            offered.append(dialog.textValue())
        dialog.setTextValue(dialog.comboBoxItems()[index])
        dialog.accept()

    QTimer.singleShot(0, answer)


def test_panel_makes_the_selected_layers_layout_with_districts_and_context(files, qgis_iface, qgis_new_project,
                                                                          hub_connection, tmp_path, monkeypatch):
    from qgis.core import QgsFillSymbol, QgsLayerTreeModel, QgsSingleSymbolRenderer, QgsVectorLayer
    from qgis.gui import QgsLayerTreeView

    from jin_plugin.core.district_context import CONTEXT_GROUP, districts_in
    from jin_plugin.ui.dock import JinDock

    project = QgsProject.instance()
    view, model = QgsLayerTreeView(), QgsLayerTreeModel(project.layerTreeRoot())   # the real Layers panel
    view.setModel(model)
    opened = []
    dock = JinDock(qgis_iface.messageBar(), open_designer=opened.append, layer_tree_view=view)
    assert dock.make_layout() is None                                    # no JiN layer yet: says so
    lsoa, district = open_layer(files["lsoa"]), open_layer(files["district"])
    dock.layer_ready(lsoa)
    dock.layer_ready(district)                                           # now the top JiN layer
    own = QgsVectorLayer(str(files["boundaries"]), "My patrol areas", "ogr")   # the analyst's own layer
    own.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "#00c000",
                                                               "outline_width": "1.5"})))
    project.addMapLayer(own)
    view.setCurrentLayer(lsoa)                                           # selected in the Layers panel
    dock.page.setCurrentIndex(dock.page.findData("a4-landscape"))
    layout = dock.make_layout()
    assert opened == [layout] and layout in project.layoutManager().printLayouts()
    assert layout.name() == lsoa.name()                                  # the selected layer's, no "count 1"
    page = layout.pageCollection().page(0).pageSize()
    assert (round(page.width()), round(page.height())) == PAGES["a4-landscape"]
    districts = districts_in(project)
    assert districts is not None and project.layerTreeRoot().findGroup(CONTEXT_GROUP).findLayer(districts.id())
    assert districts.labelsEnabled() and districts.labeling().settings().format().buffer().enabled()   # halo
    # the visible layers print, but not the other JiN theme that would cover the chosen one
    assert {lyr.id() for lyr in layout.itemById("map").layers()} == {own.id(), districts.id(), lsoa.id()}
    assert layout.itemById("legend").model().rootGroup().findLayer(lsoa.id()) is not None
    out = Path(LOOK_DIR or tmp_path)
    text = pdf_text(export(layout, out / "panel-a4-landscape.pdf", dpi=100))
    assert "Criminal damage and arson" in text and "LSOA" in text and all(n in text for n in DISTRICT_NAMES)
    image = QImage(str(export(layout, out / "panel-a4-landscape.png", dpi=60 if not LOOK_DIR else 120)))
    greens = sum(c.green() > 150 and c.red() < 80 and c.blue() < 80
                 for c in (image.pixelColor(x, y) for x in range(0, image.width(), 2)
                           for y in range(0, image.height(), 2)))
    assert greens > 50                                                   # the analyst's own layer printed

    project.layerTreeRoot().findLayer(district.id()).setItemVisibilityChecked(False)
    again = dock.make_layout()
    assert again.name() == f"{lsoa.name()} (2)"                          # unique only on a real clash
    assert not again.itemById("map").keepLayerSet()                      # follows the project's visible layers

    view.setCurrentLayer(lsoa)
    view.selectionModel().clearSelection()                               # current, but nothing selected: asked
    seen, offered = [], []
    pick_in_chooser(0, seen, offered)
    chosen = dock.make_layout()
    assert seen == [district.name(), lsoa.name()] and chosen.name() == district.name()
    assert offered == [lsoa.name()]                                      # the current layer offered first
    view.setCurrentLayer(lsoa)
    view.selectionModel().select(view.node2index(project.layerTreeRoot().findLayer(district.id())),
                                 QItemSelectionModel.SelectionFlag.Select)
    assert {lyr.id() for lyr in view.selectedLayers()} == {lsoa.id(), district.id()}
    seen, offered = [], []
    pick_in_chooser(0, seen, offered)                                    # two selected: asked, not the current
    assert dock.make_layout().name() == f"{district.name()} (2)" and offered == [lsoa.name()]
    assert len(opened) == 4

    # boundaries not cached yet: fetched in a task, then the layout is made
    monkeypatch.setenv("JIN_CACHE_DIR", str(tmp_path / "empty_cache"))
    project.removeMapLayer(districts.id())
    view.setCurrentLayer(lsoa)
    assert dock.make_layout() is None
    assert dock.status.text() == "Fetching district outlines for the layout…" and not dock.status.isHidden()
    assert not dock.layout_button.isEnabled()                            # no second download, no second layout
    assert wait_until(lambda: len(opened) == 5)
    assert districts_in(project) is not None and opened[-1].name() == f"{lsoa.name()} (3)"
    assert dock.layout_button.isEnabled() and dock.message_line.level == Qgis.MessageLevel.Success

    # a layer of another hub: made without district outlines, and the message says so and why
    project.removeMapLayer(districts_in(project).id())
    monkeypatch.setenv("JIN_CACHE_DIR", str(tmp_path / "other_cache"))
    district.setCustomProperty("jin/hub_url", "https://other-hub.example.org")
    view.setCurrentLayer(district)
    other = dock.make_layout()
    assert other is not None and districts_in(project) is None and len(opened) == 6
    assert dock.message_line.level == Qgis.MessageLevel.Warning
    assert "no district outlines" in dock.status.text() and "https://other-hub.example.org" in dock.status.text()

    # the layer removed while its district outlines download: a plain message, no error, no layout
    view.setCurrentLayer(lsoa)
    assert dock.make_layout() is None and not dock.layout_button.isEnabled()
    project.removeMapLayer(lsoa.id())
    assert wait_until(dock.layout_button.isEnabled)
    assert len(opened) == 6 and "no longer in the project" in dock.status.text()
    assert dock.message_line.level == Qgis.MessageLevel.Warning
    project.removeAllMapLayers()
    dock.close()


def test_the_printed_release_date_is_the_panels_local_day(files, qgis_new_project, monkeypatch):
    """Released at 23:30 UTC is the next day in New Zealand: the printed map and the layer's tooltip
    say the same local day; with no timestamp, the day in the release id; with neither, nothing."""
    import time

    from jin_plugin.core.layouts import dates_line
    from jin_plugin.core.when import day_words
    from jin_plugin.ui.indicators import cached_tooltip

    layer = open_layer(files["district"])
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    try:
        layer.setCustomProperty("jin/release_created", "2026-12-04T23:30:00Z")
        assert dates_line(layer).startswith("Data released 5 December 2026 · Map made ")
        assert "Released 5 Dec 2026, fetched " in cached_tooltip(layer, False)
        layer.setCustomProperty("jin/release_created", "")
        layer.setCustomProperty("jin/release", "20261203T101500Z-police_crime")
        assert dates_line(layer).startswith("Data released 3 December 2026 · ")
        assert "Released 3 Dec 2026, fetched " in cached_tooltip(layer, False)
        layer.setCustomProperty("jin/release", "")
        layer.setCustomProperty("jin/fetched", "")
        assert dates_line(layer).startswith("Map made ") and day_words(date.today(), long=True) in dates_line(layer)
        tip = cached_tooltip(layer, False)
        assert "Released" not in tip and "Fetched" not in tip and " ." not in tip and ", ." not in tip
    finally:
        monkeypatch.undo()
        time.tzset()


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
