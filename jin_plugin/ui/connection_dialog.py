"""New / edit a named hub connection: name, URL and sign-in, with 'Test connection'.

The sign-in is a QGIS authentication configuration. Analysts without one type their JiN user name
and password here and the dialog creates a Basic configuration in QGIS's encrypted store; only its
id is kept in the settings.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsApplication, QgsTask
from qgis.gui import QgsAuthConfigSelect
from qgis.PyQt.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core import connections
from ..core.auth import AuthSetupError, basic_config
from ..core.connection import ConnectionReport, test_connection
from ..core.connections import Connection, InvalidConnection
from ..i18n import tr


class ConnectionDialog(QDialog):
    """Edit ``existing`` (or make a new connection); ``saved`` holds the result after OK."""

    def __init__(self, existing: Optional[Connection] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Edit JiN hub connection") if existing else tr("New JiN hub connection"))
        self.existing = existing
        self.saved: Optional[Connection] = None
        self.tasks: list[QgsTask] = []
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText(tr("JiN hub (live)"))
        self.url = QLineEdit(existing.url if existing else "")
        self.url.setPlaceholderText("https://jin-hub.example.org")
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("URL"), self.url)
        layout.addLayout(form)
        self.auth = QgsAuthConfigSelect(self)
        if existing and existing.authcfg in QgsApplication.authManager().configIds():
            self.auth.setConfigId(existing.authcfg)
        layout.addWidget(self.auth)
        create = QGroupBox(tr("…or create a sign-in (stored encrypted by QGIS)"))
        create_form = QFormLayout(create)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        create_form.addRow(tr("JiN user name"), self.username)
        create_form.addRow(tr("Password"), self.password)
        layout.addWidget(create)
        self.test_button = QPushButton(tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        layout.addWidget(self.test_button)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _authcfg(self) -> str:
        """The chosen configuration, or a new Basic one from the typed user name and password."""
        if self.auth.configId() or not self.username.text().strip():
            return self.auth.configId()
        name = f"JiN – {self.name.text().strip() or self.url.text().strip()}"
        cfg = basic_config(name, self.username.text().strip(), self.password.text(), self.url.text().strip())
        self.auth.setConfigId(cfg)
        self.password.clear()
        return cfg

    def test(self) -> Optional[QgsTask]:
        """Check reachability, that it is a JiN hub, and the sign-in, in the background."""
        try:
            url, authcfg = self.url.text().strip(), self._authcfg()
        except AuthSetupError as exc:
            self.result.setText(str(exc))
            return None
        self.result.setText(tr("Testing {url}…").format(url=url))
        outcome: list[ConnectionReport] = []

        def finished(*_):
            self.result.setText(outcome[0].message if outcome else tr("The test was cancelled."))

        task = QgsTask.fromFunction(tr("JiN: testing the connection"),
                                    lambda _task: outcome.append(test_connection(url, authcfg)), on_finished=finished)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
        return task

    def accept(self) -> None:
        try:
            candidate = Connection(self.name.text(), self.url.text(), self._authcfg())
            self.saved = connections.save(candidate, self.existing.name if self.existing else "")
        except (InvalidConnection, AuthSetupError) as exc:
            self.result.setText(str(exc))
            return
        super().accept()
