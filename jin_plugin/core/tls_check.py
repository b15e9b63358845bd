"""The TLS handshake with an https hub, tried on its own before the hub's first request.

QGIS 3.22's blocking request can hang for good when a server's certificate is not trusted: its
certificate-error handling waits on the thread the request blocks. So the handshake is first tried
with a plain ``QSslSocket`` against the authorities QGIS trusts (its own store and the system's):
an untrusted certificate is then reported without QGIS's request ever meeting the error. A hub
that passes (or has a certificate exception configured in QGIS) is not checked again in this QGIS
session. Where the check cannot tell (the hub is not reachable this way), it stands aside and
QGIS's own request decides, as before.
"""

from __future__ import annotations

import threading
from typing import Optional

from qgis.core import QgsApplication, QgsNetworkAccessManager
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QSslSocket

CONNECT_MS = 5_000
HANDSHAKE_MS = 10_000

_settled: set[str] = set()             # host:port whose certificate passed, or that QGIS has an exception for
_settled_lock = threading.Lock()


def untrusted_certificate(url: str) -> Optional[str]:
    """Why the certificate of the https server at ``url`` is not trusted on this PC (the TLS errors
    in words), or None: trusted, not https, or not checkable here."""
    target = QUrl(url)
    if target.scheme().lower() != "https" or not target.host():
        return None
    key = f"{target.host()}:{target.port(443)}"
    with _settled_lock:
        if key in _settled:
            return None
    manager = QgsApplication.authManager()
    if not manager.sslCertCustomConfigByHost(key).isNull():      # the analyst's exception for it: QGIS's call
        _settle(key)
        return None
    socket = QSslSocket()
    socket.setProxy(QgsNetworkAccessManager.instance().fallbackProxy())
    config = socket.sslConfiguration()
    config.setCaCertificates(manager.trustedCaCertsCache())
    socket.setSslConfiguration(config)
    socket.connectToHostEncrypted(target.host(), target.port(443))
    try:
        if not socket.waitForConnected(CONNECT_MS):
            return None                             # not reachable this way: QGIS's request decides
        if socket.waitForEncrypted(HANDSHAKE_MS):
            _settle(key)
            return None
        errors = socket.sslHandshakeErrors()
        return "; ".join(e.errorString() for e in errors) if errors else None
    finally:
        socket.abort()


def _settle(key: str) -> None:
    """Remember that ``key`` (host:port) needs no check again in this session."""
    with _settled_lock:
        _settled.add(key)
