"""The "Results folder" picker of the Compare and Local data tabs: one choice shared by both, kept
with the project; left empty it shows where results go by default, and the picker opens at the
last folder chosen in any project."""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QEvent, QObject

from ..core.results_folder import choose_folder, chosen_folder, default_folder, suggested_folder
from ..i18n import tr


class _Binding(QObject):
    """Keeps a folder picker on ``results_folder``'s choice: re-read when the picker is shown (the
    other tab may have changed it) and when a project is opened, saved elsewhere or closed."""

    def __init__(self, box: QgsFileWidget):
        super().__init__(box)
        self.box = box
        self.refresh()
        box.fileChanged.connect(choose_folder)
        box.installEventFilter(self)
        project = QgsProject.instance()
        for signal in (project.readProject, project.fileNameChanged, project.cleared):
            signal.connect(self.refresh)

    def refresh(self, *_) -> None:
        """Show the project's choice, the default as the empty box's placeholder, and start the
        picker at the last folder chosen."""
        self.box.blockSignals(True)
        self.box.setFilePath(chosen_folder())
        self.box.blockSignals(False)
        self.box.lineEdit().setPlaceholderText(str(default_folder()))
        self.box.setDefaultRoot(suggested_folder())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.refresh()
        return False


def results_folder_box() -> QgsFileWidget:
    """A folder picker (QGIS's own widget) bound to the results-folder choice."""
    box = QgsFileWidget()
    box.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
    box.setDialogTitle(tr("Folder for JiN results"))
    box.setToolTip(tr("Where Compare, Change, Join and Count save their layers and summaries. Empty: a "
                      "“JiN results” folder beside the saved project, else in your QGIS profile."))
    _Binding(box)
    return box
