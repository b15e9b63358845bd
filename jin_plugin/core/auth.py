"""QGIS authentication configurations (authcfg) for JiN hubs.

Credentials live in QGIS's encrypted authentication database, never in plain settings: the plugin
stores only the authcfg id. A Basic config works for the plugin and for QGIS's own OAPIF provider.
"""

from __future__ import annotations

from qgis.core import QgsApplication, QgsAuthMethodConfig

from ..i18n import tr

#: How the sign-ins JiN's connection dialog makes are named (followed by the connection's name).
SIGN_IN_PREFIX = "JiN – "


class AuthSetupError(RuntimeError):
    """The QGIS authentication database cannot store the configuration."""


def find_config(name: str) -> str:
    """The id of the authcfg called ``name`` (empty if none)."""
    for cfg_id, cfg in QgsApplication.authManager().availableAuthMethodConfigs().items():
        if cfg.name() == name:
            return cfg_id
    return ""


def basic_config(name: str, username: str, password: str, url: str = "") -> str:
    """Create (or update, by name) a Basic authcfg and return its id.

    QGIS asks for its master password the first time the authentication database is used; headless
    callers must have set it (``QgsAuthManager.setMasterPassword``) beforehand.
    """
    return store_basic(find_config(name), name, username, password, url)


def store_basic(cfg_id: str, name: str, username: str, password: str, url: str = "") -> str:
    """Store a Basic authcfg and return its id: ``cfg_id`` changed in place (its id, which
    connections and projects keep, stays), or a new one when ``cfg_id`` is empty or gone."""
    manager = QgsApplication.authManager()
    if manager.isDisabled():
        raise AuthSetupError(tr("QGIS authentication is disabled: {why}").format(why=manager.disabledMessage()))
    cfg = QgsAuthMethodConfig("Basic")
    existing = cfg_id in manager.configIds()
    if existing:
        manager.loadAuthenticationConfig(cfg_id, cfg, True)
        cfg.setMethod("Basic")
    cfg.setName(name)
    cfg.setUri(url)
    cfg.setConfig("username", username)
    cfg.setConfig("password", password)
    ok = manager.updateAuthenticationConfig(cfg) if existing else manager.storeAuthenticationConfig(cfg)
    if isinstance(ok, tuple):                     # QGIS 3.22 returns (ok, cfg)
        ok, cfg = ok[0], ok[1] if len(ok) > 1 else cfg
    if not ok or not cfg.id():
        raise AuthSetupError(tr("QGIS could not store the sign-in details: check that the master password of the "
                                "authentication database is set (Settings ▸ Options ▸ Authentication)"))
    return cfg.id()


def made_by_jin(cfg_id: str) -> bool:
    """Whether ``cfg_id`` is a Basic sign-in JiN's dialog made (so the dialog may change it)."""
    cfg = QgsApplication.authManager().availableAuthMethodConfigs().get(cfg_id)
    return cfg is not None and cfg.method() == "Basic" and cfg.name().startswith(SIGN_IN_PREFIX)


def master_password_note() -> str:
    """What QGIS will ask before it stores or opens a sign-in (empty when it will not ask): its
    prompt comes unannounced, from QGIS, in the middle of JiN's dialog."""
    manager = QgsApplication.authManager()
    if manager.isDisabled() or manager.masterPasswordIsSet():
        return ""
    if manager.masterPasswordHashInDatabase():
        return tr("QGIS will ask for its master password, which locks the passwords it keeps on this PC, "
                  "before it stores or uses this sign-in.")
    return tr("The first time you save a sign-in, QGIS asks you to choose a master password: it locks every "
              "password QGIS keeps on this PC. Choose one you will remember; JiN never sees it.")


class SignInEdits:
    """The sign-ins one dialog stored, so that none is left behind: cancelling removes the new
    ones and puts back the ones it changed; saving removes new ones the analyst then replaced."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self.originals: dict[str, QgsAuthMethodConfig] = {}

    def store(self, cfg_id: str, name: str, username: str, password: str, url: str, in_use: set[str]) -> str:
        """``store_basic`` into ``cfg_id``, else into an unused sign-in called ``name`` (a deleted
        connection's), else a new one; remembering what it changed or made."""
        spare = find_config(name)
        target = cfg_id or (spare if spare not in in_use else "")
        if target and target not in self.created and target not in self.originals:
            original = QgsAuthMethodConfig()
            QgsApplication.authManager().loadAuthenticationConfig(target, original, True)
            self.originals[target] = original
        stored = store_basic(target, name, username, password, url)
        if stored != target:
            self.created.append(stored)
        return stored

    def undo(self) -> None:
        """Put every changed sign-in back and remove the new ones."""
        manager = QgsApplication.authManager()
        for original in self.originals.values():
            manager.updateAuthenticationConfig(original)
        self.keep("", set())

    def keep(self, used: str, in_use: set[str]) -> None:
        """Remove the new sign-ins other than ``used`` that nothing in ``in_use`` refers to."""
        for cfg_id in self.created:
            if cfg_id != used and cfg_id not in in_use:
                QgsApplication.authManager().removeAuthenticationConfig(cfg_id)
        self.created, self.originals = [], {}
