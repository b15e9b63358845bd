"""The JiN panel's own message line, under its tabs.

QGIS stacks messages on its message bar, newest on top, and pushes its own (coordinate transform
choices, for one) as layers are added; a Compare or Local data outcome pushed a moment before was
hidden under them. The line keeps the latest JiN message in the panel until the next one or until
the analyst closes it, coloured by how much it matters.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import Qgis
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from ..i18n import QT_TR_NOOP, tr

#: (background, border) by message level: the message bar's colours, light enough for dark text.
COLOURS = {
    Qgis.MessageLevel.Info: ("#e8f1fb", "#6c9bd2"),
    Qgis.MessageLevel.Success: ("#e9f6e5", "#6fae5f"),
    Qgis.MessageLevel.Warning: ("#fff6d6", "#d6a928"),
    Qgis.MessageLevel.Critical: ("#fde7e7", "#d05a5a"),
}
#: Words read out before the text, since colour alone says nothing to a screen reader.
LEVEL_WORDS = {Qgis.MessageLevel.Warning: QT_TR_NOOP("Warning"), Qgis.MessageLevel.Critical: QT_TR_NOOP("Error")}


class MessageLine(QWidget):
    """The latest JiN message, word-wrapped and selectable; hidden until there is one."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("JinMessageLine")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 2, 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(tr("Hide this message"))
        self.close_button.setAccessibleName(tr("Hide the message"))
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.text, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.level = Qgis.MessageLevel.Info
        self.hide()

    def show_message(self, text: str, level: Qgis.MessageLevel = Qgis.MessageLevel.Info) -> None:
        self.level = level
        background, border = COLOURS.get(level, COLOURS[Qgis.MessageLevel.Info])
        self.setStyleSheet(f"#JinMessageLine {{ background: {background}; border-left: 4px solid {border}; }}"
                           "#JinMessageLine QLabel { color: #1d1d1d; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text.setText(text)
        word = LEVEL_WORDS.get(level)
        self.text.setAccessibleName(tr("{level}: {text}").format(level=tr(word), text=text) if word else text)
        self.show()
