"""Keyed pseudonyms: replace references and people with HMAC-SHA256 keys the hub alone can make.

The key is a secret kept in a file outside the database, so a copy of the database (or of
anything published from it) cannot be turned back into names or reference numbers by hashing
guesses. The same input always gives the same pseudonym under the same secret, which is what
lets the hub link records: a pupil across terms, or a person who is both a pupil and a victim
(name + date of birth), without storing who they are.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

SECRET_BYTES = 32
KEY_HEX = 20            # 80-bit pseudonyms: collisions negligible at county scale


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


def _normalise(values: pd.Series) -> pd.Series:
    """Case, surrounding and repeated spaces do not make a different person or reference."""
    text = values.fillna("").astype(str)
    return text.map({u: " ".join(u.casefold().split()) for u in text.unique()})


class Pseudonymiser:
    """Makes pseudonyms of one kind ('person', 'upn', 'police_crime' …) from one or more columns."""

    def __init__(self, secret: bytes):
        self._secret = bytes(secret)

    def keys(self, kind: str, *columns: pd.Series) -> np.ndarray:
        """Pseudonym per row (None where every input is blank)."""
        parts = [_normalise(c) for c in columns]
        joined = parts[0] if len(parts) == 1 else parts[0].str.cat(parts[1:], sep="\x1f")
        blank = np.logical_and.reduce([(p == "").to_numpy() for p in parts])
        prefix = kind.encode() + b"\x1e"
        secret = self._secret
        digest = hmac.digest
        out = np.array([digest(secret, prefix + text.encode(), "sha256").hex()[:KEY_HEX]
                        for text in joined.tolist()], dtype=object)
        out[blank] = None
        return out
