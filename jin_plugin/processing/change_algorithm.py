"""Processing algorithm 'Change between two periods': difference, ratio and an exact test per area."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..core.change_layer import read_change, write_change
from ..core.compare import CompareError, Measure
from ..core.compat import FIELD_NUMERIC, SOURCE_POLYGON, field_names
from .base import JinAlgorithm


class ChangeAlgorithm(JinAlgorithm):
    NAME = "change"
    TITLE = "Change between two periods"
    GROUP = "Comparisons"
    HELP = ("The same count in two periods, area by area: difference, ratio, and an exact test of whether the "
            "change is more than chance. Withheld counts are excluded, never read as zero.")

    def initAlgorithm(self, config=None) -> None:
        polygons = [SOURCE_POLYGON]
        for key, label in (("BEFORE", "Earlier period"), ("AFTER", "Later period")):
            self.addParameter(QgsProcessingParameterFeatureSource(key, label, polygons))
            self.addParameter(QgsProcessingParameterField(f"{key}_FIELD", f"{label}: count", "count", key,
                                                          FIELD_NUMERIC))
        self.addParameter(QgsProcessingParameterString("CODE_FIELD", "Area code field", "area_code"))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", "Change",
                                                                  SOURCE_POLYGON))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        code = self.parameterAsString(parameters, "CODE_FIELD", context) or "area_code"
        measures = [Measure(self.parameterAsSource(parameters, key, context),
                            field_names(self, parameters, f"{key}_FIELD", context)[0], code_field=code)
                    for key in ("BEFORE", "AFTER")]
        out = Path(self.parameterAsOutputLayer(parameters, "OUTPUT", context))
        out = out if out.suffix.lower() == ".gpkg" else out.with_suffix(".gpkg")
        try:
            data = read_change(*measures)
        except CompareError as exc:
            raise QgsProcessingException(str(exc)) from exc
        write_change(data, out)
        feedback.pushInfo(f"{len(data.codes)} areas written to {out}")
        return {"OUTPUT": str(out)}
