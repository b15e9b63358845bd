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
from .base import JinAlgorithm

THEME_CHOICES = ["(the layer's own)", *THEMES]


class ThemeAlgorithm(JinAlgorithm):
    NAME = "theme"
    TITLE = "Apply JiN theme"
    GROUP = "Maps"
    HELP = ("Graduated choropleth in the JiN theme colours, with its own legend entries for zero, suppressed and "
            "no data. Saves the style as the layer's default in its GeoPackage and, optionally, as QML or SLD to "
            "share.")
    MAIN_THREAD = True

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", "Layer"))
        self.addParameter(QgsProcessingParameterField("FIELD", "Value", "count", "INPUT",
                                                      FIELD_NUMERIC))
        self.addParameter(QgsProcessingParameterEnum("THEME", "Theme", THEME_CHOICES, defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum("METHOD", "Classification", list(METHODS), defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber("CLASSES", "Classes",
                                                       NUMBER_INTEGER, 5, minValue=2,
                                                       maxValue=9))
        self.addParameter(QgsProcessingParameterBoolean("SAVE_DEFAULT", "Save as the layer's default style", True))
        self.addParameter(QgsProcessingParameterFileDestination("EXPORT", "Export style (QML or SLD)",
                                                                "QGIS style (*.qml);;SLD (*.sld)", optional=True))
        self.addOutput(QgsProcessingOutputVectorLayer("OUTPUT", "Styled layer"))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        field = field_names(self, parameters, "FIELD", context)[0]
        theme = THEME_CHOICES[self.parameterAsEnum(parameters, "THEME", context)]
        method = list(METHODS)[self.parameterAsEnum(parameters, "METHOD", context)]
        breaks = apply_choropleth(layer, field, self.parameterAsInt(parameters, "CLASSES", context), method,
                                  None if theme.startswith("(") else theme)
        feedback.pushInfo("Classes: " + "; ".join(b.label for b in breaks))
        export = self.parameterAsFileOutput(parameters, "EXPORT", context)
        try:
            if self.parameterAsBool(parameters, "SAVE_DEFAULT", context) or export:
                save_style(layer, Path(export) if export else None)
        except (OSError, ValueError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {"OUTPUT": layer.id(), **({"EXPORT": export} if export else {})}
