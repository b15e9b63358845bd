"""Sign-in hardening against the real hub on loopback."""

from __future__ import annotations

import httpx


def client_at(url: str, address: str) -> httpx.Client:
    """An HTTP client whose connections come from ``address`` (any of 127.0.0.0/8 on Linux), so one
    test plays callers at different client addresses against a hub listening on 127.0.0.1."""
    return httpx.Client(base_url=url, timeout=120, transport=httpx.HTTPTransport(local_address=address))
