"""``rarebone users add|list|disable|enable|password``: workbench accounts in the registry.

A password is never an argument (``ps`` and the shell history would show it): it is asked twice at a prompt, or
read as the first line of standard input with ``--password-stdin`` (for scripts and `make run`).
"""

from __future__ import annotations

import sys

import typer

from rarebone.cli.commands.registry import DbOption
from rarebone.errors import InputError


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise InputError("no password on standard input", path="--password-stdin")
        return password
    import getpass

    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Same password again: ") != first:
        raise InputError("the two passwords differ", path="password")
    return first


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="Workbench accounts (rarebone serve): add, list, disable.", no_args_is_help=True)
    app.add_typer(sub, name="users")

    @sub.command("add")
    def add(username: str = typer.Argument(..., help="User name (lower-case letters, digits, . _ -)."),
            role: str = typer.Option(..., "--role", help="clinician, pharmacist, researcher or admin."),
            name: str = typer.Option(None, "--name", help="Full name shown on sign-offs."),
            password_stdin: bool = typer.Option(False, "--password-stdin",
                                                help="Read the password from standard input instead of a prompt."),
            db: str = DbOption) -> None:
        """Create an account (the password is asked, never given on the command line)."""
        from rarebone.registry import db as dbm
        from rarebone.web import accounts

        accounts.check_new(username, role, "x" * accounts.MIN_PASSWORD)  # name and role first, before the prompt
        password = _read_password(password_stdin)
        account = accounts.add(dbm.open_registry(db, create=True), username, role, password, name)
        typer.echo(f"account {account.username} ({account.role}) created")

    @sub.command("list")
    def list_(db: str = DbOption) -> None:
        """The accounts, their roles and whether they are disabled."""
        from rarebone.registry import db as dbm
        from rarebone.web import accounts

        rows = accounts.listing(dbm.open_registry(db))
        if not rows:
            typer.echo("no accounts; add one with `rarebone users add NAME --role clinician`")
        for a in rows:
            state = "DISABLED" if a.disabled else "active"
            typer.echo(f"{a.username:<24} {a.role:<11} {state:<8} last sign-in {a.last_sign_in_at or 'never'}"
                       + (f"  ({a.display_name})" if a.display_name else ""))

    @sub.command("disable")
    def disable(username: str = typer.Argument(...), db: str = DbOption) -> None:
        """Disable an account: it cannot sign in, and a running workbench signs it out on its next request."""
        from rarebone.registry import db as dbm
        from rarebone.web import accounts

        accounts.set_disabled(dbm.open_registry(db), username, True)
        typer.echo(f"account {username} disabled")

    @sub.command("enable")
    def enable(username: str = typer.Argument(...), db: str = DbOption) -> None:
        """Enable a disabled account again."""
        from rarebone.registry import db as dbm
        from rarebone.web import accounts

        accounts.set_disabled(dbm.open_registry(db), username, False)
        typer.echo(f"account {username} enabled")

    @sub.command("password")
    def password(username: str = typer.Argument(...),
                 password_stdin: bool = typer.Option(False, "--password-stdin"), db: str = DbOption) -> None:
        """Set a new password for an account."""
        from rarebone.registry import db as dbm
        from rarebone.web import accounts

        accounts.set_password(dbm.open_registry(db), username, _read_password(password_stdin))
        typer.echo(f"password of {username} changed")
