"""The hub's HTTP API: JiN endpoints under /api/v1 and OGC API – Features at the root."""
