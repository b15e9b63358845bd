"""Processing algorithm 'Apply JiN theme': the panel's choropleth for models and batch styling."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorLayer,
)

from ..core.compat import FIELD_NUMERIC, NUMBER_INTEGER, field_names
from ..core.option_lists import CLASSIFICATIONS
from ..core.symbology import apply_choropleth, classify, save_style
from ..core.themes import THEMES, theme_for
from ..i18n import QT_TR_NOOP, tr
from .base import JinAlgorithm
from .choices import Choices, chosen, enum_parameter, translated

OWN_THEME = ""


def theme_options() -> Choices:
    return [(OWN_THEME, tr("(the layer's own)")), *((t.id, tr(t.title)) for t in THEMES.values())]


def method_options() -> Choices:
    return translated(CLASSIFICATIONS)


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

    def choices(self) -> dict:
        return {"THEME": (theme_options(), tr("a JiN theme")), "METHOD": (method_options(), tr("a classification"))}

    def initAlgorithm(self, config=None) -> None:
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", tr("Layer")))
        self.addParameter(QgsProcessingParameterField("FIELD", tr("Value"), "count", "INPUT",
                                                      FIELD_NUMERIC))
        self.addParameter(enum_parameter("THEME", tr("Theme"), theme_options()))
        self.addParameter(enum_parameter("METHOD", tr("Classification"), method_options()))
        self.addParameter(QgsProcessingParameterNumber("CLASSES", tr("Classes"),
                                                       NUMBER_INTEGER, 5, minValue=2,
                                                       maxValue=9))
        self.addParameter(QgsProcessingParameterBoolean("SAVE_DEFAULT", tr("Save as the layer's default style"), True))
        self.addParameter(QgsProcessingParameterFileDestination("EXPORT", tr("Export style (QML or SLD)"),
                                                                "QGIS style (*.qml);;SLD (*.sld)", optional=True))
        self.addOutput(QgsProcessingOutputVectorLayer("OUTPUT", tr("Styled layer")))

    def processAlgorithm(self, parameters, context, feedback) -> dict:
        """Reads and classifies the values on the worker thread; the layer is styled afterwards, on the
        main thread (``postProcessAlgorithm``), as a project layer's renderer must be."""
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        field = field_names(self, parameters, "FIELD", context)[0]
        theme = chosen(self, parameters, "THEME", context, *self.choices()["THEME"]) or None
        method = chosen(self, parameters, "METHOD", context, *self.choices()["METHOD"])
        classes = self.parameterAsInt(parameters, "CLASSES", context)
        diverging = theme_for(theme or layer.customProperty("jin/theme", "")).diverging
        self._styling = (layer, field, classes, method, theme,
                         None if diverging else classify(layer, field, classes, method))
        self._export = self.parameterAsFileOutput(parameters, "EXPORT", context)
        self._save = self.parameterAsBool(parameters, "SAVE_DEFAULT", context)
        return {"OUTPUT": layer.id(), **({"EXPORT": self._export} if self._export else {})}

    def postProcessAlgorithm(self, context, feedback) -> dict:
        layer, field, classes, method, theme, breaks = self._styling
        breaks = apply_choropleth(layer, field, classes, method, theme, breaks)
        feedback.pushInfo(tr("Classes: {classes}").format(classes="; ".join(b.label for b in breaks)))
        try:
            if self._save or self._export:
                save_style(layer, Path(self._export) if self._export else None)
        except (OSError, ValueError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {}
