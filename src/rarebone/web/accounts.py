"""Workbench accounts in the registry's ``users`` table: argon2id password hashes (argon2-cffi defaults), roles.

Passwords never pass through argv or logs: the CLI reads them from a prompt or stdin (cli/commands/users.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rarebone.errors import InputError, RegistryError

ROLES = ("clinician", "pharmacist", "researcher", "admin")
MIN_PASSWORD = 12  # characters; long passphrases rather than composition rules (NIST SP 800-63B)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    display_name: str | None
    disabled: bool
    created_at: str
    last_sign_in_at: str | None


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# a hash to verify against when the account does not exist, so both cases take the same time
_DUMMY: list[str] = []


def _account(row) -> Account:
    from rarebone.registry.store import utc_iso

    return Account(row.id, row.username, row.role, row.display_name, bool(row.disabled), utc_iso(row.created_at),
                   utc_iso(row.last_sign_in_at))


def check_new(username: str, role: str, password: str) -> None:
    if not _USERNAME.match(username or ""):
        raise InputError("user name: 2-64 characters, lower-case letters, digits, '.', '_' or '-'", path="username",
                         value=username)
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}", path="--role", value=role)
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password shorter than {MIN_PASSWORD} characters", path="password")


def add(engine, username: str, role: str, password: str, display_name: str | None = None) -> Account:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.models import UserRow

    check_new(username, role, password)
    with Session(engine) as session, session.begin():
        if session.scalars(select(UserRow).where(UserRow.username == username)).first() is not None:
            raise InputError("an account with this user name exists", path="username", value=username)
        row = UserRow(username=username, role=role, display_name=display_name, password_hash=hash_password(password),
                      disabled=False, created_at=dt.datetime.now(dt.timezone.utc))
        session.add(row)
        session.flush()
        return _account(row)


def listing(engine) -> list[Account]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.models import UserRow

    with Session(engine) as session:
        return [_account(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def set_disabled(engine, username: str, disabled: bool = True) -> Account:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.models import UserRow

    with Session(engine) as session, session.begin():
        row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
        if row is None:
            raise RegistryError("no such account", value=username)
        row.disabled = disabled
        return _account(row)


def set_password(engine, username: str, password: str) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.models import UserRow

    if len(password) < MIN_PASSWORD:
        raise InputError(f"password shorter than {MIN_PASSWORD} characters", path="password")
    with Session(engine) as session, session.begin():
        row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
        if row is None:
            raise RegistryError("no such account", value=username)
        row.password_hash = hash_password(password)


def verify(engine, username: str, password: str) -> Account | None:
    """The account when the password is right and the account enabled; else None (same work either way)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.models import UserRow

    hasher = _hasher()
    with Session(engine) as session, session.begin():
        row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
        if row is None:
            if not _DUMMY:
                _DUMMY.append(hasher.hash("not-a-password-of-anyone"))
            try:
                hasher.verify(_DUMMY[0], password)
            except VerificationError:
                pass
            return None
        try:
            hasher.verify(row.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row.disabled:
            return None
        if hasher.check_needs_rehash(row.password_hash):
            row.password_hash = hasher.hash(password)
        row.last_sign_in_at = dt.datetime.now(dt.timezone.utc)
        return _account(row)


def get(engine, user_id: int) -> Account | None:
    from sqlalchemy.orm import Session

    from rarebone.registry.models import UserRow

    with Session(engine) as session:
        row = session.get(UserRow, user_id)
        return _account(row) if row is not None else None
