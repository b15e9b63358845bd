"""``serve --workers N``: several hub processes on one listening socket that answers at once.

uvicorn's supervisor binds the socket with Python's protocol number left 0, so asyncio in each
worker does not recognise the connections it accepts as TCP and never turns Nagle's algorithm off
on them. A reply written in two parts (headers, then a body the gzip middleware streams) then
waited for the client's delayed ACK: 40 ms more on every such request, on two processes a
catalogue took 48 ms instead of 6. Linux gives each accepted connection the listening socket's
TCP_NODELAY, so it is set there, once.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """The socket every worker accepts on, with Nagle off for what it accepts."""
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def run(app: str, workers: int, **options: Any) -> None:
    """Serve the import string ``app`` (an app factory) from ``workers`` processes until stopped."""
    config = uvicorn.Config(app, workers=workers, factory=True, **options)
    with contextlib.suppress(KeyboardInterrupt):                 # (Ctrl+C: the workers are stopped)
        Multiprocess(config, sockets=[listening_socket(config)]).run()
