"""Pseudonyms keyed in a second process while the first cleanses the same extract.

Keying a million references and a million people is a third of a big ingest's work and depends on
nothing the cleansing finds, so a large extract's identifying columns are read and keyed by a
worker process on the other core. The worker reads the file itself (the identifying inputs never
cross between processes) and sends back a key for every data line, in parts, first lines first,
so the records of one part are written while it keys the next; the cleanser keeps the keys of
the rows it accepts, and does not read those columns at all. Whatever goes wrong in the worker,
what it has not delivered is keyed in-process instead (reading the inputs then): the result is
the same either way, only slower.

The worker (``jin_hub.ingest.worker``) gets the job, secret included, over a pipe, never on its
command line or in its environment.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from jin_hub.ingest import reader
from jin_hub.ingest.pseudonyms import KEY_HEX, CodedKeys, KeyTable, Pseudonymiser, distinct_inputs, unpack
from jin_hub.ingest.reader import read_text
from jin_hub.ingest.worker import Job, Worker, WorkerFailed, worth_a_worker

Specs = dict[str, tuple[str, tuple[str, ...]]]       # pseudonym -> (kind, input columns)
Part = tuple[int, int, dict[str, list]]              # rows start..stop-1 and each pseudonym's keys of them

#: Data lines per part of the keys the worker sends: enough that a part costs little to send,
#: few enough that the records of the last part are written soon after the keys are done.
LINES_PER_PART = 1 << 17

log = logging.getLogger(__name__)


def _inputs(columns, specs: Specs) -> dict[str, tuple[str, list]]:
    """(kind, input columns) of each pseudonym of ``specs`` whose inputs are (partly) in ``columns``."""
    present = {name: (kind, [columns[c] for c in inputs if c in columns]) for name, (kind, inputs) in specs.items()}
    return {name: (kind, cols) for name, (kind, cols) in present.items() if cols}


def key_rows(pseudonymiser: Pseudonymiser, columns, specs: Specs) -> dict[str, CodedKeys]:
    """The keys of every row for each pseudonym of ``specs`` whose inputs are (partly) in ``columns``."""
    return {name: pseudonymiser.coded(kind, *cols) for name, (kind, cols) in _inputs(columns, specs).items()}


def _read_inputs(path: Path, specs: Specs) -> pd.DataFrame:
    """Every data line's inputs of the pseudonyms of ``specs``, as text."""
    inputs = {c for _, cols in specs.values() for c in cols}
    return read_text(path, lambda c: c in inputs).frame


def key_file(pseudonymiser: Pseudonymiser, path: Path, specs: Specs) -> dict[str, CodedKeys]:
    """Read the inputs of ``specs`` from ``path`` and key every data line."""
    return key_rows(pseudonymiser, _read_inputs(path, specs), specs)


def key_parts(pseudonymiser: Pseudonymiser, path: Path, specs: Specs, lines: int = LINES_PER_PART) -> Iterator[dict]:
    """The worker's job: the keys of every data line of ``path``, read ``lines`` at a time so its
    memory does not grow with the file. First each pseudonym's code per data line ({name: codes}):
    each line with an input its own code, in order, -1 where every input is blank; then, per
    ``lines`` data lines, the packed keys of their codes ({name: packed}), in order. Each part's
    distinct inputs are keyed once."""
    inputs = {c for _, cols in specs.values() for c in cols}

    def parts(encoding: str) -> Iterator[dict[str, tuple[np.ndarray, list[str]]]]:
        for frame in reader.chunks(path, encoding, lambda c: c in inputs, lines):
            yield {name: (kind, *distinct_inputs(*cols)) for name, (kind, cols) in _inputs(frame, specs).items()}

    encoding, blank = reader.decoded(path, lambda enc: [{name: codes < 0 for name, (_, codes, _) in part.items()}
                                                        for part in parts(enc)])
    codes = {}
    for name in blank[0] if blank else ():
        empty = np.concatenate([part[name] for part in blank])
        codes[name] = np.where(empty, -1, np.cumsum(~empty) - 1).astype(np.int32)
    del blank
    yield codes
    for part in parts(encoding):
        keyed = {name: (unpack(pseudonymiser.packed(kind, texts)), mine) for name, (kind, mine, texts) in part.items()}
        yield {name: "\n".join([keys[c] for c in mine[mine >= 0].tolist()]).encode("ascii")
               for name, (keys, mine) in keyed.items()}


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
        return cls(worker.run(f"{__name__}:key_parts", pseudonymiser, Path(path), specs, LINES_PER_PART), owned)

    def arriving(self, lines: int) -> Iterator[dict[str, KeyTable]]:
        """Each pseudonym's keys, more of them each time a part arrives; ``WorkerFailed`` if the
        worker fails or read other than ``lines`` data lines."""
        parts = self.job.parts()
        first = next(parts, None)
        if first is None or any(len(codes) != lines for codes in first.values()):
            raise WorkerFailed("the worker read a different number of rows")
        keys = {name: KeyTable(codes) for name, codes in first.items()}
        yield keys
        for part in parts:
            for name, packed in part.items():
                keys[name].add(packed)
            yield keys

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

    def parts(self) -> Iterator[Part]:
        """The accepted rows' keys in parts, as they are made, first rows first: (start, stop,
        {pseudonym: key or None of each row start..stop-1}) for each pseudonym the extract has
        inputs for. Whatever the worker has not delivered when it fails is keyed here."""
        rows = np.flatnonzero(self.accepted)             # the data line of each accepted row
        start = 0
        try:
            if self.worker is not None:
                try:
                    for keys in self.worker.arriving(len(self.accepted)):
                        keyed = min((k.rows() for k in keys.values()), default=len(self.accepted))
                        stop = int(np.searchsorted(rows, keyed))
                        if stop > start:
                            yield start, stop, {name: k.of(rows[start:stop]).tolist() for name, k in keys.items()}
                            start = stop
                except WorkerFailed as exc:
                    log.warning("keying in-process: the worker failed (%s)", exc)
            if start < len(rows):
                keys = {name: k.table() for name, k in (
                    key_rows(self.pseudonymiser, self.inputs, self.specs) if self.inputs is not None else
                    key_file(self.pseudonymiser, self.path, self.specs)).items()}
                for at in range(start, len(rows), reader.CHUNK_ROWS):       # the records a part at a time
                    stop = min(at + reader.CHUNK_ROWS, len(rows))
                    yield at, stop, {name: k.of(rows[at:stop]).tolist() for name, k in keys.items()}
        finally:
            self.close()

    def collect(self) -> dict[str, np.ndarray]:
        """Each pseudonym's key of every accepted row, as fixed-width bytes (``b""`` where none),
        for each pseudonym the extract has inputs for."""
        held: dict[str, np.ndarray] = {}
        for start, stop, keys in self.parts():
            for name, values in keys.items():
                held.setdefault(name, np.zeros(int(self.accepted.sum()), dtype=f"S{KEY_HEX}"))[start:stop] = [
                    v or "" for v in values]
        return held

    def attach(self, frame: pd.DataFrame) -> None:
        """Add a column per pseudonym of ``specs`` to ``frame`` (the accepted rows; None where the
        extract lacks the inputs)."""
        columns: dict[str, list] = {}
        for _, _, keys in self.parts():
            for name, values in keys.items():
                columns.setdefault(name, []).extend(values)
        for name in self.specs:          # plain objects: a text column would check every key again
            frame[name] = pd.Series(columns[name], index=frame.index, dtype=object) if name in columns else None

    def close(self) -> None:
        if self.worker:
            self.worker.close()
