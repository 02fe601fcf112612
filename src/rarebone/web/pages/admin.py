"""``/admin/users``: the accounts, for admins (created on the command line: `rarebone users add`, so that a
password never passes through a web form that someone else filled in). Disable or enable from here."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from rarebone.web import accounts
from rarebone.web.deps import User, flash, require_role, state
from rarebone.web.templating import render

router = APIRouter()
ADMIN = require_role("admin")


@router.get("/admin/users")
def users(request: Request, user: User = Depends(ADMIN)):
    return render(request, "admin/users.html", user=user, accounts=accounts.listing(state(request).read_engine))


@router.post("/admin/users/{username}/disabled")
def set_disabled(request: Request, username: str, disabled: str = Form(...), user: User = Depends(ADMIN)):
    if username == user.username:
        raise HTTPException(400, "You cannot disable your own account.")
    account = accounts.set_disabled(state(request).engine, username, disabled == "yes")
    if account.disabled:
        state(request).sessions.drop_user(account.id)
    flash(request, f"Account {account.username} {'disabled' if account.disabled else 'enabled'}.")
    return RedirectResponse("/admin/users", status_code=303)
