"""The FHIR data a hook needs: from the prefetch, else from the EHR's FHIR server, else 412.

The specification's rules (index.md, "Prefetch Template" and "FHIR Resource Access"):
- an unsatisfied key is ABSENT from ``prefetch`` -> fetch it ourselves;
- a key whose query found nothing is present with the value ``null`` (single-resource read) or an empty searchset
  Bundle -> no data, nothing to fetch;
- a prefetch error comes as an OperationOutcome (the value itself, or an entry of the searchset Bundle) -> treated
  as unsatisfied and fetched again when we can;
- when required data can be neither found in the prefetch nor fetched (no ``fhirServer``), the service SHALL answer
  412 Precondition Failed.
Prefetch tokens are only root-level context fields (``{{context.patientId}}``), so a template cannot carry a
relative date such as "the last 12 months": the template asks for the patient's Observations and the window is
applied here (and in the query when we fetch ourselves).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from rarebone.cdshooks.models import HookRequest

_TOKEN = re.compile(r"\{\{\s*context\.([A-Za-z0-9_]+)\s*\}\}")


class PreconditionFailed(Exception):
    """412: the sentence says which data could not be had."""


@dataclass
class Gathered:
    """Resources per prefetch key (None = no data), and notes for the card detail (no patient data)."""

    values: dict[str, dict | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)  # keys we had to fetch ourselves


def _is_outcome(value: Any) -> bool:
    """The prefetch value is an error report: an OperationOutcome, or a Bundle holding nothing else. A searchset
    with matches AND an OperationOutcome (e.g. a warning that results were trimmed) keeps its matches."""
    if not isinstance(value, dict):
        return False
    if value.get("resourceType") == "OperationOutcome":
        return True
    kinds = [(e.get("resource") or {}).get("resourceType") for e in value.get("entry") or []]
    return value.get("resourceType") == "Bundle" and bool(kinds) and all(k == "OperationOutcome" for k in kinds)


def _has_outcome(value: Any) -> bool:
    return isinstance(value, dict) and value.get("resourceType") == "Bundle" and any(
        (e.get("resource") or {}).get("resourceType") == "OperationOutcome" for e in value.get("entry") or [])


def _fill(template: str, context: dict) -> str:
    def sub(m: re.Match) -> str:
        value = context.get(m.group(1))
        if not isinstance(value, (str, int, float)):
            raise PreconditionFailed(f"prefetch token context.{m.group(1)} is not in the request context")
        return str(value)

    return _TOKEN.sub(sub, template)


def gather(request: HookRequest, templates: dict[str, str], extra_query: dict[str, str] | None = None,
           timeout: float = 5.0, max_pages: int = 10, client=None, optional: frozenset = frozenset(),
           io: bool = True) -> Gathered:
    """Every key of ``templates``: from the prefetch when satisfied, else fetched (``extra_query`` adds search
    parameters to our own query, e.g. a date window), else 412 - except ``optional`` keys, which are then simply
    absent from the result (the caller says what it could not check). ``io`` False: raise NeedsIO instead of
    fetching (the call runs on the event loop and must go on in a thread)."""
    got = Gathered()
    prefetch = request.prefetch or {}
    missing = []
    for key in templates:
        if key in prefetch and not _is_outcome(prefetch[key]):
            got.values[key] = prefetch[key]
            if _has_outcome(prefetch[key]):
                got.notes.append(f"the EHR attached an OperationOutcome to prefetch '{key}'; its matches were read")
        else:
            if key in prefetch:
                got.notes.append(f"the EHR reported an error (OperationOutcome) for prefetch '{key}'")
            missing.append(key)
    if not request.fhirServer:
        for key in [k for k in missing if k in optional]:
            missing.remove(key)
            got.notes.append(f"prefetch '{key}' not provided and no fhirServer to fetch it from")
    if not missing:
        return got
    if not request.fhirServer:
        raise PreconditionFailed(f"prefetch {', '.join(missing)} not provided and the request carries no "
                                 "fhirServer to fetch it from")
    if not io:
        from rarebone.cdshooks.blocking import NeedsIO

        raise NeedsIO()
    import httpx

    headers = {"Accept": "application/fhir+json"}
    if request.fhirAuthorization is not None:
        headers["Authorization"] = f"Bearer {request.fhirAuthorization.access_token}"
    base = request.fhirServer.rstrip("/")
    own = client is None
    client = client or httpx.Client(timeout=timeout, headers=headers)
    try:
        for key in missing:
            query = _fill(templates[key], request.context)
            if extra_query and key in extra_query:
                query += ("&" if "?" in query else "?") + extra_query[key]
            got.values[key] = _get(client, f"{base}/{query}", headers, max_pages, got)
            got.fetched.append(key)
    finally:
        if own:
            client.close()
    return got


def _get(client, url: str, headers: dict, max_pages: int, got: Gathered) -> dict | None:
    import httpx

    try:
        response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise PreconditionFailed(f"the FHIR server could not be reached ({type(exc).__name__})") from None
    if response.status_code == 404 and "?" not in url:
        return None  # a read of a resource that does not exist: no data, as a null prefetch
    if response.status_code >= 400:
        raise PreconditionFailed(f"the FHIR server answered {response.status_code} to a "
                                 f"{url.rsplit('/', 1)[-1].split('?')[0]} query")
    body = response.json()
    if body.get("resourceType") != "Bundle":
        return body
    pages = 1
    page = body
    while pages < max_pages:
        nxt = next((link.get("url") for link in page.get("link") or [] if link.get("relation") == "next"), None)
        if not nxt:
            break
        page = client.get(nxt, headers=headers).json()
        body.setdefault("entry", []).extend(page.get("entry") or [])
        pages += 1
    else:
        got.notes.append(f"only the first {max_pages} pages of a search were read")
    return body


def resources(value: dict | None) -> list[dict]:
    """A prefetch value as a list of resources (a Bundle's matches, or the resource itself)."""
    if not value:
        return []
    if value.get("resourceType") == "Bundle":
        return [e["resource"] for e in value.get("entry") or []
                if isinstance(e.get("resource"), dict) and e["resource"].get("resourceType") != "OperationOutcome"]
    return [value]


def effective_date(resource: dict) -> dt.date | None:
    text = resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start") \
        or resource.get("issued")
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
