"""Make a panel fit where the Layers panel fits (300 px) and a 1366×768 laptop.

Qt sizes a combo box to its longest item and a form to its widest row, so one long partner name or
a row of three controls made the JiN panel 660 px wide. Here combo boxes elide (their drop-down
still shows every item in full), form rows wrap their label above the field when narrow, and each
tab scrolls vertically rather than pushing the task manager off-screen.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QEvent, Qt
from qgis.PyQt.QtWidgets import QApplication, QComboBox, QFormLayout, QFrame, QScrollArea, QSizePolicy, QWidget

#: Characters a combo box shows before it elides; its drop-down shows whole items.
SHOWN_CHARACTERS = 4
#: The widest a drop-down list grows to show its items in full.
POPUP_MAX = 520


def _popup_fits(combo: QComboBox) -> None:
    """Let the drop-down list be as wide as its longest item (within POPUP_MAX), not the combo."""
    view = combo.view()
    view.setMinimumWidth(min(POPUP_MAX, view.sizeHintForColumn(0) + 24))


def narrow_combo(combo: QComboBox) -> None:
    """``combo`` keeps a small minimum width, grows with the panel, and lists items in full."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(SHOWN_CHARACTERS)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, combo.sizePolicy().verticalPolicy())
    model = combo.model()
    for signal in (model.rowsInserted, model.modelReset, model.dataChanged):
        signal.connect(lambda *_args, c=combo: _popup_fits(c))
    _popup_fits(combo)
    # Qt 5 keeps the minimum size it measured under the old policy until the style changes.
    QApplication.sendEvent(combo, QEvent(QEvent.Type.StyleChange))


def fit_narrow(root: QWidget) -> None:
    """Apply the narrow-panel rules to every combo box and form under ``root``."""
    for combo in root.findChildren(QComboBox):
        narrow_combo(combo)
    for form in root.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)


def scrolled(page: QWidget) -> QScrollArea:
    """``page`` in a frameless area that scrolls when the dock is short."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # Tab goes from control to control, not to the frame
    area.setWidget(page)
    return area
