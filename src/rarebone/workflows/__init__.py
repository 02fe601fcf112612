"""One module per user job (assess, plan, monitor, ...); each returns a typed result contract."""
