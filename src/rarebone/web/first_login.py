"""`make run`'s first account: ``python -m rarebone.web.first_login --db FILE --out out/first-login.txt``.

Creates the clinician account ``clinician`` with a random password and writes the address, user name and
password to an owner-only file (0600); the terminal shows the user name and the file, never the password. Run
again, it leaves an existing file and account alone (and gives the account a new password when the file is gone).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

USERNAME = "clinician"
PASSWORD_BYTES = 18  # token_urlsafe(18): 24 characters, 144 bits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--address", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)

    from rarebone.errors import RareboneError
    from rarebone.registry import db as dbm
    from rarebone.web import accounts

    try:
        engine = dbm.open_registry(args.db, create=True)
        known = {a.username for a in accounts.listing(engine)}
        if args.out.exists() and USERNAME in known:
            print(f"first login: user {USERNAME!r}, password in {args.out} (unchanged)")
            return 0
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        if USERNAME in known:
            accounts.set_password(engine, USERNAME, password)
            accounts.set_disabled(engine, USERNAME, False)
        else:
            accounts.add(engine, USERNAME, "clinician", password, display_name="Demo clinician (SYNTHETIC data)")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(f"address:  {args.address}\nuser:     {USERNAME}\npassword: {password}\n")
    except RareboneError as error:
        print(f"rarebone: error: {error}", file=sys.stderr)
        return 2
    print(f"first login: user {USERNAME!r}, password in {args.out} (readable by you only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
