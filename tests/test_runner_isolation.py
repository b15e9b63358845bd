"""A test that aborts QGIS (SIGABRT, as when a C++ exception escapes a task) fails alone: the run
goes on, prints its summary, and the hub servers the aborted test started stop.

Each case runs a small pytest session in a subprocess, configured with this repository's own
pytest options (the ones ``make test`` gets), over a test file written for the case.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, snapshot_db

#: pytest's state of the outer run, which must not leak into the inner one.
OUTER_ENV = ("PYTEST_", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH")


def run_pytest(folder: Path, tests: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``pytest`` over ``tests`` (a test module's source) in ``folder``, with the repository's pytest
    options; ``folder`` is its root (QGIS settings, temp files), not this run's."""
    (folder / "test_inner.py").write_text(tests, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OUTER_ENV)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(folder),
                           "--basetemp", str(folder / "tmp"), "test_inner.py"],
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**clean, "PYTHONPATH": str(ROOT), **(env or {})})


def test_an_abort_fails_its_test_and_the_run_goes_on(tmp_path):
    run = run_pytest(tmp_path, "import os\n\n\n"
                               "def test_aborts(qgis_app):\n    os.abort()\n\n\n"
                               "def test_after_the_abort(qgis_app):\n    assert qgis_app.authManager()\n")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "1 failed, 1 passed" in run.stdout, out
    assert "FAILED test_inner.py::test_aborts" in run.stdout, out
    assert "crashed while running" in out, out


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_hub_started_by_an_aborted_test_stops(tmp_path, hub_db_path):
    if not sys.platform.startswith("linux"):
        import pytest

        pytest.skip("a hub outlives a crashed starter off Linux (no parent-death signal)")
    db = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    record = tmp_path / "hub.txt"
    run = run_pytest(tmp_path, "import os\nfrom pathlib import Path\n\nfrom jin_hub.local_server import start_hub\n\n\n"
                               "def test_starts_a_hub_then_aborts():\n"
                               "    hub = start_hub(Path(os.environ['HUB_DB']))\n"
                               "    Path(os.environ['HUB_RECORD']).write_text(f'{hub.proc.pid} {hub.url}')\n"
                               "    os.abort()\n",
                     env={"HUB_DB": str(db), "HUB_RECORD": str(record)})
    assert run.returncode == 1 and "1 failed" in run.stdout, run.stdout + run.stderr
    pid, url = record.read_text().split()
    port = int(url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 15                     # SIGTERM: the hub shuts down gracefully
    while (alive(int(pid)) or listening(port)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(int(pid)), f"the hub (pid {pid}) outlived the test process that started it"
    assert not listening(port), f"something still listens on {url}"
