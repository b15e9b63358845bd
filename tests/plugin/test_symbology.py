"""Themes render right: rendered offscreen and read back pixel by pixel. Suppressed, zero and no
data get their own colours; classes are QGIS's own; fixed breaks are shared; the bivariate map
and its legend agree; the style travels with the file. With JIN_DOC_IMAGES=1 the same code writes
the example images in docs/images."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    NULL,
    QgsClassificationJenks,
    QgsClassificationQuantile,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage

from jin_plugin.core.bivariate import PALETTE, apply_bivariate, legend_image
from jin_plugin.core.layers import open_layer
from jin_plugin.core.symbology import (
    NO_DATA_COLOUR,
    PERTURBED_LABEL,
    SUPPRESSED_FILL,
    SUPPRESSED_LABEL,
    ZERO_COLOUR,
    apply_choropleth,
    apply_labels,
    class_breaks,
    classify_values,
    highlight_areas,
    save_style,
    shared_breaks,
)
from jin_plugin.core.themes import STYLE_FILE, THEMES
from jin_plugin.core.workflow import fetch_layer_blocking, render_png
from tests.plugin.helpers import answer_dialog, class_colours, jin_algorithms

DOCS = Path(__file__).resolve().parents[2] / "docs" / "images"
SIZE = 900


@pytest.fixture(scope="module")
def files(hub_url, analyst_authcfg, tmp_path_factory) -> dict[str, Path]:
    os.environ["JIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("style_cache"))
    wanted = {"jan": ("police_crime", "2024-01", "all"), "mar": ("police_crime", "2024-03", "all"),
              "asb": ("asb_incidents", "2024", "all"), "school": ("school_attendance", None, "Persistently absent")}
    out = {}
    for name, (dataset, period, category) in wanted.items():
        layer = fetch_layer_blocking(hub_url, dataset, "lsoa", period, category, authcfg=analyst_authcfg, style=False)
        out[name] = Path(layer.source().split("|")[0])
        del layer
    return out


def render(layer: QgsVectorLayer) -> tuple[QImage, QgsMapSettings]:
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(SIZE, SIZE))
    settings.setBackgroundColor(QColor("#ff00ff"))           # magenta: anything unpainted stands out
    settings.setExtent(layer.extent())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), settings


def colour_at(image: QImage, settings: QgsMapSettings, feature) -> QColor:
    point = feature.geometry().pointOnSurface().asPoint()
    pixel = settings.mapToPixel().transform(point)
    return image.pixelColor(int(pixel.x()), int(pixel.y()))


def biggest(layer: QgsVectorLayer, status: str):
    feats = [f for f in layer.getFeatures() if f["status"] == status]
    return max(feats, key=lambda f: f.geometry().area()) if feats else None


def near(a: QColor, b: str, tol: int = 12) -> bool:
    c = QColor(b)
    return abs(a.red() - c.red()) <= tol and abs(a.green() - c.green()) <= tol and abs(a.blue() - c.blue()) <= tol


def doc_image(path_name: str, layers: list[QgsVectorLayer], title: str, tmp_path: Path) -> Path:
    """Render as the README shows it; into docs/images only when JIN_DOC_IMAGES=1."""
    folder = DOCS if os.environ.get("JIN_DOC_IMAGES") == "1" else tmp_path
    return render_png(layers, folder / path_name, title=title, credits="Synthetic demo data. Source: Office for "
                      "National Statistics licensed under the Open Government Licence v.3.0.")


def test_suppressed_zero_and_values_get_their_own_colours(files, tmp_path):
    layer = open_layer(files["jan"])
    breaks = apply_choropleth(layer, "count")
    image, settings = render(layer)
    zero, supp, value = (biggest(layer, s) for s in ("zero", "suppressed", "value"))
    assert zero is not None and supp is not None and value is not None
    assert near(colour_at(image, settings, zero), ZERO_COLOUR)
    hatched = colour_at(image, settings, supp)           # its grey fill, or a grey hatch line over it
    assert max(hatched.red(), hatched.green(), hatched.blue()) - min(hatched.red(), hatched.green(),
                                                                     hatched.blue()) < 8
    assert hatched.lightness() <= QColor(SUPPRESSED_FILL).lightness() + 4 and not near(hatched, ZERO_COLOUR)
    k = next(i for i, b in enumerate(breaks) if b.lower <= value["count"] <= b.upper)
    assert near(colour_at(image, settings, value), THEMES["crime"].colour(k, len(breaks)).name())
    labels = [item.label() for item in layer.renderer().legendSymbolItems()]
    assert labels[-4:] == ["Zero", SUPPRESSED_LABEL, "No data", PERTURBED_LABEL]       # police counts carry noise
    doc_image("theme_crime.png", [layer], layer.name(), tmp_path)


@pytest.mark.parametrize("method, cls", [("jenks", QgsClassificationJenks), ("quantile", QgsClassificationQuantile)])
def test_breaks_are_qgis_own_classes(files, method, cls):
    layer = open_layer(files["jan"])
    values = [float(f["count"]) for f in layer.getFeatures() if f["status"] == "value"]
    ours = apply_choropleth(layer, "count", 5, method)
    theirs = cls().classes(values, 5)
    assert [(b.lower, b.upper) for b in ours] == [(r.lowerBound(), r.upperBound()) for r in theirs]
    assert len(ours) == 5 and len(layer.renderer().ranges()) == 5 + 3 + 1     # + the noise note
    assert class_breaks(layer) == ours


def test_count_classes_read_as_the_whole_numbers_they_hold():
    """Counts: a class of one number is that number, and each class starts one past the one below
    (QGIS puts a value on a shared bound in the lower class)."""
    assert [b.label for b in classify_values([5, 5, 5, 5, 9, 7], 2, "jenks")] == ["5", "6 – 9"]
    assert [b.label for b in classify_values([1, 2, 3, 10, 11, 12], 2, "jenks")] == ["1 – 3", "4 – 12"]
    assert [b.label for b in classify_values([0.5, 1.5, 2.5, 9.0], 2, "jenks")] == ["0.5 – 2.5", "2.5 – 9.0"]


def test_rates_are_labelled_with_their_unit_and_school_uses_its_theme(files, tmp_path):
    layer = open_layer(files["school"])
    breaks = apply_choropleth(layer, "rate", 4, "equal")
    assert all(b.label.endswith("per 100 pupils") for b in breaks) and len(breaks) == 4
    image, settings = render(layer)
    value = biggest(layer, "value")
    k = next(i for i, b in enumerate(breaks) if b.lower <= value["rate"] <= b.upper)
    assert near(colour_at(image, settings, value), THEMES["education"].colour(k, 4).name())
    doc_image("theme_education.png", [layer], layer.name(), tmp_path)


def test_fixed_breaks_are_identical_across_layers(files):
    jan, mar = open_layer(files["jan"]), open_layer(files["mar"])
    shared = shared_breaks([jan, mar], "count", 5, "quantile")
    assert apply_choropleth(jan, "count", breaks=shared) == apply_choropleth(mar, "count", breaks=shared) == shared
    ranges = [[layer.renderer().classAttribute()]
              + [(r.lowerValue(), r.upperValue(), r.label(), r.symbol().color().name())
                 for r in layer.renderer().ranges()] for layer in (jan, mar)]
    assert ranges[0] == ranges[1]
    own = [apply_choropleth(layer, "count", 5, "quantile") for layer in (jan, mar)]
    assert own[0] != own[1]                                # without sharing, the months would differ


def test_qgis_symbology_page_opens_on_graduated_and_keeps_the_special_entries(files):
    from qgis.core import QgsGradientColorRamp, QgsStyle
    from qgis.gui import QgsRendererPropertiesDialog
    from qgis.PyQt.QtWidgets import QComboBox, QTreeView, QWidget

    layer = open_layer(files["jan"])
    breaks = apply_choropleth(layer, "count", 4, "quantile")
    before = [(r.lowerValue(), r.upperValue(), r.label()) for r in layer.renderer().ranges()]
    page = QgsRendererPropertiesDialog(layer, QgsStyle.defaultStyle(), True)     # Layer Properties ▸ Symbology
    assert page.findChild(QComboBox, "cboRenderers").currentText() == "Graduated"
    graduated = page.findChild(QWidget, "QgsGraduatedSymbolRendererWidget")
    assert graduated is not None and graduated.isVisibleTo(page)
    assert graduated.findChild(QTreeView, "viewGraduated").model().rowCount() == len(before)   # classes + specials
    page.apply()                                   # OK in QGIS's own page: the special entries stay
    assert [(r.lowerValue(), r.upperValue(), r.label()) for r in layer.renderer().ranges()] == before
    assert class_breaks(layer) == breaks
    assert [r.label() for r in layer.renderer().ranges()][-4:-1] == ["Zero", SUPPRESSED_LABEL, "No data"]
    def fills(ranges) -> list:
        return [(r.symbol().symbolLayer(0).color().name(), r.symbol().symbolLayerCount()) for r in ranges[-4:-1]]

    specials = fills(layer.renderer().ranges())
    assert specials == [(ZERO_COLOUR, 1), (SUPPRESSED_FILL, 2), (NO_DATA_COLOUR, 1)]
    ramp = QgsGradientColorRamp(QColor("black"), QColor("blue"))     # the page's colour ramp button does this
    layer.renderer().updateColorRamp(ramp)
    ranges = layer.renderer().ranges()
    assert fills(ranges) == specials
    assert ranges[0].symbol().color().name() == "#000000"                  # the classes took the new ramp


def test_perturbed_dataset_says_so_in_the_legend(files):
    layer = open_layer(files["asb"])
    apply_choropleth(layer, "count")
    assert PERTURBED_LABEL in [item.label() for item in layer.renderer().legendSymbolItems()]


def test_diverging_theme_is_symmetric():
    breaks = classify_values([-3.1, -1.0, 0.2, 1.9, 2.5], 4, diverging=True)
    assert breaks[0].lower == -breaks[-1].upper and len(breaks) == 4
    assert THEMES["comparison"].colour(0, 5).name() == "#2166ac"


def test_bivariate_map_and_its_legend(files, tmp_path):
    layer = open_layer(files["jan"])
    cuts = apply_bivariate(layer, "count", "rate", "Crimes", "Crime rate")
    rules = layer.renderer().rootRule().children()
    assert len(rules) == 10 and rules[-1].label().startswith("Either value")
    colours = {r.symbol().color().name() for r in rules[:9]}
    assert colours == {c for row in PALETTE for c in row}
    image, settings = render(layer)
    for f in list(layer.getFeatures())[:200]:
        if f["count"] == NULL or f["rate"] == NULL:
            continue
        col = 0 if f["count"] <= cuts["x_cuts"][0] else 1 if f["count"] <= cuts["x_cuts"][1] else 2
        row = 0 if f["rate"] <= cuts["y_cuts"][0] else 1 if f["rate"] <= cuts["y_cuts"][1] else 2
        if f.geometry().area() > 2e6:                    # big enough to sample its interior cleanly
            assert near(colour_at(image, settings, f), PALETTE[row][col])
    legend = QImage(str(legend_image("Crimes", "Crime rate", tmp_path / "legend.png", cell=60)))
    for row in range(3):
        for col in range(3):
            assert legend.pixelColor(70 + col * 60 + 30, 10 + (2 - row) * 60 + 30).name() == PALETTE[row][col]
    doc_image("theme_bivariate.png", [layer], "Bivariate: crimes × crime rate (January 2024)", tmp_path)
    if os.environ.get("JIN_DOC_IMAGES") == "1":
        legend.save(str(DOCS / "theme_bivariate_legend.png"))


def test_style_travels_with_the_geopackage_and_exports(files, tmp_path):
    import shutil

    copy = Path(shutil.copy(files["mar"], tmp_path))
    shutil.copy(files["mar"].with_suffix(".json"), tmp_path)
    layer = open_layer(copy)
    apply_choropleth(layer, "count", 4, "pretty")
    apply_labels(layer, "area_name", 50_000)
    highlight_areas(layer, ["E01013810", "E01013811"])
    save_style(layer, tmp_path / "crime.qml")
    save_style(layer, tmp_path / "crime.sld")         # saved twice: replaces, never asks
    assert list(layer.listStylesInDatabase()[2]).count("JiN") == 1
    assert "Withheld" in (tmp_path / "crime.qml").read_text() and "<se:Rule>" in (tmp_path / "crime.sld").read_text()
    again = QgsVectorLayer(f"{copy}|layername=jin", "again", "ogr")       # plain open: its default style
    labels = [item.label() for item in again.renderer().legendSymbolItems()]
    assert SUPPRESSED_LABEL in labels and "Selected zone" in labels
    assert again.labelsEnabled() and again.labeling().settings().minimumScale == 50_000
    labelling = again.labeling().settings()          # each object held: a chain of temporaries reads freed memory
    text = labelling.format()
    halo = text.buffer()                                                # readable over dark classes
    assert halo.enabled() and halo.color().name() == "#ffffff" and halo.size() > 0
    with pytest.raises(ValueError, match="qml"):
        save_style(layer, tmp_path / "crime.txt")


def painted_share(layer: QgsVectorLayer) -> float:
    """Share of the map's pixels (sampled) that the layer painted over the magenta background."""
    image, _ = render(layer)
    magenta = QColor("#ff00ff").rgb()
    samples = [image.pixel(x, y) != magenta for x in range(0, SIZE, 8) for y in range(0, SIZE, 8)]
    return sum(samples) / len(samples)


def test_a_fetched_layer_draws_on_its_first_render_after_theming(hub_url, jin_cache, analyst_authcfg):
    """Saving the style into the GeoPackage once cut the layer off its file: the map stayed blank."""
    from jin_plugin.core.project_layers import style_fetched

    layer = fetch_layer_blocking(hub_url, "police_crime", authcfg=analyst_authcfg, style=False)
    assert "could not be kept" not in style_fetched(layer)        # a withheld-areas warning may come
    assert painted_share(layer) > 0.25


def test_theme_ramps_ship_as_a_qgis_style_file():
    from qgis.core import QgsStyle

    style = QgsStyle()
    style.createMemoryDatabase()
    assert style.importXml(str(STYLE_FILE))
    for theme in THEMES.values():
        ramp = style.colorRamp(theme.ramp_name)
        assert ramp is not None
        assert [ramp.color(x).name() for x in np.linspace(0, 1, len(theme.colours))] == list(theme.colours)


def test_processing_theme_algorithm(files, tmp_path):
    from qgis.core import QgsProcessingFeedback, QgsProject

    layer = open_layer(files["jan"])
    QgsProject.instance().addMapLayer(layer)
    with jin_algorithms() as (create, context):
        alg = create("jin:theme")
        params = {"INPUT": layer.id(), "FIELD": "count", "THEME": list(THEMES).index("fire") + 1, "METHOD": 1,
                  "CLASSES": 3, "EXPORT": str(tmp_path / "fire.qml")}
        results, ok = alg.run(params, context, QgsProcessingFeedback())
        assert ok and results["OUTPUT"] == layer.id() and (tmp_path / "fire.qml").exists()
        first = class_colours(layer)[0]
        assert first == THEMES["fire"].colour(0, 3).name()
    QgsProject.instance().removeAllMapLayers()


def test_panel_styles_added_layers_and_shares_one_scale(files, qgis_iface, qgis_new_project):
    from qgis.core import QgsProject

    from jin_plugin.core.project_layers import jin_layers
    from jin_plugin.core.releases import request_of_layer
    from jin_plugin.ui.dock import JinDock

    dock = JinDock(qgis_iface.messageBar())
    dock.classes.setCurrentIndex(dock.classes.findData("quantile"))
    dock.class_count.setValue(4)
    dock.labels.setChecked(True)
    for name in ("jan", "mar"):
        layer = open_layer(files[name])
        dock.layer_ready(layer, replace(request_of_layer(layer), measure="rate"))      # as after 'Add to map'
    layers = jin_layers()
    assert len(layers) == 2 and all(lyr.labelsEnabled() for lyr in layers)
    assert all(len(lyr.renderer().ranges()) == 4 + 3 + 1 for lyr in layers)   # + the noise note
    assert all("per 1,000 population" in lyr.renderer().ranges()[0].label() for lyr in layers)
    before = [class_breaks(lyr) for lyr in layers]
    assert before[0] != before[1]
    from jin_plugin.ui.reclass import ScaleDialog

    with answer_dialog(ScaleDialog, lambda dialog: None):      # both visible, so both ticked
        dock.same_scale()
    after = [class_breaks(lyr) for lyr in layers]
    assert after[0] == after[1]
    QgsProject.instance().removeAllMapLayers()
    dock.close()
