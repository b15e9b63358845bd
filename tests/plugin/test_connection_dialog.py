"""The connection dialog as an analyst uses it against the real hub: a wrong password is fixed
where it was typed, QGIS never pops its own credential prompt, the message is shown whole, and
no sign-in is left behind."""

from __future__ import annotations

import uuid

import pytest
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsNetworkAccessManager
from qgis.PyQt.QtCore import QRect, Qt
from qgis.PyQt.QtTest import QTest

from jin_plugin.core import connections
from jin_plugin.ui.connection_dialog import ConnectionDialog
from tests.conftest import ANALYST, COUNCIL, QGIS_MASTER
from tests.plugin.helpers import wait_until


@pytest.fixture()
def qgis_prompts(qgis_app):
    """Every time QGIS's network manager asked its credential handler (in the desktop, the
    "Authentication required" dialog) for a user name and password, from any thread."""
    asked: list[tuple] = []
    manager = QgsNetworkAccessManager.instance()

    def count(*args) -> None:
        asked.append(args)

    manager.requestRequiresAuth.connect(count)
    yield asked
    manager.requestRequiresAuth.disconnect(count)


def stored(cfg_id: str) -> tuple[str, str]:
    cfg = QgsAuthMethodConfig()
    QgsApplication.authManager().loadAuthenticationConfig(cfg_id, cfg, True)
    return cfg.config("username"), cfg.config("password")


def press_test(dialog: ConnectionDialog, outcome: str) -> str:
    """Click "Test connection" and wait for the message saying ``outcome``."""
    QTest.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: outcome in dialog.result.text(), 60), dialog.result.text()
    return dialog.result.text()


def assert_all_visible(dialog: ConnectionDialog) -> None:
    """The message is shown whole, inside the dialog, and no form row is squeezed."""
    QgsApplication.processEvents()
    label = dialog.result
    assert label.isVisible() and label.height() >= label.heightForWidth(label.width()), \
        (label.height(), label.heightForWidth(label.width()))
    assert dialog.rect().contains(QRect(label.mapTo(dialog, label.rect().topLeft()), label.size()))
    for box in (dialog.name, dialog.url, dialog.username, dialog.password):
        assert box.isVisible() and box.height() >= box.minimumSizeHint().height(), box.height()


def new_dialog(hub_url: str, name: str) -> ConnectionDialog:
    """A new connection's dialog, shown, with its name, the hub's URL and the analyst's user name typed."""
    dialog = ConnectionDialog()
    dialog.resize(420, 200)                     # as small as the analyst may leave it
    dialog.show()
    dialog.name.setText(name)
    dialog.url.setText(hub_url)
    dialog.username.setText(ANALYST[0])
    return dialog


def test_a_wrong_password_is_fixed_in_the_dialog(hub_url, analyst_authcfg, qgis_prompts):
    manager = QgsApplication.authManager()
    before, name = set(manager.configIds()), f"Typo hub {uuid.uuid4().hex[:6]}"
    dialog = new_dialog(hub_url, name)
    dialog.password.setText("police-analyst-typo")
    refused = press_test(dialog, "refused your credentials")
    assert "Check the user name and password" in refused
    assert_all_visible(dialog)
    dialog.resize(300, 100)
    assert_all_visible(dialog)
    first = dialog.auth.configId()
    assert first and stored(first) == (ANALYST[0], "police-analyst-typo")

    dialog.password.setText(ANALYST[1])                       # the fix, typed where the mistake was
    assert "as police.analyst" in press_test(dialog, "Connected to JiN hub")
    assert dialog.auth.configId() == first and stored(first) == ANALYST
    assert qgis_prompts == []                                  # QGIS never asked for credentials
    dialog.accept()
    try:
        assert dialog.result.text().startswith("Connected") and connections.find(name).authcfg == first
        assert set(manager.configIds()) - before == {first}     # one sign-in, no orphans
    finally:
        connections.delete(name)
        manager.removeAuthenticationConfig(first)


def test_cancelling_leaves_every_sign_in_as_it_was(hub_url, analyst_authcfg, qgis_prompts):
    manager = QgsApplication.authManager()
    before, name = set(manager.configIds()), f"Cancelled hub {uuid.uuid4().hex[:6]}"
    dialog = new_dialog(hub_url, name)
    dialog.accept()                                            # a user name without its password
    assert "Type both your JiN user name and your password" in dialog.result.text()
    assert dialog.isVisible() and set(manager.configIds()) == before
    dialog.password.setText(ANALYST[1])
    press_test(dialog, "Connected to JiN hub")
    dialog.reject()
    assert set(manager.configIds()) == before and connections.find(name) is None

    saved = new_dialog(hub_url, name)
    saved.password.setText(ANALYST[1])
    saved.accept()
    cfg_id = saved.saved.authcfg
    try:
        edit = ConnectionDialog(saved.saved)
        edit.show()
        assert edit.auth.configId() == cfg_id
        edit.username.setText(ANALYST[0])
        edit.password.setText("a-wrong-guess")
        press_test(edit, "refused your credentials")
        assert edit.auth.configId() == cfg_id and stored(cfg_id)[1] == "a-wrong-guess"
        edit.reject()                                          # the saved password comes back
        assert stored(cfg_id) == ANALYST and set(manager.configIds()) == before | {cfg_id}
        other = new_dialog(hub_url, name + " (copy)")
        other.auth.setConfigId(cfg_id)                         # another connection's sign-in, chosen
        other.username.setText(COUNCIL[0])                     # (choosing it cleared the boxes)
        other.password.setText(COUNCIL[1])
        press_test(other, "as city.analyst")
        assert other.auth.configId() not in (cfg_id, "") and stored(cfg_id) == ANALYST
        other.reject()
        assert set(manager.configIds()) == before | {cfg_id}
        assert qgis_prompts == []
    finally:
        connections.delete(name)
        manager.removeAuthenticationConfig(cfg_id)


def test_the_master_password_prompt_is_announced(hub_url, analyst_authcfg):
    manager = QgsApplication.authManager()
    assert not ConnectionDialog().master_note.text()           # nothing to announce once it is given
    manager.clearMasterPassword()
    try:
        dialog = ConnectionDialog()
        dialog.show()
        QgsApplication.processEvents()
        note = dialog.master_note
        assert note.isVisible() and "master password" in note.text()
        assert note.height() >= note.heightForWidth(note.width())
    finally:
        assert manager.setMasterPassword(QGIS_MASTER, True)
