"""QGIS authentication configurations (authcfg) for JiN hubs.

Credentials live in QGIS's encrypted authentication database, never in plain settings: the plugin
stores only the authcfg id. A Basic config works for the plugin and for QGIS's own OAPIF provider.
"""

from __future__ import annotations

from qgis.core import QgsApplication, QgsAuthMethodConfig

from ..i18n import tr


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
    manager = QgsApplication.authManager()
    if manager.isDisabled():
        raise AuthSetupError(tr("QGIS authentication is disabled: {why}").format(why=manager.disabledMessage()))
    cfg = QgsAuthMethodConfig("Basic")
    existing = find_config(name)
    if existing:
        manager.loadAuthenticationConfig(existing, cfg, True)
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
