"""A hub served over HTTPS with a certificate the PC does not trust: the connection test says so in
plain words, and trusting its authority in QGIS's own certificate store (what IT does) fixes it,
because every request goes through QGIS's network stack. (Before the handshake check of
``tls_check``, QGIS 3.22 hung here in about one run in three.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtNetwork import QSslCertificate

from jin_hub.local_server import start_hub
from jin_plugin.core import connection
from tests.conftest import snapshot_db


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "hub.pem", folder / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def rebuild_trust() -> None:
    manager = QgsApplication.authManager()
    manager.rebuildCaCertsCache()
    manager.rebuildTrustedCaCertsCache()


def test_untrusted_then_trusted_certificate(tmp_path, hub_db_path, analyst_authcfg):
    cert, key = self_signed(tmp_path)
    manager = QgsApplication.authManager()
    (authority,) = QSslCertificate.fromPath(str(cert))
    with start_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"), tls=(cert, key)) as hub:
        refused = connection.test_connection(hub.url, analyst_authcfg)
        assert not refused.ok and "certificate is not trusted on this PC" in refused.message
        assert "self-signed" in refused.message           # found by the handshake check, before QGIS's request
        assert manager.storeCertAuthority(authority)
        rebuild_trust()
        try:
            trusted = connection.test_connection(hub.url, analyst_authcfg)
        finally:
            manager.removeCertAuthority(authority)
            rebuild_trust()
    assert trusted.ok and trusted.user == "police.analyst", trusted.message
