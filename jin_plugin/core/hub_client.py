"""Talk to a JiN hub through QGIS's network stack, so proxy settings, SSL exceptions and the
authentication configuration (authcfg) the analyst chose all apply.

Every failure becomes a ``HubError`` whose message says, in plain words, what went wrong and
what the analyst can do about it; widgets show it as is.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Optional
from urllib.parse import quote, urlencode

from qgis.core import QgsBlockingNetworkRequest, QgsFeedback
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkReply, QNetworkRequest

from ..i18n import tr
from .tls_check import untrusted_certificate

API = "/api/v1"
#: Says the plugin signs in by itself (its authcfg), so the hub's 401 names a scheme Qt does not meet
#: with QGIS's "Authentication required" prompt (see ``jin_hub.api.security.challenge``).
SIGNS_IN_ITSELF = b"JiN QGIS plugin"


class HubError(Exception):
    """A hub request failed; ``str()`` is the message for the analyst."""


class HubUnreachable(HubError):
    """No answer: wrong address, hub down, proxy or TLS problem, or timeout."""


class HubAuthError(HubError):
    """401/403: credentials refused or not allowed."""


class HubNotFound(HubError):
    """404: the dataset, geography, period or category does not exist on this hub."""


class HubServerError(HubError):
    """5xx: the hub failed."""


class HubBadResponse(HubError):
    """The reply is not what a JiN hub sends (wrong URL, captive portal, truncated body)."""


class HubCancelled(HubError):
    """The analyst cancelled the request."""


@dataclass
class Reply:
    """Status, body and headers of a completed request."""

    status: int
    body: bytes
    headers: dict[str, str]


def _detail(body: bytes) -> str:
    """The hub's JSON error ``detail`` if present."""
    try:
        detail = json.loads(body.decode("utf-8")).get("detail")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return ""
    return detail if isinstance(detail, str) else ""


def _untrusted(hub: str, why: str) -> str:
    return tr("Secure connection to {hub} failed ({why}). The hub's certificate is not trusted on this PC: ask IT "
              "to install your organisation's certificate authority, or check the address.").format(hub=hub, why=why)


def _number(text: str) -> Optional[float]:
    """A CSV cell as JSON has it: None when empty, else an int or a float."""
    if text == "":
        return None
    return int(text) if text.isdigit() else float(text)


class HubClient:
    """Blocking requests to one hub; call from a ``QgsTask`` worker, never the GUI thread."""

    def __init__(self, base_url: str, authcfg: str = ""):
        self.base_url = base_url.strip().rstrip("/")
        self.authcfg = authcfg

    def url(self, path: str, params: Optional[dict[str, Any]] = None) -> str:
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        return self.base_url + quote(path) + (f"?{urlencode(query)}" if query else "")

    def get(self, path: str, params: Optional[dict[str, Any]] = None, *, accept: str = "application/json",
            etag: str = "", feedback: Optional[QgsFeedback] = None,
            progress: Optional[Callable[[int, int], None]] = None) -> Reply:
        """GET ``path``; return the reply (200 or 304) or raise a ``HubError``."""
        if not self.base_url.lower().startswith(("http://", "https://")):
            raise HubUnreachable(tr("'{url}' is not a web address: enter the hub URL starting with "
                                    "https:// (or http:// for a hub on this computer)").format(url=self.base_url))
        url = self.url(path, params)
        refused = untrusted_certificate(self.base_url)      # never let QGIS 3.22 meet it: it can hang
        if refused:
            raise HubUnreachable(_untrusted(self.base_url, refused))
        request = QNetworkRequest(QUrl(url))
        request.setRawHeader(b"Accept", accept.encode())
        request.setRawHeader(b"X-Requested-With", SIGNS_IN_ITSELF)     # no QGIS credential prompt on a 401
        if etag:
            request.setRawHeader(b"If-None-Match", etag.encode())
        blocking = QgsBlockingNetworkRequest()
        if self.authcfg:
            blocking.setAuthCfg(self.authcfg)
        if progress is not None:
            blocking.downloadProgress.connect(progress)
        code = blocking.get(request, True, feedback)
        if feedback is not None and feedback.isCanceled():
            raise HubCancelled(tr("Fetch cancelled: nothing was added."))
        content = blocking.reply()
        status = content.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if etag and status == 200 and content.attribute(QNetworkRequest.Attribute.SourceIsFromCacheAttribute):
            # QGIS always revalidates (forceRefresh); a body from Qt's own cache means the hub said 304.
            status = 304
        body = bytes(content.content())
        headers = {bytes(k).decode().lower(): bytes(content.rawHeader(k)).decode() for k in content.rawHeaderList()}
        if code == QgsBlockingNetworkRequest.ErrorCode.NoError and status in (200, 304):
            return Reply(int(status), body, headers)
        self._raise(url, code, status, body, blocking.errorMessage(), content.error())

    def _raise(self, url: str, code, status, body: bytes, message: str, qt_error) -> None:
        """Translate a failed request into the HubError the analyst should see."""
        hub = self.base_url
        if status is None:
            timed_out = (QNetworkReply.NetworkError.OperationCanceledError, QNetworkReply.NetworkError.TimeoutError)
            if qt_error in timed_out or code == QgsBlockingNetworkRequest.ErrorCode.TimeoutError:
                raise HubUnreachable(tr("The JiN hub at {hub} did not answer in time. Try again; if it keeps "
                                        "happening check your network and proxy settings (Settings ▸ Options ▸ "
                                        "Network) or ask the hub administrator whether the hub is up.").format(hub=hub))
            if qt_error in (QNetworkReply.NetworkError.SslHandshakeFailedError,):
                raise HubUnreachable(_untrusted(hub, message))
            raise HubUnreachable(tr("Cannot reach the JiN hub at {hub} ({error}). Check the address, that you "
                                    "are online, the proxy settings (Settings ▸ Options ▸ Network), and that the "
                                    "hub is running.").format(hub=hub, error=message))
        detail = _detail(body)
        said = ": " + detail if detail else ""
        if status == 401 and not self.authcfg:
            raise HubAuthError(tr("The hub at {hub} needs you to sign in (HTTP 401). Choose this connection's "
                                  "authentication configuration (Basic: your JiN user name and password).")
                               .format(hub=hub))
        if status == 401:
            raise HubAuthError(tr("The hub at {hub} refused your credentials (HTTP 401). Check the user name and "
                                  "password in this connection's authentication configuration.").format(hub=hub))
        if status == 429:
            raise HubAuthError(tr("The hub at {hub} has paused sign-ins for this account after repeated "
                                  "failures{detail}. Check the password, then wait or ask the hub administrator "
                                  "to unlock it.").format(hub=hub, detail=said))
        if status == 403:
            raise HubAuthError(tr("Your account may not see this data (HTTP 403){detail}. Ask your hub "
                                  "administrator for access.").format(detail=said))
        if status == 404:
            raise HubNotFound(detail or tr("Not found on the hub (HTTP 404): {url}. Check the hub URL.")
                              .format(url=url))
        if 400 <= status < 500:
            raise HubBadResponse(tr("The hub rejected the request (HTTP {status}){detail}.")
                                 .format(status=status, detail=said))
        raise HubServerError(tr("The JiN hub at {hub} had an internal error (HTTP {status}). Try again later; if it "
                                "persists, tell the hub administrator.").format(hub=hub, status=status))

    def get_json(self, path: str, params: Optional[dict[str, Any]] = None, **kwargs) -> Any:
        """GET and decode JSON, raising ``HubBadResponse`` if it is not JSON."""
        reply = self.get(path, params, **kwargs)
        try:
            return json.loads(reply.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise HubBadResponse(tr("{url} did not send JiN hub data ({error}). Check that the URL is the "
                                    "hub's address, not a web page or a proxy login page.")
                                 .format(url=self.base_url, error=exc)) from exc

    # ---- the hub's own endpoints -----------------------------------------------------------
    def version(self, **kwargs) -> dict:
        info = self.get_json(f"{API}/version", **kwargs)
        if not isinstance(info, dict) or info.get("name") != "JiN hub":
            raise HubBadResponse(tr("{url} answered, but it is not a JiN hub. Check the URL.")
                                 .format(url=self.base_url))
        return info

    def catalogue_doc(self, search: Optional[dict[str, str]] = None, **kwargs) -> dict:
        """The catalogue (only entries matching the hub-side ``search``: q, theme, partner, geography,
        period_from, period_to) with its facets and who the hub thinks the caller is (``you``)."""
        data = self.get_json(f"{API}/catalogue", search, **kwargs)
        if not isinstance(data, dict) or not isinstance(data.get("datasets"), list):
            raise HubBadResponse(tr("The catalogue from {url} is malformed. Check the URL.").format(url=self.base_url))
        return data

    def catalogue(self, **kwargs) -> list[dict]:
        return self.catalogue_doc(**kwargs)["datasets"]

    def zones(self, **kwargs) -> list[dict]:
        """Districts, wards and partnership areas: id, name, kind, geography, areas, bbox (EPSG:27700)."""
        data = self.get_json(f"{API}/zones", **kwargs)
        if not isinstance(data, dict) or not isinstance(data.get("zones"), list):
            raise HubBadResponse(tr("The zones from {url} are malformed. Check the URL.").format(url=self.base_url))
        return data["zones"]

    def values(self, dataset: str, geography: str, period: Optional[str], category: str,
               zone: Optional[str] = None, **kwargs) -> dict:
        """The hub's values document (dataset, period, release, fields, rows), read from the endpoint's
        CSV form: the hub writes CSV nearly twice as fast as JSON for England and Wales's 34,753
        LSOAs, and every switch of dataset, period or category waits on it (release and period come
        in its X-JiN- headers)."""
        reply = self.get(f"{API}/values/{dataset}/{geography}",
                         {"period": period, "category": category, "zone": zone, "format": "csv"},
                         accept="text/csv", **kwargs)
        try:
            lines = csv.reader(io.StringIO(reply.body.decode("utf-8")))
            fields = next(lines, [])
            rows = [[row[0], *map(_number, row[1:])] for row in lines]
            period, release = reply.headers["x-jin-period"], reply.headers["x-jin-release"]
        except (UnicodeDecodeError, ValueError, IndexError, KeyError) as exc:
            raise HubBadResponse(tr("The values from {url} are malformed ({error}). Check the URL.")
                                 .format(url=self.base_url, error=exc)) from exc
        if fields[:3] != ["area_code", "count", "suppressed"]:
            raise HubBadResponse(tr("The values from {url} are malformed. Check the URL.").format(url=self.base_url))
        return {"dataset": dataset, "geography": geography, "period": period, "category": category,
                "zone": zone, "release": release, "fields": fields, "rows": rows}
