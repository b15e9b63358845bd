"""Processing algorithm 'Export JiN map layout': a template filled from a layer, exported to PDF,
PNG or SVG at a chosen resolution, or as an atlas (one page per area of a coverage layer)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..core.compat import SOURCE_POLYGON
from ..core.layouts import PAGES, LayoutError, atlas_pdf, comparison_layout, export, fill, load_template
from ..core.symbology import apply_choropleth, shared_breaks
from .base import JinAlgorithm, add_map_output


class LayoutAlgorithm(JinAlgorithm):
    NAME = "export_layout"
    TITLE = "Export JiN map layout"
    GROUP = "Maps"
    HELP = ("Fills a JiN print template (A4/A3, portrait/landscape) from the layer: title, subtitle, map, county "
            "inset, legend with its suppressed and no-data entries, scale bar, north arrow, sources, licence, "
            "disclosure rule, release and date. Exports PDF, PNG or SVG; with a coverage layer, an atlas PDF with "
            "one page per area and the same classes on every page.")
    MAIN_THREAD = True

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", "Layer (styled)"))
        self.addParameter(QgsProcessingParameterEnum("TEMPLATE", "Template", list(PAGES), defaultValue=0))
        self.addParameter(QgsProcessingParameterString("TITLE", "Title (default: from the layer)", optional=True))
        self.addParameter(QgsProcessingParameterVectorLayer("COVERAGE", "Atlas coverage (one page per area)",
                                                            optional=True))
        add_map_output(self)

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        page = list(PAGES)[self.parameterAsEnum(parameters, "TEMPLATE", context)]
        title = self.parameterAsString(parameters, "TITLE", context) or None
        coverage = self.parameterAsVectorLayer(parameters, "COVERAGE", context)
        out = Path(self.parameterAsFileOutput(parameters, "OUTPUT", context))
        dpi = self.parameterAsInt(parameters, "DPI", context)
        try:
            layout = fill(load_template(context.project(), page), layer, title)
            if coverage is not None:
                if out.suffix.lower() != ".pdf":
                    raise LayoutError("an atlas is exported as one PDF: name the output .pdf")
                pages = atlas_pdf(layout, coverage, out, dpi=dpi)
                feedback.pushInfo(f"{pages} atlas pages written to {out}")
            else:
                export(layout, out, dpi)
        except LayoutError as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": str(out)}


class ComparisonLayoutAlgorithm(JinAlgorithm):
    NAME = "comparison_layout"
    TITLE = "Export JiN comparison layout (maps side by side)"
    GROUP = "Maps"
    HELP = ("Two or three JiN layers side by side under one legend: they are first given one set of classes of "
            "the chosen field, so the maps compare. Exports PDF, PNG or SVG.")
    MAIN_THREAD = True

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterMultipleLayers("LAYERS", "Layers (2 or 3)",
                                                               SOURCE_POLYGON))
        self.addParameter(QgsProcessingParameterString("FIELD", "Classify on", "count"))
        self.addParameter(QgsProcessingParameterString("TITLE", "Title", "JiN comparison"))
        add_map_output(self)

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        layers = self.parameterAsLayerList(parameters, "LAYERS", context)
        field = self.parameterAsString(parameters, "FIELD", context)
        out = Path(self.parameterAsFileOutput(parameters, "OUTPUT", context))
        if not 2 <= len(layers) <= 3:
            raise QgsProcessingException("choose two or three layers")
        if any(layer.fields().indexOf(field) < 0 for layer in layers):
            raise QgsProcessingException(f"every layer needs the field '{field}'")
        breaks = shared_breaks(layers, field)
        for layer in layers:
            apply_choropleth(layer, field, breaks=breaks)
        try:
            layout = comparison_layout(context.project(), layers, self.parameterAsString(parameters, "TITLE", context))
            export(layout, out, self.parameterAsInt(parameters, "DPI", context))
        except LayoutError as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": str(out)}
