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
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm


class ChangeAlgorithm(JinAlgorithm):
    NAME = "change"
    TITLE = QT_TR_NOOP("Change between two periods")
    GROUP = QT_TR_NOOP("Comparisons")
    HELP = QT_TR_NOOP(
        "<p>The same count in two periods, area by area: the difference, the ratio, and an exact test of whether "
        "the two counts share one rate, so you can tell a real change from chance.</p>"
        "<p><b>Inputs:</b> the earlier and the later layer (JiN layers of the same dataset, geography and "
        "category, or your own polygon layers), the count field of each, and the area code field they share.</p>"
        "<p><b>Output:</b> a GeoPackage layer with, per area, both counts (before, after), the difference, the "
        "ratio, the test's p-value and the change: a significant rise, a fall, or no significant change at 5 %.</p>"
        "<p><b>Disclosure control:</b> areas whose count is withheld (suppressed) in either period are excluded, "
        "never differenced against zero. Published counts carry noise of up to ±3, so small changes in small "
        "counts mean little; the test tells you which changes stand out.</p>")

    def initAlgorithm(self, config=None) -> None:
        polygons = [SOURCE_POLYGON]
        for key, label in (("BEFORE", tr("Earlier period")), ("AFTER", tr("Later period"))):
            self.addParameter(QgsProcessingParameterFeatureSource(key, label, polygons))
            self.addParameter(QgsProcessingParameterField(f"{key}_FIELD", tr("{period}: count").format(period=label),
                                                          "count", key, FIELD_NUMERIC))
        self.addParameter(QgsProcessingParameterString("CODE_FIELD", tr("Area code field"), "area_code"))
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", tr("Change"),
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
        feedback.pushInfo(tr("{n} areas written to {path}").format(n=len(data.codes), path=out))
        return {"OUTPUT": str(out)}
