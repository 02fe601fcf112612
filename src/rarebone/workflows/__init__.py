"""One module per user job; each returns a typed contract."""
