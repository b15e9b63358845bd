"""'Test connection': reach the hub, check it is a JiN hub, then sign in, and say in plain words
which step failed and what to do."""

from __future__ import annotations

from dataclasses import dataclass

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
        return ConnectionReport(False, f"Reached {client.base_url}, but it is not a JiN hub (it has no "
                                       "/api/v1/version). Check the address: it is the hub's base URL, such as "
                                       "https://jin-hub.example.org")
    except HubError as exc:
        return ConnectionReport(False, str(exc))
    version = str(info.get("version", "?"))
    try:
        you = client.catalogue_doc().get("you") or {}
    except HubAuthError as exc:
        return ConnectionReport(False, f"The JiN hub {version} at {client.base_url} is up, but signing in failed. "
                                       f"{exc}", version)
    except HubError as exc:
        return ConnectionReport(False, f"The JiN hub {version} is up, but its catalogue failed: {exc}", version)
    if you.get("user"):
        return ConnectionReport(True, f"Connected to JiN hub {version} as {you['user']} ({you.get('agency')}, "
                                      f"{you.get('role')}).", version, you["user"])
    return ConnectionReport(True, f"Connected to JiN hub {version} without signing in: public aggregates only.",
                            version)
