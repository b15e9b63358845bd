"""Keyed pseudonyms: replace references and people with HMAC-SHA256 keys the hub alone can make.

The key is a secret kept in a file outside the database, so a copy of the database (or of
anything published from it) cannot be turned back into names or reference numbers by hashing
guesses. The same input always gives the same pseudonym under the same secret, which is what
lets the hub link records: a pupil across terms, or a person who is both a pupil and a victim
(name + date of birth), without storing who they are.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SECRET_BYTES = 32
KEY_HEX = 20            # 80-bit pseudonyms: collisions negligible at county scale
BLOCK = 64              # SHA-256's block size, which HMAC pads the key to


class SecretError(ValueError):
    """The hub secret is missing, unreadable or too short."""


def load_or_create_secret(path: Path) -> tuple[bytes, bool]:
    """Read the hub secret, creating it (owner-only permissions) on first use; return (secret, created)."""
    path = Path(path)
    if path.exists():
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise SecretError(f"cannot read the hub secret {path}: {exc.strerror}. Check its permissions.") from exc
        if len(secret) < SECRET_BYTES:
            raise SecretError(f"the hub secret {path} is too short ({len(secret)} bytes; need {SECRET_BYTES}+): "
                              "restore it from your backup")
        return secret, False
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(SECRET_BYTES).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secret + b"\n")
    return secret, True


#: Spacing that normalising changes: any whitespace but a single inner space, or the separator.
_IRREGULAR = re.compile(r"[^\S ]|  |^ | $| \x00|\x00 ")
#: The same for ASCII text, as substrings: finding each is far quicker than the pattern.
_ASCII_IRREGULAR = [c for c in map(chr, range(128)) if c.isspace() and c != " "] + ["  ", " \x00", "\x00 "]


def _irregular(joined: str) -> bool:
    """Whether text (values joined by NUL) has spacing that normalising changes."""
    if not joined.isascii():
        return _IRREGULAR.search(joined) is not None
    return joined.startswith(" ") or joined.endswith(" ") or any(s in joined for s in _ASCII_IRREGULAR)


def normalised_texts(values: list) -> list[str]:
    """Each value casefolded, its spaces collapsed and trimmed. When no value has irregular
    spacing (the usual case), that is one casefold of them all joined, not one call per value."""
    try:
        joined = "\x00".join(values)
        regular = joined.count("\x00") == len(values) - 1 and not _irregular(joined)
    except TypeError:                                # not all text
        regular = False
    if regular and values:
        return joined.casefold().split("\x00")
    return [" ".join(str(v).casefold().split()) for v in values]


def _normalise(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, normalised text per code): case, surrounding and repeated spaces do not make
    a different person or reference. Each distinct value is normalised once (each row, when nearly
    all differ); values alike once normalised keep their own codes: they are keyed alike anyway."""
    raw = values.to_numpy(dtype=object, na_value="")
    sample = raw[::max(1, len(raw) // 10_000)].tolist()
    if len(raw) > 50_000 and len(set(sample)) > 0.9 * len(sample):     # references: nearly all distinct,
        codes, uniques = np.arange(len(raw)), raw                       # so finding the repeats costs more
    else:                                                               # than keying them twice
        codes, uniques = pd.factorize(raw, sort=False)
    return codes, np.array(normalised_texts(uniques.tolist()), dtype=object)


def _combine(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, list[str]]:
    """(code per row, distinct inputs) of several normalised columns taken together: the columns'
    texts joined by a unit separator, built once per distinct combination rather than per row."""
    codes, texts = parts[0]
    if len(parts) == 1:
        return codes, texts.tolist()
    for more, more_texts in parts[1:]:
        codes, _ = pd.factorize(codes.astype(np.int64) * len(more_texts) + more, sort=False)
    # codes number combinations in order of first appearance: where the running highest code
    # goes up is the row where each combination first appears
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    return codes, list(map("\x1f".join, zip(*(texts[c[first]] for c, texts in parts))))


def _pads(secret: bytes) -> tuple:
    """HMAC-SHA256 (RFC 2104) with the keyed inner and outer states made once: copying them per
    value gives exactly ``hmac.digest(secret, msg, "sha256")`` at under half its cost."""
    key = hashlib.sha256(secret).digest() if len(secret) > BLOCK else secret
    key = key.ljust(BLOCK, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key)))


@dataclass
class CodedKeys:
    """Pseudonyms as one code per row (-1 where every input is blank) into the distinct keys,
    packed as ASCII text a line each (``unpack``): cheap to send between processes and to select
    rows from, unlike a million separate strings."""

    codes: np.ndarray
    packed: bytes

    def table(self) -> KeyTable:
        table = KeyTable(self.codes)
        table.add(self.packed)
        return table

    def take(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The key (str) or None of each row, or of the rows ``rows`` selects."""
        return self.table().of(slice(None) if rows is None else rows)


class KeyTable:
    """One pseudonym's keys as they come: a code per row, then the keys of the distinct inputs in
    order of first appearance (``CodedKeys.packed``, whole or in parts), so the rows from the
    first keyed so far are known. Keys are held as fixed-width bytes, a quarter of the memory of
    as many strings (10 million records' keys in 200 MB), and made text only when asked for."""

    def __init__(self, codes: np.ndarray):
        self.codes = codes
        self.reach = np.maximum.accumulate(codes) if len(codes) else codes     # highest code up to each row
        self.keys = np.zeros(int(codes.max(initial=-1)) + 1, dtype=f"S{KEY_HEX}")
        self.known = 0

    def add(self, packed: bytes) -> None:
        """The keys of the next distinct inputs (beyond those any row has: a blank one may come last)."""
        new = fixed_width(packed)[:len(self.keys) - self.known]
        self.keys[self.known:self.known + len(new)] = new
        self.known += len(new)

    def rows(self) -> int:
        """How many rows, from the first, have their key."""
        return int(np.searchsorted(self.reach, self.known))

    def of(self, rows) -> np.ndarray:
        """The key (str) or None of each of ``rows``."""
        codes = self.codes[rows]
        out = np.full(len(codes), None, dtype=object)
        keyed = codes >= 0
        out[keyed] = self.keys[codes[keyed]].astype(str)
        return out


def fixed_width(packed: bytes) -> np.ndarray:
    """The keys packed by ``Pseudonymiser.packed`` as fixed-width bytes, without a string each."""
    if not packed:
        return np.zeros(0, dtype=f"S{KEY_HEX}")
    lines = np.frombuffer(packed + b"\n", dtype=np.uint8).reshape(-1, KEY_HEX + 1)
    return np.ascontiguousarray(lines[:, :KEY_HEX]).view(f"S{KEY_HEX}").ravel()


class Pseudonymiser:
    """Makes pseudonyms of one kind ('person', 'upn', 'police_crime' …) from one or more columns."""

    def __init__(self, secret: bytes):
        self._secret = bytes(secret)

    def keys(self, kind: str, *columns: pd.Series) -> np.ndarray:
        """Pseudonym per row (None where every input is blank)."""
        return self.coded(kind, *columns).take()

    def coded(self, kind: str, *columns: pd.Series) -> CodedKeys:
        """Pseudonyms of the rows of ``columns``, each distinct input keyed once."""
        codes, texts = distinct_inputs(*columns)
        return CodedKeys(codes, self.packed(kind, texts))

    def packed(self, kind: str, texts: list[str]) -> bytes:
        """The keys of normalised inputs ``texts`` (``distinct_inputs``), packed as ``CodedKeys`` holds them."""
        inner, outer = _pads(self._secret)
        inner.update(kind.encode() + b"\x1e")
        keyed = []
        for text in texts:
            state = inner.copy()
            state.update(text.encode())
            final = outer.copy()
            final.update(state.digest())
            keyed.append(final.hexdigest()[:KEY_HEX])
        return "\n".join(keyed).encode("ascii")


def unpack(packed: bytes) -> list[str]:
    """The keys packed by ``Pseudonymiser.packed``: one split, twice as quick as slicing them out."""
    return packed.decode("ascii").split("\n") if packed else []


def distinct_inputs(*columns: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code per row, -1 where every input is blank; the distinct normalised inputs, in order of
    first appearance): what is keyed, once per distinct input."""
    parts = [_normalise(c) for c in columns]
    codes, texts = _combine(parts)
    codes = codes.astype(np.int32)
    codes[np.logical_and.reduce([(t == "")[c] for c, t in parts])] = -1
    return codes, texts
