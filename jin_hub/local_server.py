"""Run ``jin-hub serve`` as a child process on a free loopback port (demo and tests).

A real server process, not an in-process app: the plugin then talks to it exactly as it talks to a
production hub, over HTTP through QGIS's network stack.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from jin_hub import die_with_parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class HubProcess:
    """A running ``jin-hub serve`` child process."""

    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> HubProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_hub(db_path: Path, timeout: float = 30, cwd: Path | None = None,
              tls: tuple[Path, Path] | None = None, public_url: str | None = None, workers: int = 1,
              forwarded_allow_ips: str | None = None, port: int | None = None) -> HubProcess:
    """Start the hub over ``db_path`` on a free loopback port; return once it answers.

    ``tls``: (certificate, key) PEM files to serve HTTPS; the certificate must name 127.0.0.1.
    ``public_url``: the base URL its links give (default: the loopback address it serves on).
    ``workers``: hub processes serving the port (``serve --workers``).
    ``forwarded_allow_ips``: proxies whose X-Forwarded-For names the client (``serve``'s option).
    ``port``: serve on this port (a hub restarted where browsers knew it), else a free one.
    """
    port = port or free_port()
    extra = ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])] if tls else []
    extra += ["--public-url", public_url] if public_url else []
    extra += ["--workers", str(workers)] if workers > 1 else []
    extra += ["--forwarded-allow-ips", forwarded_allow_ips] if forwarded_allow_ips else []
    proc = subprocess.Popen(   # a crashed caller runs no teardown: the kernel then stops the hub
        die_with_parent.command([sys.executable, "-m", "jin_hub", "--db", str(db_path), "serve", "--port",
                                 str(port), *extra]),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd)
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the hub exited early: {proc.stdout.read().decode(errors='replace')}")
        try:
            if requests.get(f"{url}/api/v1/version", timeout=1, verify=str(tls[0]) if tls else True).ok:
                return HubProcess(url, proc)
        except (requests.ConnectionError, requests.Timeout):     # not listening yet, or too busy to answer
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the hub did not answer on {url} within {timeout:.0f} s")
