"""SQLite storage through sqlite-utils: one writer thread with group commit (:mod:`.writer`), WAL, and readers."""
