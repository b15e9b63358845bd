"""Processing algorithm 'Export JiN map layout': a template filled from a layer, exported to PDF,
PNG or SVG at a chosen resolution, or as an atlas (one page per area of a coverage layer)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..core.compat import SOURCE_POLYGON
from ..core.layouts import LayoutError, atlas_pdf, comparison_layout, export, fill, load_template
from ..core.option_lists import page_options
from ..core.symbology import apply_choropleth, shared_breaks
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm, add_map_output
from .choices import chosen, enum_parameter


class LayoutAlgorithm(JinAlgorithm):
    NAME = "export_layout"
    TITLE = QT_TR_NOOP("Export JiN map layout")
    GROUP = QT_TR_NOOP("Maps")
    HELP = QT_TR_NOOP(
        "<p>Fills a JiN print template from a styled layer and exports it: title and subtitle from the layer, map, "
        "county inset, legend (with its zero, suppressed and no-data entries), scale bar, north arrow, sources, "
        "licence, disclosure rule, release and date.</p>"
        "<p><b>Inputs:</b> the layer, the template (A4 or A3, portrait or landscape), an optional title, an "
        "optional atlas coverage layer (districts, wards or zones) and the resolution.</p>"
        "<p><b>Output:</b> a PDF, PNG or SVG (by the file's suffix); with a coverage layer, one atlas PDF with a page "
        "per area, each zoomed to it, with the same classes on every page.</p>"
        "<p><b>Disclosure control:</b> the layout prints the dataset's disclosure rule, so readers know that counts "
        "may be perturbed by up to ±3 and that hatched areas are withheld, not zero.</p>")
    MAIN_THREAD = True                          # QgsLayout lives in the project and prints on the main thread

    def choices(self) -> dict:
        return {"TEMPLATE": (page_options(), tr("a JiN template"))}

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", tr("Layer (styled)")))
        self.addParameter(enum_parameter("TEMPLATE", tr("Template"), page_options()))
        self.addParameter(QgsProcessingParameterString("TITLE", tr("Title (default: from the layer)"), optional=True))
        self.addParameter(QgsProcessingParameterVectorLayer("COVERAGE", tr("Atlas coverage (one page per area)"),
                                                            optional=True))
        add_map_output(self)

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        page = chosen(self, parameters, "TEMPLATE", context, *self.choices()["TEMPLATE"])
        title = self.parameterAsString(parameters, "TITLE", context) or None
        coverage = self.parameterAsVectorLayer(parameters, "COVERAGE", context)
        out = Path(self.parameterAsFileOutput(parameters, "OUTPUT", context))
        dpi = self.parameterAsInt(parameters, "DPI", context)
        try:
            layout = fill(load_template(context.project(), page), layer, title)
            if coverage is not None:
                if out.suffix.lower() != ".pdf":
                    raise LayoutError(tr("an atlas is exported as one PDF: name the output .pdf"))
                pages = atlas_pdf(layout, coverage, out, dpi=dpi)
                feedback.pushInfo(tr("{n} atlas pages written to {path}").format(n=pages, path=out))
            else:
                export(layout, out, dpi)
        except LayoutError as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": str(out)}


class ComparisonLayoutAlgorithm(JinAlgorithm):
    NAME = "comparison_layout"
    TITLE = QT_TR_NOOP("Export JiN comparison layout (maps side by side)")
    GROUP = QT_TR_NOOP("Maps")
    HELP = QT_TR_NOOP(
        "<p>Two or three JiN layers side by side under one legend. They are first given one set of classes of the "
        "chosen field, so the maps compare.</p>"
        "<p><b>Inputs:</b> two or three polygon layers that all have the field to classify on (count or rate), a "
        "title and the resolution.</p>"
        "<p><b>Output:</b> a PDF, PNG or SVG (by the file's suffix). The layers keep the shared classes.</p>"
        "<p><b>Disclosure control:</b> suppressed areas stay hatched on every map and in the legend.</p>")
    MAIN_THREAD = True                          # restyles project layers and prints a QgsLayout

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterMultipleLayers("LAYERS", tr("Layers (2 or 3)"),
                                                               SOURCE_POLYGON))
        self.addParameter(QgsProcessingParameterString("FIELD", tr("Classify on"), "count"))
        self.addParameter(QgsProcessingParameterString("TITLE", tr("Title"), tr("JiN comparison")))
        add_map_output(self)

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        layers = self.parameterAsLayerList(parameters, "LAYERS", context)
        field = self.parameterAsString(parameters, "FIELD", context)
        out = Path(self.parameterAsFileOutput(parameters, "OUTPUT", context))
        if not 2 <= len(layers) <= 3:
            raise QgsProcessingException(tr("choose two or three layers"))
        if any(layer.fields().indexOf(field) < 0 for layer in layers):
            raise QgsProcessingException(tr("every layer needs the field '{field}'").format(field=field))
        breaks = shared_breaks(layers, field)
        for layer in layers:
            apply_choropleth(layer, field, breaks=breaks)
        try:
            layout = comparison_layout(context.project(), layers, self.parameterAsString(parameters, "TITLE", context))
            export(layout, out, self.parameterAsInt(parameters, "DPI", context))
        except LayoutError as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": str(out)}
