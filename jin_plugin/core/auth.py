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


def basic_config(name: str, username: str, password: str, url: str = "", cfg_id: str = "") -> str:
    """Store a Basic authcfg and return its id: authcfg ``cfg_id`` changed in place when given (its
    id, which connections and projects keep, stays), else the one called ``name``, else a new one.

    QGIS asks for its master password the first time the authentication database is used; headless
    callers must have set it (``QgsAuthManager.setMasterPassword``) beforehand.
    """
    manager = QgsApplication.authManager()
    if manager.isDisabled():
        raise AuthSetupError(tr("QGIS authentication is disabled: {why}").format(why=manager.disabledMessage()))
    cfg = QgsAuthMethodConfig("Basic")
    existing = cfg_id if cfg_id in manager.configIds() else find_config(name)
    if existing:
        manager.loadAuthenticationConfig(existing, cfg, True)
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

    def store(self, name: str, username: str, password: str, url: str, cfg_id: str = "") -> str:
        """``basic_config``, remembering what it changed or made."""
        manager = QgsApplication.authManager()
        before = cfg_id if cfg_id in manager.configIds() else find_config(name)
        if before and before not in self.created and before not in self.originals:
            original = QgsAuthMethodConfig()
            manager.loadAuthenticationConfig(before, original, True)
            self.originals[before] = original
        stored = basic_config(name, username, password, url, before)
        if stored != before:
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

