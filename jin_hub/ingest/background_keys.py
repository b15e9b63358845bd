"""Pseudonyms keyed in a second process while the first cleanses the same extract.

Keying a million references and a million people is a third of a big ingest's work and depends on
nothing the cleansing finds, so a large extract's identifying columns are read and keyed by a
worker process on the other core. The worker reads the file itself (the identifying inputs never
cross between processes) and sends back one key per data line; the cleanser keeps those of the
rows it accepts, and does not read those columns at all. Whatever goes wrong in the worker, the
keys are made in-process instead (reading the inputs then): the result is the same either way,
only slower.

The worker (``jin_hub.ingest.worker``) gets the job, secret included, over a pipe, never on its
command line or in its environment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from jin_hub.ingest.pseudonyms import CodedKeys, Pseudonymiser
from jin_hub.ingest.reader import read_text
from jin_hub.ingest.worker import Job, Worker, WorkerFailed, worth_a_worker

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
    return key_rows(pseudonymiser, read_text(path, lambda c: c in inputs).frame, specs)


class BackgroundKeys:
    """Keys of a large extract being made by a worker process."""

    def __init__(self, job: Job, owned: Optional[Worker]):
        self.job = job
        self.owned = owned                    # the worker, if started for this alone

    @classmethod
    def start(cls, pseudonymiser: Pseudonymiser, path: Path, specs: Specs,
              worker: Optional[Worker] = None) -> Optional[BackgroundKeys]:
        """Keys of ``path`` being made by ``worker`` (or a worker of its own), or None if the
        extract is too small to be worth one or none can start."""
        if not specs or not worth_a_worker(path):
            return None
        owned = None
        if worker is None:
            worker = owned = Worker.start(__name__)
            if worker is None:
                return None
        return cls(worker.run(f"{__name__}:key_file", pseudonymiser, Path(path), specs), owned)

    def result(self, rows: int) -> Optional[dict[str, CodedKeys]]:
        """The worker's keys, one per data line; None if it failed or saw a different number of rows."""
        try:
            keys = self.job.result()
        except WorkerFailed as exc:
            log.warning("keying in-process: the worker failed (%s)", exc)
            return None
        if any(len(k.codes) != rows for k in keys.values()):
            log.warning("keying in-process: the worker read a different number of rows")
            return None
        return keys

    def close(self) -> None:
        """Stop the worker if it was started for these keys alone."""
        if self.owned is not None:
            self.owned.close()


@dataclass
class PendingKeys:
    """The accepted rows' keys, still being made: by the worker if there is one (else, or if it
    fails, here, from ``inputs`` if the cleanser read them, or else from the file)."""

    worker: Optional[BackgroundKeys]
    pseudonymiser: Pseudonymiser
    path: Path
    inputs: Optional[pd.DataFrame]  # every data line's pseudonym inputs, if read
    accepted: np.ndarray            # which of the file's data lines were accepted
    specs: Specs

    def attach(self, frame: pd.DataFrame) -> None:
        """Add a column per pseudonym of ``specs`` to ``frame`` (the accepted rows; None where the
        extract lacks the inputs)."""
        try:
            keys = self.worker.result(len(self.accepted)) if self.worker else None
        finally:
            self.close()
        if keys is not None:
            keys = {name: k.take(self.accepted) for name, k in keys.items()}
        elif self.inputs is not None:
            keys = {name: k.take() for name, k in
                    key_rows(self.pseudonymiser, self.inputs.loc[self.accepted], self.specs).items()}
        else:                                       # they were left to the worker: read them now
            keys = {name: k.take(self.accepted) for name, k in
                    key_file(self.pseudonymiser, self.path, self.specs).items()}
        for name in self.specs:          # plain objects: a text column would check every key again
            frame[name] = pd.Series(keys[name], index=frame.index, dtype=object) if name in keys else None

    def close(self) -> None:
        if self.worker:
            self.worker.close()
