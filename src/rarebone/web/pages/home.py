"""The start page: the pages the signed-in role may open."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from rarebone.web.deps import User, current_user
from rarebone.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, user: User = Depends(current_user)):
    return render(request, "home.html", user=user)


@router.get("/healthz", include_in_schema=False)
def health():
    return {"status": "ok"}
