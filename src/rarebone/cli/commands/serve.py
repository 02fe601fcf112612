"""``rarebone serve``: the clinicians' workbench (docs/workbench.md), one process for every user."""

from __future__ import annotations

import typer

from rarebone.cli.commands.registry import DbOption


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(db: str = DbOption,
              host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (keep 127.0.0.1 behind a "
                                       "TLS proxy)."),
              port: int = typer.Option(8000, "--port", min=1, max=65535),
              https: bool = typer.Option(False, "--https-cookies",
                                         help="Mark session cookies Secure (set when TLS terminates in front)."),
              idle_minutes: float = typer.Option(30, "--idle-minutes", min=1, max=24 * 60,
                                                 help="Sign a session out after this long without a request.")) -> None:
        """Serve the clinicians' workbench on http://HOST:PORT (sign in with an account from `rarebone users add`)."""
        from rarebone.extras import require

        require("web")
        import uvicorn

        from rarebone.web.app import create_app
        from rarebone.web.settings import WebSettings

        app = create_app(WebSettings(db_url=db, secure_cookies=https, idle_minutes=idle_minutes))
        from rarebone.web import accounts

        if not accounts.listing(app.state.workbench.read_engine):
            typer.echo("no accounts yet: create one with `rarebone users add NAME --role clinician` (same --db)",
                       err=True)
        typer.echo(f"rarebone workbench on http://{host}:{port} (Ctrl+C stops it)", err=True)
        # one process: sessions and the sign-in limiter live in it; page functions run in uvicorn's thread pool
        uvicorn.run(app, host=host, port=port, workers=1, proxy_headers=True, server_header=False,
                    access_log=True, log_level="info")
