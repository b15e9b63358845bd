"""What every JiN Processing algorithm shares: ids, names, group and help from class attributes."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..core.compat import FLAG_NO_THREADING, NUMBER_INTEGER
from ..help import help_url
from ..i18n import tr
from .choices import Choices, as_indexes


class JinAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set NAME, TITLE, GROUP and HELP; MAIN_THREAD only for those QGIS cannot run on a
    worker thread (print layouts); changes to project layers go in ``postProcessAlgorithm``, which
    QGIS runs on the main thread. ``choices`` names the enums that also take an id or label."""

    NAME = TITLE = GROUP = HELP = ""
    MAIN_THREAD = False

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:
        return tr(self.TITLE)

    def group(self) -> str:
        return tr(self.GROUP)

    def groupId(self) -> str:
        return self.GROUP.lower().replace(" ", "_")

    def shortHelpString(self) -> str:
        return tr(self.HELP)

    def helpUrl(self) -> str:
        """This algorithm's section of the help shipped with the plugin (works offline)."""
        return help_url("processing.html", self.NAME).toString()

    def createInstance(self) -> JinAlgorithm:
        return type(self)()

    def choices(self) -> dict[str, tuple[Choices, str]]:
        """Enum parameter name → its (id, label) options and what a value must be, for messages."""
        return {}

    def checkParameterValues(self, parameters: dict, context: QgsProcessingContext) -> tuple[bool, str]:
        """Ids and labels (any case) of the enums in ``choices`` pass as their index; a wrong one is
        refused with the valid ids."""
        try:
            parameters = as_indexes(parameters, self.choices())
        except QgsProcessingException as exc:
            return False, str(exc)
        return super().checkParameterValues(parameters, context)

    def flags(self):
        flags = super().flags()
        return flags | FLAG_NO_THREADING if self.MAIN_THREAD else flags


def add_map_output(alg: QgsProcessingAlgorithm) -> None:
    """The resolution and output file of an exported map (PDF, PNG or SVG by suffix)."""
    alg.addParameter(QgsProcessingParameterNumber("DPI", tr("Resolution (dpi)"), NUMBER_INTEGER,
                                                  300, minValue=50, maxValue=1200))
    alg.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("Map"),
                                                           "PDF (*.pdf);;PNG (*.png);;SVG (*.svg)"))
