"""``serve --workers N`` answers small replies at once: its listening socket hands TCP_NODELAY to
every connection it accepts (uvicorn's own leaves Nagle on, and a reply in two parts then waited
40 ms for the client's delayed ACK)."""

from __future__ import annotations

import socket
from contextlib import closing

import uvicorn

from jin_hub import processes
from jin_hub.local_server import free_port


def _accepted_nodelay(listener: socket.socket) -> int:
    listener.listen()
    with closing(socket.create_connection(listener.getsockname()[:2])), closing(listener.accept()[0]) as accepted:
        return accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_every_accepted_connection_sends_at_once():
    config = uvicorn.Config("jin_hub.api.app:app_from_env", host="127.0.0.1", port=free_port(), workers=2)
    with closing(processes.listening_socket(config)) as listener:
        assert _accepted_nodelay(listener) == 1


def test_uvicorns_own_socket_would_not():
    """Why the module exists (if this fails, uvicorn has fixed it and the module can go)."""
    config = uvicorn.Config("jin_hub.api.app:app_from_env", host="127.0.0.1", port=free_port(), workers=2)
    with closing(config.bind_socket()) as listener:
        assert _accepted_nodelay(listener) == 0
