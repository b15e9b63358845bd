"""Processing algorithms for local data: join a table to JiN areas by code, and count points in
JiN areas. Both run on this PC only."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.compat import SOURCE_POINT, SOURCE_POLYGON, SOURCE_VECTOR, field_names
from ..core.local_data import LocalDataError, count_points, export_layer, join_table
from .base import JinAlgorithm


class _Local(JinAlgorithm):
    GROUP = "Local data"
    MAIN_THREAD = True

    def _add_areas(self) -> None:
        """The JiN area layer the local data is joined or counted into."""
        self.addParameter(QgsProcessingParameterVectorLayer("AREAS", "JiN areas",
                                                            [SOURCE_POLYGON]))

    def _out(self, parameters, context) -> Path:
        out = Path(self.parameterAsOutputLayer(parameters, "OUTPUT", context))
        return out if out.suffix.lower() == ".gpkg" else out.with_suffix(".gpkg")


class JoinTableAlgorithm(_Local):
    NAME = "join_table"
    TITLE = "Join a local table to JiN areas"
    HELP = ("Adds the table's columns (prefixed local_) to the areas with the same code, and reports the table's "
            "codes that match no area. The table never leaves this PC.")

    def initAlgorithm(self, config=None) -> None:
        self._add_areas()
        self.addParameter(QgsProcessingParameterVectorLayer("TABLE", "Local table (CSV, Excel, layer)",
                                                            [SOURCE_VECTOR]))
        self.addParameter(QgsProcessingParameterField("TABLE_CODE", "Area code column", None, "TABLE"))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", "Joined"))
        self.addOutput(QgsProcessingOutputString("UNMATCHED", "Codes that match no area"))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        areas = self.parameterAsVectorLayer(parameters, "AREAS", context)
        table = self.parameterAsVectorLayer(parameters, "TABLE", context)
        code = field_names(self, parameters, "TABLE_CODE", context)[0]
        out = self._out(parameters, context)
        try:
            _, report = join_table(areas, table, code, out)
        except LocalDataError as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.pushInfo(f"{report.matched} areas matched; {len(report.unmatched_codes)} codes in the table "
                          f"match no area: {', '.join(report.unmatched_codes[:20])}")
        return {"OUTPUT": str(out), "UNMATCHED": ",".join(report.unmatched_codes)}


class CountPointsAlgorithm(_Local):
    NAME = "count_points"
    TITLE = "Count local points in JiN areas"
    HELP = ("Counts your own points (incidents, visits) in each area, with a rate per 1,000 of the JiN layer's "
            "denominator, and reports points outside every area. The points never leave this PC.")

    def initAlgorithm(self, config=None) -> None:
        self._add_areas()
        self.addParameter(QgsProcessingParameterVectorLayer("POINTS", "Local points",
                                                            [SOURCE_POINT]))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", "Counts"))
        self.addOutput(QgsProcessingOutputNumber("OUTSIDE", "Points outside every area"))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        areas = self.parameterAsVectorLayer(parameters, "AREAS", context)
        points = self.parameterAsVectorLayer(parameters, "POINTS", context)
        out = self._out(parameters, context)
        _, report = count_points(areas, points, out)
        feedback.pushInfo(f"{report.matched} points counted; {report.outside} outside every area; "
                          f"{report.no_geometry} without a location")
        return {"OUTPUT": str(out), "OUTSIDE": report.outside}


class ExportLayerAlgorithm(_Local):
    NAME = "export_layer"
    TITLE = "Export a layer with its JiN style and metadata"
    HELP = ("Writes the layer to a GeoPackage that carries its style (as the default) and its metadata (abstract, "
            "licence, attribution, provenance), so the file explains itself when shared.")

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", "Layer"))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", "GeoPackage", "GeoPackage (*.gpkg)"))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        out = Path(self.parameterAsFileOutput(parameters, "OUTPUT", context))
        out = out if out.suffix.lower() == ".gpkg" else out.with_suffix(".gpkg")
        try:
            export_layer(layer, out)
        except LocalDataError as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": str(out)}
