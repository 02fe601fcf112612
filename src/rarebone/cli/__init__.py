"""The ``rarebone`` command. The error boundary lives here: a RareboneError is one line on stderr and its
exit code (2 for bad input or a safety refusal); anything else is a bug and shows a traceback (exit 1).

Command modules live in ``rarebone.cli.commands``; each defines ``register(app)``. They import heavy
libraries inside their functions so that start-up stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from rarebone.errors import RareboneError
from rarebone.report.terminal import strip_controls

app = typer.Typer(
    name="rarebone",
    help="Decision support for osteopetrosis (HSCT) and chronic nonbacterial osteomyelitis. "
    "Every output is to be checked by the responsible clinician.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from rarebone import __version__

        typer.echo(f"rarebone {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Decision support for osteopetrosis (HSCT) and chronic nonbacterial osteomyelitis."""


def _register_commands() -> None:
    from rarebone.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    try:
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except RareboneError as error:
        print(f"rarebone: error: {strip_controls(str(error))}", file=sys.stderr)  # no escape codes from input
        sys.exit(error.exit_code)
    except SystemExit:
        raise
    except ModuleNotFoundError as error:
        # an optional extra (registry, postgres, pdf) that this install lacks: one line naming it, exit 2
        from rarebone.extras import missing_extra

        friendly = missing_extra(error)
        if friendly is None:
            raise
        print(f"rarebone: error: {friendly}", file=sys.stderr)
        sys.exit(friendly.exit_code)
    except KeyboardInterrupt:
        print("rarebone: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as error:
        # Usage errors of the (vendored) click library arrive here in standalone_mode=False.
        if type(error).__name__ == "Abort":
            sys.exit(130)
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            # one line, like every other refusal (click's usage block would be three)
            print(f"rarebone: error: {' '.join(error.format_message().split())}", file=sys.stderr)
            sys.exit(2)
        raise
