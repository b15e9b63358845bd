"""Pure functions run in a second process, so a big ingest uses the machine's other core.

The worker is a fresh interpreter running this module, not ``multiprocessing``: that re-imports
the caller's main script, which breaks any script without a ``__main__`` guard. It is started
early and told which modules it will need, so their imports (pandas, scipy) are done by the time
the first job is ready. Jobs (function name, arguments) go to it over a pipe, never on a command
line or in the environment, as they may hold the hub secret; it runs them one after another and
sends each result back, drained by a thread as it comes so the worker never waits on the caller.
A job that is a generator sends each part as it is made (``Job.parts``), so the caller can use
the first while the worker makes the next.

Callers treat a worker as an optimisation: when it cannot start, fails or dies, ``Job.result``
says so and they compute the same thing in-process.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any, Optional

log = logging.getLogger(__name__)

#: Extracts smaller than this are worked on in-process: starting a worker costs about half a second.
MIN_BYTES = 16 << 20
#: Environment variables that set how many threads numpy's BLAS (OpenBLAS, MKL, OpenMP builds) starts.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def worth_a_worker(path: Path) -> bool:
    """Whether an extract is big enough for work on it to be shared with a second process."""
    return Path(path).stat().st_size >= MIN_BYTES


class WorkerFailed(RuntimeError):
    """The worker could not deliver a result; the message says why."""


class Worker:
    """A fresh interpreter running ``module:function`` jobs in the order they are given."""

    def __init__(self, *modules: str):
        self._proc = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=self.environment())
        self._replies: list[list[tuple[str, Any]]] = [[]]    # per job: ("part", value)..., then
        self._ended = False                                 # ("done", value) or ("failed", message)
        self._stderr = b""
        self._arrived = threading.Condition()
        self._outbox: queue.SimpleQueue[Optional[bytes]] = queue.SimpleQueue()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True, name="jin-worker-err")
        self._threads = [threading.Thread(target=self._read_replies, daemon=True, name="jin-worker-out"),
                         self._stderr_reader,
                         threading.Thread(target=self._write_jobs, daemon=True, name="jin-worker-in")]
        for thread in self._threads:
            thread.start()
        self._jobs = 0
        for module in modules:
            self._send(("import", module))

    @staticmethod
    def command() -> list[str]:
        return [sys.executable, "-m", __name__]

    @staticmethod
    def environment() -> dict[str, str]:
        """This process's environment, with one BLAS thread unless the administrator chose otherwise:
        the worker is the second core's work, and a second BLAS thread would only take turns with
        the caller on the first (beside the records' insert, two threads left the audit's LSQR
        0.47 s of a 1.2 s audit in vector norms; one, 0.24 s in all of LSQR)."""
        env = dict(os.environ)
        for name in BLAS_THREADS:
            env.setdefault(name, "1")
        return env

    @classmethod
    def start(cls, *modules: str) -> Optional[Worker]:
        """A worker with ``modules`` imported, or None if no process can be started here."""
        try:
            return cls(*modules)
        except OSError as exc:
            log.warning("working in-process: no worker process (%s)", exc)
            return None

    def _send(self, message: tuple) -> None:
        """Queue a message for a thread to write: a busy worker reads its next job only once its
        current one is done, and the pipe holds far less than a big job's arguments."""
        self._outbox.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def _write_jobs(self) -> None:
        with contextlib.suppress(OSError, ValueError):      # it has died: the job's result says why
            while (message := self._outbox.get()) is not None:
                self._proc.stdin.write(message)
                self._proc.stdin.flush()
        with contextlib.suppress(OSError, ValueError):
            self._proc.stdin.close()

    def run(self, target: str, *args: Any, **kwargs: Any) -> Job:
        """Queue ``target`` ('module:function') with these arguments; it starts when the jobs
        before it are done."""
        self._send(("run", target, args, kwargs))
        self._jobs += 1
        return Job(self, self._jobs - 1)

    def _read_replies(self) -> None:
        try:
            while True:
                reply = pickle.load(self._proc.stdout)
                with self._arrived:
                    self._replies[-1].append(reply)
                    if reply[0] != "part":              # the next job's replies follow
                        self._replies.append([])
                    self._arrived.notify_all()
        except Exception:
            pass
        self._proc.wait()
        with self._arrived:
            self._ended = True
            self._arrived.notify_all()

    def _read_stderr(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._stderr = self._proc.stderr.read()

    def reply(self, index: int, k: int) -> tuple[str, Any]:
        """Reply ``k`` of job ``index`` ("part", "done" or "failed", and its value), waiting for it."""
        def arrived() -> bool:
            return len(self._replies) > index and len(self._replies[index]) > k
        with self._arrived:
            self._arrived.wait_for(lambda: arrived() or self._ended)
            if arrived():
                return self._replies[index][k]
        self._stderr_reader.join()
        lines = self._stderr.decode(errors="replace").strip().splitlines()
        return "failed", lines[-1] if lines else f"the worker ended (exit status {self._proc.returncode})"

    def close(self) -> None:
        """Stop the worker (its remaining results are no longer wanted)."""
        self._outbox.put(None)                              # no more jobs: its input is closed
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=0 if self._jobs > len(self._replies) - 1 else 5)    # jobs still running
        if self._proc.poll() is None:
            self._proc.kill()
        for thread in self._threads:
            thread.join()


class Job:
    """One job given to a worker."""

    def __init__(self, worker: Worker, index: int):
        self.worker, self.index = worker, index

    def result(self) -> Any:
        """The function's return value (None for a generator, its parts passed over);
        ``WorkerFailed`` if it raised or the worker died."""
        for kind, value in self._replies():
            if kind == "done":
                return value

    def parts(self) -> Iterator[Any]:
        """Each part a generator job yields, as it arrives; ``WorkerFailed`` if it raised or the
        worker died, after the parts made before that."""
        for kind, value in self._replies():
            if kind == "part":
                yield value

    def _replies(self) -> Iterator[tuple[str, Any]]:
        """The job's replies in order, as they arrive; ``WorkerFailed`` at a failure."""
        for k in count():
            kind, value = self.worker.reply(self.index, k)
            if kind == "failed":
                raise WorkerFailed(value)
            yield kind, value
            if kind == "done":
                return


def main() -> None:
    """Worker entry point: pickled ('import', module) and ('run', 'module:function', args, kwargs)
    messages on stdin until it closes; on stdout, per run, a pickled ('part', value) for each part
    a generator yields, then ('done', result) or ('failed', error message)."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            message = pickle.load(stdin)
        except EOFError:                   # no more jobs: end now, not after freeing every object
            stdout.flush()
            os._exit(0)
        if message[0] == "import":
            importlib.import_module(message[1])
            continue
        _, target, args, kwargs = message
        module, function = target.split(":")
        try:
            reply = ("done", getattr(importlib.import_module(module), function)(*args, **kwargs))
            if inspect.isgenerator(reply[1]):
                for part in reply[1]:
                    _send(stdout, ("part", part))
                reply = ("done", None)
        except Exception as exc:
            traceback.print_exc()
            reply = ("failed", f"{type(exc).__name__}: {exc}")
        _send(stdout, reply)


def _send(stdout, reply: tuple) -> None:
    pickle.dump(reply, stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()


if __name__ == "__main__":
    main()
