"""JiN data hub: ingest partner extracts, publish disclosure-safe aggregates over HTTP."""

__version__ = "0.2.0"
