"""``rarebone serve``: the clinicians' workbench (docs/workbench.md), one process for every user, with the CDS Hooks
service (docs/ehr-integration.md) under /cds when trusted EHR issuers are configured; ``--cds-only`` serves the
CDS Hooks service alone at the root (``/cds-services``)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from rarebone.cli.commands.registry import DbOption

CDS_PREFIX = "/cds"  # the CDS Hooks base URL inside the workbench: {workbench}/cds/cds-services


def _cds_settings(config: Path | None, base_url: str, workbench_url: str | None, db: str | None):
    """Settings file / RAREBONE_CDS_* first; what they leave unset defaults to this server's own addresses and
    registry, so that one command gives a working service."""
    from rarebone.cdshooks import load_settings

    defaults = {"RAREBONE_CDS_BASE_URL": base_url}
    if workbench_url:
        defaults["RAREBONE_CDS_WORKBENCH_URL"] = workbench_url
    if db:
        defaults["RAREBONE_CDS_REGISTRY_DB"] = db
    return load_settings(config, {**defaults, **os.environ})


def _cds_configured(config: Path | None) -> bool:
    return bool(config or os.environ.get("RAREBONE_CDS_CONFIG") or os.environ.get("RAREBONE_CDS_ISSUERS"))


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(db: str = DbOption,
              host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (keep 127.0.0.1 behind a "
                                       "TLS proxy)."),
              port: int = typer.Option(8000, "--port", min=1, max=65535),
              https: bool = typer.Option(False, "--https-cookies",
                                         help="Mark session cookies Secure (set when TLS terminates in front)."),
              idle_minutes: float = typer.Option(30, "--idle-minutes", min=1, max=24 * 60,
                                                 help="Sign a session out after this long without a request."),
              cds_only: bool = typer.Option(False, "--cds-only",
                                            help="Serve only the CDS Hooks service, at /cds-services (no workbench)."),
              cds_config: Path = typer.Option(None, "--cds-config",
                                              help="CDS Hooks settings (TOML [cds] section; default "
                                                   "$RAREBONE_CDS_CONFIG and RAREBONE_CDS_* variables)."),
              workers: int = typer.Option(1, "--workers", min=1, max=64,
                                          help="With --cds-only: worker processes (about one per core).")) -> None:
        """Serve the clinicians' workbench on http://HOST:PORT (sign in with an account from `rarebone users add`);
        with trusted EHR issuers configured, the CDS Hooks service answers at http://HOST:PORT/cds/cds-services.
        `--cds-only` serves the CDS Hooks service alone."""
        from rarebone.extras import require

        require("web")
        import uvicorn

        if cds_only:
            settings = _cds_settings(cds_config, f"http://{host}:{port}", None, db)
            if not settings.issuers:
                raise typer.BadParameter("no trusted EHR issuer configured (RAREBONE_CDS_ISSUERS or [[cds.issuers]] "
                                         "in --cds-config): every call would be refused", param_hint="--cds-config")
            typer.echo(f"rarebone CDS Hooks service: discovery at http://{host}:{port}/cds-services", err=True)
            if workers > 1:  # each worker process builds its own app from the same settings
                from rarebone.cdshooks.__main__ import run_workers

                status = run_workers(settings, host, port, workers, proxy_headers=True, server_header=False,
                                     log_level="info")
                if status:
                    raise typer.Exit(status)
                return
            from rarebone.cdshooks.service import serve_app

            uvicorn.run(serve_app(settings), host=host, port=port, proxy_headers=True, server_header=False,
                        log_level="info")
            return
        if workers != 1:
            raise typer.BadParameter("the workbench runs as one process (sessions live in it); --workers is for "
                                     "--cds-only", param_hint="--workers")

        from rarebone.web.app import create_app
        from rarebone.web.settings import WebSettings

        app = create_app(WebSettings(db_url=db, secure_cookies=https, idle_minutes=idle_minutes))
        from rarebone.web import accounts

        if not accounts.listing(app.state.workbench.read_engine):
            typer.echo("no accounts yet: create one with `rarebone users add NAME --role clinician` (same --db)",
                       err=True)
        if _cds_configured(cds_config):
            from rarebone.cdshooks import create_cds_app

            scheme = "https" if https else "http"
            settings = _cds_settings(cds_config, f"{scheme}://{host}:{port}{CDS_PREFIX}", f"{scheme}://{host}:{port}", db)
            app.mount(CDS_PREFIX, create_cds_app(settings))  # JWT-authenticated JSON: outside the pages' CSRF
            typer.echo(f"CDS Hooks discovery: http://{host}:{port}{CDS_PREFIX}/cds-services", err=True)
        typer.echo(f"rarebone workbench on http://{host}:{port} (Ctrl+C stops it)", err=True)
        # one process: sessions and the sign-in limiter live in it; page functions run in uvicorn's thread pool
        uvicorn.run(app, host=host, port=port, workers=1, proxy_headers=True, server_header=False,
                    access_log=True, log_level="info")
