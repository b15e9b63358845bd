"""A pure function run in a second process, so a big ingest uses the machine's other core.

The worker is a fresh interpreter running this module, not ``multiprocessing``: that re-imports
the caller's main script, which breaks any script without a ``__main__`` guard. It is started
early with only the function's name, so its imports (pandas, scipy) are done by the time the
arguments are ready; they then go to it over a pipe (never on a command line or in the
environment: they may hold the hub secret) and the result comes back the same way, drained by a
thread as it comes so the worker never waits on the caller.

Callers treat a worker as an optimisation: when it cannot start or fails, ``result`` says so and
they compute the same thing in-process.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Optional

log = logging.getLogger(__name__)

#: Extracts smaller than this are worked on in-process: starting a worker costs about half a second.
MIN_BYTES = 16 << 20


def worth_a_worker(path: Path) -> bool:
    """Whether an extract is big enough for work on it to be shared with a second process."""
    return Path(path).stat().st_size >= MIN_BYTES


class WorkerFailed(RuntimeError):
    """The worker could not deliver a result; the message says why."""


class Worker:
    """``module:function`` running in a fresh interpreter, called once with what ``call`` sends."""

    def __init__(self, target: str):
        self.target = target
        self._proc = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
        self._send(target)
        self._reply = (b"", b"")
        self._reader: Optional[threading.Thread] = None

    @staticmethod
    def command() -> list[str]:
        return [sys.executable, "-m", __name__]

    @classmethod
    def start(cls, target: str) -> Optional[Worker]:
        """A worker ready to run ``target``, or None if no process can be started here."""
        try:
            return cls(target)
        except OSError as exc:
            log.warning("working in-process: no worker process for %s (%s)", target, exc)
            return None

    def _send(self, value: Any) -> None:
        self._proc.stdin.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        self._proc.stdin.flush()              # left open until ``call``: communicate() closes it

    def call(self, *args: Any, **kwargs: Any) -> None:
        """Give the worker its arguments; it starts at once."""
        with contextlib.suppress(OSError):    # it has died already: ``result`` says why
            self._send((args, kwargs))
        self._reader = threading.Thread(target=self._collect, name=f"jin-worker {self.target}", daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        with contextlib.suppress(OSError, ValueError):   # pipes already closed by ``close``
            self._reply = self._proc.communicate()

    def result(self) -> Any:
        """The function's return value; ``WorkerFailed`` if the worker died or raised."""
        if self._reader is None:
            raise WorkerFailed("the worker was never given its arguments")
        self._reader.join()
        out, err = self._reply
        if self._proc.returncode == 0:
            try:
                return pickle.loads(out)
            except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
                pass
        lines = err.decode(errors="replace").strip().splitlines()
        raise WorkerFailed(lines[-1] if lines else f"exit status {self._proc.returncode}, no result")

    def close(self) -> None:
        """Stop the worker if it is still running (its result is no longer wanted)."""
        if self._proc.poll() is None:
            self._proc.kill()
        if self._reader is not None:
            self._reader.join()
        else:
            self._proc.communicate()


def main() -> None:
    """Worker entry point: 'module:function' then (args, kwargs), pickled, on stdin; the pickled
    return value on stdout."""
    module, function = pickle.load(sys.stdin.buffer).split(":")
    target = getattr(importlib.import_module(module), function)
    args, kwargs = pickle.load(sys.stdin.buffer)
    pickle.dump(target(*args, **kwargs), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
