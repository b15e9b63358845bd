"""Colour themes per domain, so the same theme looks the same on every JiN map.

ColorBrewer schemes flagged safe for colour-blind readers and for print: sequential for counts
and rates, diverging for change and z-scores. The ramps also ship as a QGIS style file
(``resources/jin_themes.xml``), and the plugin registers them in the Style Manager while it is
loaded, so an analyst's own maps can use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsGradientColorRamp, QgsGradientStop, QgsStyle
from qgis.PyQt.QtGui import QColor

from ..i18n import QT_TR_NOOP, tr

STYLE_FILE = Path(__file__).resolve().parents[1] / "resources" / "jin_themes.xml"


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    colours: tuple[str, ...]            # light to dark (diverging: low, middle, high)
    diverging: bool = False

    @property
    def ramp_name(self) -> str:
        return f"JiN {self.title}"

    def ramp(self) -> QgsGradientColorRamp:
        first, *middle, last = self.colours
        stops = [QgsGradientStop((i + 1) / (len(self.colours) - 1), QColor(c)) for i, c in enumerate(middle)]
        return QgsGradientColorRamp(QColor(first), QColor(last), False, stops)

    def colour(self, i: int, n: int) -> QColor:
        """Colour of class ``i`` of ``n`` (sequential themes start a little above white, so the
        lowest class stays visible against zero)."""
        if self.diverging:
            return self.ramp().color(i / max(1, n - 1))
        return self.ramp().color(0.12 + 0.88 * i / max(1, n - 1))


THEMES = {t.id: t for t in (
    Theme("crime", QT_TR_NOOP("Crime"), ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")),              # OrRd
    Theme("asb", QT_TR_NOOP("Anti-social behaviour"),                                               # Purples
          ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")),
    Theme("fire", QT_TR_NOOP("Fire"), ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404")),                 # YlOrBr
    Theme("education", QT_TR_NOOP("Education"), ("#f0f9e8", "#bae4bc", "#7bccc4", "#43a2ca", "#0868ac")),       # GnBu
    Theme("population", QT_TR_NOOP("Population"), ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")),    # Greens
    Theme("reference", QT_TR_NOOP("Reference"), ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")),   # YlGnBu
    Theme("comparison", QT_TR_NOOP("Change and z-scores"), ("#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b"),
          diverging=True),                                                                           # RdBu
)}


def theme_for(theme_id: str) -> Theme:
    """The theme of a catalogue theme id ('crime', 'asb', ...), crime when unknown."""
    return THEMES.get((theme_id or "").lower(), THEMES["crime"])


#: the order analysts see catalogue themes in (others follow alphabetically)
THEME_ORDER = ("crime", "asb", "fire", "education", "population", "reference")


def theme_title(theme: str) -> str:
    """Readable name of a catalogue theme id, in the analyst's language."""
    return tr(THEMES[theme].title) if theme in THEMES else theme.replace("_", " ").capitalize()


def register_ramps(style: QgsStyle) -> list[str]:
    """Add the themes' ramps to ``style`` (the Style Manager's), tagged "JiN"; the names added. A
    ramp of the same name the analyst already has is left as it is."""
    added = []
    for theme in THEMES.values():
        if theme.ramp_name not in style.colorRampNames() and style.addColorRamp(theme.ramp_name, theme.ramp(), True):
            style.tagSymbol(QgsStyle.StyleEntity.ColorrampEntity, theme.ramp_name, ["JiN"])
            added.append(theme.ramp_name)
    return added


def unregister_ramps(style: QgsStyle, names: list[str]) -> None:
    """Take back the ramps ``register_ramps`` added (the plugin is unloaded or uninstalled)."""
    for name in names:
        style.removeColorRamp(name)
