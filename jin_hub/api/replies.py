"""Replies encoded once: a national values table is megabytes of JSON, and encoding and gzipping
it took most of the hub's time under load. Each reply is encoded and compressed once per version
of what it shows (``Store.version``) and kept in the store's ``replies`` memo; every request after
that only sends bytes."""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from fastapi import Request, Response

#: Replies smaller than this go out as they are (GZipMiddleware's own threshold).
GZIP_FROM = 1024
#: zlib's default: level 9 (GZipMiddleware's default) took three times as long for 2-5 % less.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Encoded:
    """A reply's body as sent without compression and with gzip, and the rows it holds (audited)."""

    raw: bytes
    packed: bytes
    media_type: str
    rows: int

    @classmethod
    def of(cls, raw: bytes, media_type: str, rows: int) -> Encoded:
        packed = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0) if len(raw) >= GZIP_FROM else raw
        return cls(raw, packed, media_type, rows)

    @property
    def size(self) -> int:
        return len(self.raw) + len(self.packed)


def send(request: Request, body: Encoded, headers: dict[str, str] | None = None) -> Response:
    """``body`` gzipped if the client takes gzip (the gzip middleware leaves an encoded reply alone)."""
    headers = dict(headers or {})
    if body.packed is not body.raw:
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", "").lower():
            headers["Content-Encoding"] = "gzip"
            return Response(content=body.packed, media_type=body.media_type, headers=headers)
    return Response(content=body.raw, media_type=body.media_type, headers=headers)
