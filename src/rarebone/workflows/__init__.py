"""One module per user job; each returns a typed result contract."""
