"""'Test connection': reach the hub, check it is a JiN hub, then sign in, and say in plain words
which step failed and what to do."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import tr
from .hub_client import HubAuthError, HubBadResponse, HubClient, HubError, HubNotFound


@dataclass
class ConnectionReport:
    ok: bool
    message: str
    version: str = ""
    user: str = ""


def test_connection(url: str, authcfg: str = "") -> ConnectionReport:
    """Three steps, each with its own answer: reachable, a JiN hub (its version), signed in (as whom)."""
    client = HubClient(url, authcfg)
    try:
        info = client.version()
    except (HubBadResponse, HubNotFound):
        return ConnectionReport(False, tr("Reached {url}, but it is not a JiN hub (it has no "
                                          "/api/v1/version). Check the address: it is the hub's base URL, such as "
                                          "https://jin-hub.example.org").format(url=client.base_url))
    except HubError as exc:
        return ConnectionReport(False, str(exc))
    version = str(info.get("version", "?"))
    try:
        you = client.catalogue_doc().get("you") or {}
    except HubAuthError as exc:
        return ConnectionReport(False, tr("The JiN hub {version} at {url} is up, but signing in failed. {error}")
                                .format(version=version, url=client.base_url, error=exc), version)
    except HubError as exc:
        return ConnectionReport(False, tr("The JiN hub {version} is up, but its catalogue failed: {error}")
                                .format(version=version, error=exc), version)
    if you.get("user"):
        return ConnectionReport(True, tr("Connected to JiN hub {version} as {user} ({agency}, {role}).").format(
            version=version, user=you["user"], agency=you.get("agency"), role=you.get("role")), version, you["user"])
    return ConnectionReport(True, tr("Connected to JiN hub {version} without signing in: public aggregates only.")
                            .format(version=version), version)
