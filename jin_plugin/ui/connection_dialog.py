"""New / edit a named hub connection: name, URL and sign-in, with 'Test connection'.

The sign-in is a QGIS authentication configuration. Analysts without one type their JiN user name
and password here and the dialog stores a Basic configuration in QGIS's encrypted store; only its
id is kept in the settings. Typing a corrected password changes that same configuration, so a
wrong password can be fixed where it was typed, and cancelling leaves no configuration behind.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsApplication, QgsTask
from qgis.gui import QgsAuthConfigSelect
from qgis.PyQt.QtCore import Qt
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
from ..core.auth import SIGN_IN_PREFIX, AuthSetupError, SignInEdits, made_by_jin, master_password_note
from ..core.connection import ConnectionReport, test_connection
from ..core.connections import Connection, InvalidConnection
from ..i18n import tr


def _message_label() -> QLabel:
    """A label that wraps and grows to show all of a long message (never a cut-off line)."""
    label = QLabel("")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConnectionDialog(QDialog):
    """Edit ``existing`` (or make a new connection); ``saved`` holds the result after OK."""

    def __init__(self, existing: Optional[Connection] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Edit JiN hub connection") if existing else tr("New JiN hub connection"))
        self.existing = existing
        self.saved: Optional[Connection] = None
        self.tasks: list[QgsTask] = []
        self.edits = SignInEdits()
        self.typed: tuple[str, str, str] = ("", "", "")     # (authcfg, user, password) stored from the boxes
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
        self.auth.selectedConfigIdChanged.connect(self._chosen)
        layout.addWidget(self.auth)
        create = QGroupBox(tr("…or type your JiN user name and password"))
        create.setToolTip(tr("QGIS stores them encrypted, as a sign-in you can choose above next time."))
        create_form = QFormLayout(create)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        create_form.addRow(tr("JiN user name"), self.username)
        create_form.addRow(tr("Password"), self.password)
        self.master_note = _message_label()
        create_form.addRow(self.master_note)
        layout.addWidget(create)
        self.test_button = QPushButton(tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        layout.addWidget(self.test_button)
        self.result = _message_label()
        layout.addWidget(self.result)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_master_note()

    def _show_master_note(self) -> None:
        note = master_password_note()
        self.master_note.setText(note)
        self.master_note.setVisible(bool(note))
        self._fit()

    def _chosen(self, cfg_id: str) -> None:
        """Another sign-in chosen in the list: the typed user name and password were not for it."""
        if cfg_id != self.typed[0]:
            self.username.clear()
            self.password.clear()
            self.typed = ("", "", "")

    def _authcfg(self) -> str:
        """The chosen configuration, after storing the typed user name and password in it if JiN
        made it for this connection (else in a new one); unchanged boxes are not stored again."""
        chosen, user, password = self.auth.configId(), self.username.text().strip(), self.password.text()
        if (not user and not password) or (chosen, user, password) == self.typed:
            return chosen
        if not user or not password:
            raise AuthSetupError(tr("Type both your JiN user name and your password, or clear both to use the "
                                    "sign-in chosen above."))
        name = SIGN_IN_PREFIX + (self.name.text().strip() or self.url.text().strip())
        others = {c.authcfg for c in connections.connections() if not self.existing or c.name != self.existing.name}
        own = chosen if made_by_jin(chosen) and chosen not in others else ""     # never another connection's
        cfg = self.edits.store(own, name, user, password, self.url.text().strip(), others)
        self.typed = (cfg, user, password)
        self.auth.setConfigId(cfg)
        self._show_master_note()
        return cfg

    def _say(self, message: str) -> None:
        """Show ``message`` whole: the dialog grows to fit it."""
        self.result.setText(message)
        self._fit()

    def _fit(self) -> None:
        """Keep the dialog tall enough for its wrapped messages at its width. Qt's layouts do not
        raise a window's minimum height for them: a long message squeezed the rows above it."""
        self.setMinimumHeight(self.layout().totalHeightForWidth(self.width()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def test(self) -> Optional[QgsTask]:
        """Check reachability, that it is a JiN hub, and the sign-in, in the background."""
        try:
            url, authcfg = self.url.text().strip(), self._authcfg()
        except AuthSetupError as exc:
            self._say(str(exc))
            return None
        self._say(tr("Testing {url}…").format(url=url))
        outcome: list[ConnectionReport] = []

        def finished(*_):
            self._say(outcome[0].message if outcome else tr("The test was cancelled."))

        task = QgsTask.fromFunction(tr("JiN: testing the connection"),
                                    lambda _task: outcome.append(test_connection(url, authcfg)), on_finished=finished)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
        return task

    def accept(self) -> None:
        try:
            connections.check(Connection(self.name.text(), self.url.text()))     # before storing a sign-in
            candidate = Connection(self.name.text(), self.url.text(), self._authcfg())
            self.saved = connections.save(candidate, self.existing.name if self.existing else "")
        except (InvalidConnection, AuthSetupError) as exc:
            self._say(str(exc))
            return
        self.edits.keep(self.saved.authcfg, {c.authcfg for c in connections.connections()})
        super().accept()

    def reject(self) -> None:
        self.edits.undo()
        super().reject()
