"""The "Results folder" picker of the Compare and Local data tabs: one choice shared by both, kept
with the project; left empty it shows where results go by default."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsProject
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import QWidget

from ..core.results_folder import choose_folder, chosen_folder, default_folder
from ..i18n import tr


class ResultsFolderBox(QgsFileWidget):
    """A folder picker bound to ``results_folder``'s choice; it re-reads the choice when shown (the
    other tab may have changed it) and when a project is opened or saved elsewhere."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.setDialogTitle(tr("Folder for JiN results"))
        self.setToolTip(tr("Where Compare, Change, Join and Count save their layers and summaries. Empty: a "
                           "“JiN results” folder beside the saved project, else in your QGIS profile."))
        self.refresh()
        self.fileChanged.connect(self._chosen)
        project = QgsProject.instance()
        for signal in (project.readProject, project.fileNameChanged, project.cleared):
            signal.connect(self.refresh)

    def refresh(self, *_) -> None:
        """Show the current choice, and the default as the empty box's placeholder."""
        self.blockSignals(True)
        self.setFilePath(chosen_folder())
        self.blockSignals(False)
        self.lineEdit().setPlaceholderText(str(default_folder()))

    def _chosen(self, path: str) -> None:
        choose_folder(path)

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)
