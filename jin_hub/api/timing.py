"""``Server-Timing`` on every reply: how long the hub took, from the request's arrival to the
start of its reply (signing in, the answer and its audit row included). Browsers' developer
tools show it, and the scale bench reads it to tell the hub's own time from time a loaded client
machine adds."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ServerTiming:
    """ASGI middleware adding ``Server-Timing: hub;dur=<ms>`` to HTTP replies."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                message["headers"] = [*message.get("headers", []), (b"server-timing", f"hub;dur={took:.1f}".encode())]
            await send(message)

        await self.app(scope, receive, timed)
