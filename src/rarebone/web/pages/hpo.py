"""``GET /api/hpo?q=...``: HPO terms whose label, synonym or former name contains the query (for the patient
form's autocomplete). Signed-in clinical roles only; no patient data."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from rarebone.web.deps import User, require_role
from rarebone.web.hpo_search import MAX_QUERY, search

router = APIRouter()


@router.get("/api/hpo")
def hpo_terms(q: str = Query("", max_length=MAX_QUERY), user: User = Depends(require_role("clinician", "pharmacist", "admin"))):
    return {"query": q, "results": [{"id": h.id, "name": h.name, "matched": h.matched} for h in search(q)]}
