"""``python -m rarebone.cdshooks [--host H] [--port P] [--config cds.toml] [--insecure]``: the CDS Hooks service
alone under uvicorn, for manual runs. In production run it behind a TLS-terminating reverse proxy (the
specification requires TLS); ``rarebone serve --cds-only`` will do the same once wired in."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rarebone.cdshooks", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--config", help="TOML settings file (else RAREBONE_CDS_CONFIG and RAREBONE_CDS_* variables)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (about one per core); connections are dealt to them in turn")
    parser.add_argument("--insecure", action="store_true",
                        help="accept calls without a JWT (local experiments with the CDS Hooks sandbox only)")
    args = parser.parse_args(argv)
    from rarebone.cdshooks.settings import load_settings
    from rarebone.errors import RareboneError

    import os

    try:
        env_base = {"RAREBONE_CDS_BASE_URL": f"http://{args.host}:{args.port}"}
        settings = load_settings(args.config, {**env_base, **os.environ})
    except RareboneError as exc:
        print(f"rarebone: error: {exc}", file=sys.stderr)
        return 2
    if args.insecure:
        settings.require_auth = False
        print("rarebone: warning: --insecure: calls are NOT authenticated; never expose this port", file=sys.stderr)
    elif not settings.issuers:
        print("rarebone: error: no trusted issuer configured (RAREBONE_CDS_ISSUERS or [[cds.issuers]]); every call "
              "would be refused", file=sys.stderr)
        return 2
    import logging

    import uvicorn

    # route, status, duration and card count per call; never patient data (see service.py)
    from rarebone.cdshooks.workers import LOG_FORMAT

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    if args.workers > 1:
        return run_workers(settings, args.host, args.port, args.workers, log_level="info")
    from rarebone.cdshooks.service import serve_app

    uvicorn.run(serve_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def run_workers(settings, host: str, port: int, workers: int, **options) -> int:
    """``workers`` processes that the supervisor deals connections to in turn (workers.py says why), or uvicorn's
    workers where file descriptors cannot be passed between processes. Each worker builds its own service from the
    same settings."""
    import os

    import uvicorn

    from rarebone.cdshooks.workers import handing_available, listening_socket, serve_workers

    if handing_available():
        try:
            listener = listening_socket(host, port)
        except OSError as exc:
            print(f"rarebone: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        return serve_workers(settings, listener, workers, **options)
    os.environ["RAREBONE_CDS_SETTINGS_JSON"] = settings.model_dump_json()
    uvicorn.run("rarebone.cdshooks.service:app_from_environment", factory=True, host=host, port=port,
                workers=workers, **options)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
