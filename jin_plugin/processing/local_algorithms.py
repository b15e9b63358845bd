"""Processing algorithms for local data: join a table to JiN areas by code, and count points in
JiN areas. Both run on this PC only."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.compat import SOURCE_POINT, SOURCE_POLYGON, SOURCE_VECTOR, field_names
from ..core.local_data import LocalDataError, count_points, export_layer, join_table
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm


class _Local(JinAlgorithm):
    GROUP = QT_TR_NOOP("Local data")

    def _add_areas(self) -> None:
        """The JiN area layer the local data is joined or counted into."""
        self.addParameter(QgsProcessingParameterVectorLayer("AREAS", tr("JiN areas"),
                                                            [SOURCE_POLYGON]))

    def _out(self, parameters, context) -> Path:
        out = Path(self.parameterAsOutputLayer(parameters, "OUTPUT", context))
        return out if out.suffix.lower() == ".gpkg" else out.with_suffix(".gpkg")


class JoinTableAlgorithm(_Local):
    NAME = "join_table"
    TITLE = QT_TR_NOOP("Join a local table to JiN areas")
    HELP = QT_TR_NOOP(
        "<p>Adds the columns of your own table to the JiN areas with the same area code, on this PC only: nothing "
        "is sent to the hub.</p>"
        "<p><b>Inputs:</b> the JiN area layer, the table (CSV in UTF-8 or Windows-1252 with comma, semicolon, tab "
        "or pipe; Excel; any layer) and its area code column.</p>"
        "<p><b>Outputs:</b> a GeoPackage of the areas with the table's columns prefixed local_, and the table's "
        "codes that match no area (typos, out-of-county codes).</p>"
        "<p><b>Disclosure control:</b> the JiN values keep their status; a suppressed area stays suppressed "
        "whatever your table holds. What you make from your own records is yours to protect before sharing.</p>")

    def initAlgorithm(self, config=None) -> None:
        self._add_areas()
        self.addParameter(QgsProcessingParameterVectorLayer("TABLE", tr("Local table (CSV, Excel, layer)"),
                                                            [SOURCE_VECTOR]))
        self.addParameter(QgsProcessingParameterField("TABLE_CODE", tr("Area code column"), None, "TABLE"))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", tr("Joined")))
        self.addOutput(QgsProcessingOutputString("UNMATCHED", tr("Codes that match no area")))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        areas = self.parameterAsVectorLayer(parameters, "AREAS", context)
        table = self.parameterAsVectorLayer(parameters, "TABLE", context)
        code = field_names(self, parameters, "TABLE_CODE", context)[0]
        out = self._out(parameters, context)
        try:
            _, report = join_table(areas, table, code, out)
        except LocalDataError as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.pushInfo(report.join_summary())
        return {"OUTPUT": str(out), "UNMATCHED": ",".join(report.unmatched_codes)}


class CountPointsAlgorithm(_Local):
    NAME = "count_points"
    TITLE = QT_TR_NOOP("Count local points in JiN areas")
    HELP = QT_TR_NOOP(
        "<p>Counts your own points (incidents, visits; any CRS) in each JiN area, on this PC only: nothing is sent "
        "to the hub.</p>"
        "<p><b>Inputs:</b> the JiN area layer and your point layer.</p>"
        "<p><b>Outputs:</b> a GeoPackage of the areas with the count of your points and a rate per 1,000 of the "
        "JiN layer's denominator (base), and the number of points outside every area (points without a location "
        "are reported too).</p>"
        "<p><b>Disclosure control:</b> your counts are exact, not protected by the hub: small counts of your own "
        "records can identify people, so apply your own organisation's rules before sharing them.</p>")

    def initAlgorithm(self, config=None) -> None:
        self._add_areas()
        self.addParameter(QgsProcessingParameterVectorLayer("POINTS", tr("Local points"),
                                                            [SOURCE_POINT]))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", tr("Counts")))
        self.addOutput(QgsProcessingOutputNumber("OUTSIDE", tr("Points outside every area")))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        areas = self.parameterAsVectorLayer(parameters, "AREAS", context)
        points = self.parameterAsVectorLayer(parameters, "POINTS", context)
        out = self._out(parameters, context)
        _, report = count_points(areas, points, out)
        feedback.pushInfo(tr("{matched} points counted; {outside} outside every area; {missing} without a "
                             "location").format(matched=report.matched, outside=report.outside,
                                                missing=report.no_geometry))
        return {"OUTPUT": str(out), "OUTSIDE": report.outside}


class ExportLayerAlgorithm(_Local):
    NAME = "export_layer"
    TITLE = QT_TR_NOOP("Export a layer with its JiN style and metadata")
    HELP = QT_TR_NOOP(
        "<p>Writes a layer to a GeoPackage that carries its style (as the default) and its metadata (abstract, "
        "licence, attribution, provenance), so the file explains itself when shared.</p>"
        "<p><b>Inputs:</b> the layer (a JiN layer or one made from it).</p>"
        "<p><b>Output:</b> the GeoPackage.</p>"
        "<p><b>Disclosure control:</b> the metadata keeps the dataset's disclosure rule and licence with the data; "
        "suppressed areas stay suppressed.</p>")

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", tr("Layer")))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("GeoPackage"), "GeoPackage (*.gpkg)"))

    def prepareAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> bool:
        """On the main thread, as QGIS's own Package layers does: a copy of the layer with its style and
        metadata as they are now, which the export then reads on the worker thread instead of the
        project layer (a re-class meanwhile would free the renderer under it)."""
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        if layer is None:
            raise QgsProcessingException(tr("choose the layer to export"))
        self._copy, self._transform = layer.clone(), context.transformContext()
        return True

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        out = Path(self.parameterAsFileOutput(parameters, "OUTPUT", context))
        out = out if out.suffix.lower() == ".gpkg" else out.with_suffix(".gpkg")
        try:
            export_layer(self._copy, out, self._transform)
        except LocalDataError as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": str(out)}
