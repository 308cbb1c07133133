"""SQLite storage through sqlite-utils: one writer thread with group commit, WAL, and readers."""

from queue_server.store.writer import Batch, StoreUnavailable, Writer

__all__ = ["Batch", "StoreUnavailable", "Writer"]
