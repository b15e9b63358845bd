"""Processing algorithm 'Export JiN map layout': a template filled from a layer, exported to PDF,
PNG or SVG at a chosen resolution, or as an atlas (one page per area of a coverage layer)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..core.layouts import PAGES, LayoutError, atlas_pdf, export, fill, load_template


class LayoutAlgorithm(QgsProcessingAlgorithm):
    def name(self) -> str:
        return "export_layout"

    def displayName(self) -> str:
        return "Export JiN map layout"

    def group(self) -> str:
        return "Maps"

    def groupId(self) -> str:
        return "maps"

    def shortHelpString(self) -> str:
        return ("Fills a JiN print template (A4/A3, portrait/landscape) from the layer: title, subtitle, map, "
                "county inset, legend with its suppressed and no-data entries, scale bar, north arrow, sources, "
                "licence, disclosure rule, release and date. Exports PDF, PNG or SVG; with a coverage layer, an "
                "atlas PDF with one page per area and the same classes on every page.")

    def flags(self):
        return super().flags() | QgsProcessingAlgorithm.Flag.FlagNoThreading     # renders project layers

    def createInstance(self) -> LayoutAlgorithm:
        return LayoutAlgorithm()

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", "Layer (styled)"))
        self.addParameter(QgsProcessingParameterEnum("TEMPLATE", "Template", list(PAGES), defaultValue=0))
        self.addParameter(QgsProcessingParameterString("TITLE", "Title (default: from the layer)", optional=True))
        self.addParameter(QgsProcessingParameterVectorLayer("COVERAGE", "Atlas coverage (one page per area)",
                                                            optional=True))
        self.addParameter(QgsProcessingParameterNumber("DPI", "Resolution (dpi)",
                                                       QgsProcessingParameterNumber.Type.Integer, 300, minValue=50,
                                                       maxValue=1200))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", "Map",
                                                                "PDF (*.pdf);;PNG (*.png);;SVG (*.svg)"))

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
