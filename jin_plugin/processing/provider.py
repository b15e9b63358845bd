"""The 'JiN' Processing provider."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from .change_algorithm import ChangeAlgorithm
from .compare_algorithm import CompareAlgorithm
from .fetch_algorithm import FetchAlgorithm
from .layout_algorithm import ComparisonLayoutAlgorithm, LayoutAlgorithm
from .local_algorithms import CountPointsAlgorithm, ExportLayerAlgorithm, JoinTableAlgorithm
from .theme_algorithm import ThemeAlgorithm

ICON = Path(__file__).resolve().parents[1] / "icons" / "jin.svg"


class JinProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "jin"

    def name(self) -> str:
        return "JiN"

    def longName(self) -> str:
        return tr("JiN — Joined-up Information Nottinghamshire")

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def loadAlgorithms(self) -> None:
        self.addAlgorithm(FetchAlgorithm())
        self.addAlgorithm(CompareAlgorithm())
        self.addAlgorithm(ChangeAlgorithm())
        self.addAlgorithm(ThemeAlgorithm())
        self.addAlgorithm(LayoutAlgorithm())
        self.addAlgorithm(ComparisonLayoutAlgorithm())
        self.addAlgorithm(JoinTableAlgorithm())
        self.addAlgorithm(CountPointsAlgorithm())
        self.addAlgorithm(ExportLayerAlgorithm())
