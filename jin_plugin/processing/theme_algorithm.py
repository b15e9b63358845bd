"""Processing algorithm 'Apply JiN theme': the panel's choropleth for models and batch styling."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorLayer,
)

from ..core.compat import FIELD_NUMERIC, NUMBER_INTEGER, field_names
from ..core.symbology import METHODS, apply_choropleth, save_style
from ..core.themes import THEMES
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm

THEME_CHOICES = [QT_TR_NOOP("(the layer's own)"), *THEMES]


class ThemeAlgorithm(JinAlgorithm):
    NAME = "theme"
    TITLE = QT_TR_NOOP("Apply JiN theme")
    GROUP = QT_TR_NOOP("Maps")
    HELP = QT_TR_NOOP(
        "<p>Styles a layer as a graduated choropleth in the JiN theme colours (colour-blind safe, printable), as "
        "the panel does when it adds a layer.</p>"
        "<p><b>Inputs:</b> the layer, the field to classify (count or rate), the theme (or the layer's own, from "
        "its dataset), the classification method and the number of classes (2–9).</p>"
        "<p><b>Outputs:</b> the styled layer; the style saved as the default inside its GeoPackage and, optionally, "
        "exported as QML or SLD to share.</p>"
        "<p><b>Disclosure control:</b> zero, suppressed and no-data areas get their own legend entries and are "
        "never a class colour: suppressed areas are hatched grey, so a withheld count is never mistaken for zero "
        "or for missing data.</p>")
    MAIN_THREAD = True

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", tr("Layer")))
        self.addParameter(QgsProcessingParameterField("FIELD", tr("Value"), "count", "INPUT",
                                                      FIELD_NUMERIC))
        self.addParameter(QgsProcessingParameterEnum("THEME", tr("Theme"), [tr(THEME_CHOICES[0]), *THEMES],
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum("METHOD", tr("Classification"), list(METHODS), defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber("CLASSES", tr("Classes"),
                                                       NUMBER_INTEGER, 5, minValue=2,
                                                       maxValue=9))
        self.addParameter(QgsProcessingParameterBoolean("SAVE_DEFAULT", tr("Save as the layer's default style"), True))
        self.addParameter(QgsProcessingParameterFileDestination("EXPORT", tr("Export style (QML or SLD)"),
                                                                "QGIS style (*.qml);;SLD (*.sld)", optional=True))
        self.addOutput(QgsProcessingOutputVectorLayer("OUTPUT", tr("Styled layer")))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        field = field_names(self, parameters, "FIELD", context)[0]
        theme = THEME_CHOICES[self.parameterAsEnum(parameters, "THEME", context)]
        method = list(METHODS)[self.parameterAsEnum(parameters, "METHOD", context)]
        breaks = apply_choropleth(layer, field, self.parameterAsInt(parameters, "CLASSES", context), method,
                                  None if theme.startswith("(") else theme)
        feedback.pushInfo(tr("Classes: {classes}").format(classes="; ".join(b.label for b in breaks)))
        export = self.parameterAsFileOutput(parameters, "EXPORT", context)
        try:
            if self.parameterAsBool(parameters, "SAVE_DEFAULT", context) or export:
                save_style(layer, Path(export) if export else None)
        except (OSError, ValueError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": layer.id(), **({"EXPORT": export} if export else {})}
