"""Replies encoded once: a national values table is megabytes of JSON, and encoding and gzipping
it took most of the hub's time under load. Each reply is encoded and compressed once per version
of what it shows (``Store.version``) and kept in the store's ``replies`` memo; every request after
that only sends bytes."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cached_property

from fastapi import Request, Response

#: Replies smaller than this go out as they are (GZipMiddleware's own threshold).
GZIP_FROM = 1024
#: zlib's default: level 9 (GZipMiddleware's default) took three times as long for 2-5 % less.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Encoded:
    """A reply's body, the rows it holds (audited), and its gzip, made when a client first takes it
    (a client that does not, e.g. one on the same machine, costs no compression)."""

    raw: bytes
    media_type: str
    rows: int
    #: what it shows, for clients that revalidate (``ETag``), where it was read with it
    etag: str | None = None

    @classmethod
    def from_gzip(cls, packed: bytes, media_type: str, rows: int, etag: str | None = None) -> Encoded:
        """A body kept gzipped (the hub database's web-map levels): sent as it is, not gzipped again."""
        body = cls(gzip.decompress(packed), media_type, rows, etag)
        body.__dict__["packed"] = packed               # (what ``packed`` would make, made already)
        return body

    @cached_property
    def packed(self) -> bytes:
        return gzip.compress(self.raw, compresslevel=GZIP_LEVEL, mtime=0)

    @property
    def size(self) -> int:
        """Bytes held, counting the gzip at a quarter of the body until it is made."""
        packed = self.__dict__.get("packed")
        return len(self.raw) + (len(packed) if packed is not None else len(self.raw) // 4)


def send(request: Request, body: Encoded, headers: dict[str, str] | None = None) -> Response:
    """``body`` gzipped if the client takes gzip (the gzip middleware leaves an encoded reply alone)."""
    headers = dict(headers or {})
    if len(body.raw) >= GZIP_FROM:
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", "").lower():
            headers["Content-Encoding"] = "gzip"
            return Response(content=body.packed, media_type=body.media_type, headers=headers)
    return Response(content=body.raw, media_type=body.media_type, headers=headers)
