"""Pseudonyms keyed in a second process while the first cleanses the same extract.

Keying a million references and a million people is a third of a big ingest's work and depends on
nothing the cleansing finds, so a large extract's identifying columns are read and keyed by a
worker process on the other core. The worker reads the file itself (the identifying inputs never
cross between processes) and sends back one key per data line; the cleanser keeps those of the
rows it accepts. Whatever goes wrong in the worker, the keys are made in-process instead: the
result is the same either way, only slower.

The worker is a fresh interpreter running this module (not ``multiprocessing``, which re-imports
the caller's main script and so breaks any script without a ``__main__`` guard); the job, secret
included, goes to it over a pipe, never on its command line or in its environment.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from jin_hub.ingest.pseudonyms import CodedKeys, Pseudonymiser
from jin_hub.ingest.reader import read_text

#: Extracts smaller than this are keyed in-process: starting a worker costs about half a second.
MIN_BYTES = 16 << 20

Specs = dict[str, tuple[str, tuple[str, ...]]]       # pseudonym -> (kind, input columns)

log = logging.getLogger(__name__)


def key_rows(pseudonymiser: Pseudonymiser, columns: dict, specs: Specs) -> dict[str, CodedKeys]:
    """The keys of every row for each pseudonym of ``specs`` whose inputs are (partly) in ``columns``."""
    keys = {}
    for name, (kind, inputs) in specs.items():
        present = [columns[c] for c in inputs if c in columns]
        if present:
            keys[name] = pseudonymiser.coded(kind, *present)
    return keys


def key_file(pseudonymiser: Pseudonymiser, path: Path, specs: Specs) -> dict[str, CodedKeys]:
    """The worker's job: read the inputs of ``specs`` from ``path`` and key every data line."""
    inputs = {c for _, cols in specs.values() for c in cols}
    frame, _ = read_text(path, lambda c: c in inputs)
    return key_rows(pseudonymiser, frame, specs)


class BackgroundKeys:
    """Keys of a large extract being made by a worker process."""

    def __init__(self, pseudonymiser: Pseudonymiser, path: Path, specs: Specs):
        self._proc = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
        self._proc.stdin.write(pickle.dumps((pseudonymiser, Path(path), specs)))    # a few hundred bytes
        self._proc.stdin.flush()          # left open: communicate() closes it
        self._reply = (b"", b"")
        self._reader = threading.Thread(target=self._collect, name="jin-keys-reader", daemon=True)
        self._reader.start()              # drain the pipes as keys come: the worker never waits on us

    @staticmethod
    def command() -> list[str]:
        return [sys.executable, "-m", __name__]

    def _collect(self) -> None:
        self._reply = self._proc.communicate()

    @classmethod
    def start(cls, pseudonymiser: Pseudonymiser, path: Path, specs: Specs) -> Optional[BackgroundKeys]:
        """A worker keying ``path``, or None if it is too small to be worth one or none can start."""
        try:
            if not specs or Path(path).stat().st_size < MIN_BYTES:
                return None
            return cls(pseudonymiser, path, specs)
        except OSError as exc:                  # no processes allowed here: key in-process
            log.warning("keying in-process: no worker process (%s)", exc)
            return None

    def result(self, rows: int) -> Optional[dict[str, CodedKeys]]:
        """The worker's keys, one per data line; None if it failed or saw a different number of rows."""
        self._reader.join()
        out, err = self._reply
        try:
            keys = pickle.loads(out) if self._proc.returncode == 0 else None
        except (pickle.UnpicklingError, EOFError, ValueError):
            keys = None
        if keys is None or any(len(k.codes) != rows for k in keys.values()):
            log.warning("keying in-process: the worker failed (%s)",
                        err.decode(errors="replace").strip().splitlines()[-1:] or "no keys")
            return None
        return keys

    def close(self) -> None:
        """Stop the worker if it is still running (its keys are no longer wanted)."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._reader.join()


@dataclass
class PendingKeys:
    """The accepted rows' keys, still being made: by the worker if there is one (else, or if it
    fails, here from the inputs kept for the purpose)."""

    worker: Optional[BackgroundKeys]
    pseudonymiser: Pseudonymiser
    inputs: pd.DataFrame            # the accepted rows' pseudonym inputs
    accepted: np.ndarray            # which of the file's data lines were accepted
    specs: Specs

    def attach(self, frame: pd.DataFrame) -> None:
        """Add a column per pseudonym of ``specs`` to ``frame`` (the accepted rows; None where the
        extract lacks the inputs)."""
        try:
            keys = self.worker.result(len(self.accepted)) if self.worker else None
        finally:
            self.close()
        if keys is None:
            keys = {name: k.take() for name, k in key_rows(self.pseudonymiser, self.inputs, self.specs).items()}
        else:
            keys = {name: k.take(self.accepted) for name, k in keys.items()}
        for name in self.specs:
            frame[name] = keys.get(name)

    def close(self) -> None:
        if self.worker:
            self.worker.close()


def main() -> None:
    """Worker entry point: a pickled (pseudonymiser, path, specs) on stdin, pickled keys on stdout."""
    job = pickle.load(sys.stdin.buffer)
    pickle.dump(key_file(*job), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
