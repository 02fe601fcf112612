"""Cohort: the outcomes report (rarebone.workflows.outcomes, as ``rarebone report``) with its filters — a
``--cohort`` expression built from rows of field / operator / value (or typed), group by, time points — its
Kaplan-Meier and cumulative-incidence figures and downloads; and the de-identified research export
(registry.deidentify). Both give aggregates or de-identified rows only, so researchers use them; they never
reach a patient page (those answer 403) and nothing here shows a patient key.

A report runs as a background job (web/jobs.py): the request that starts it returns at once, the job page shows
its stage and refreshes itself, and other users' pages are served meanwhile.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from rarebone.errors import InputError, RareboneError
from rarebone.registry import dictionary as dd
from rarebone.web.deps import User, require_role, state
from rarebone.web.templating import render

router = APIRouter()
USERS = require_role("clinician", "researcher", "admin")
BUILDER_ROWS = 3
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in")
TIME_UNITS = ("months", "years", "days")
ORIGINS = ("transplant", "diagnosis")
MAX_EXPRESSION = 500
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
STAGES = ("reading the registry", "applying the cohort filter", "computing the analyses", "drawing the figures")


def filter_fields():
    """The fields a cohort can be filtered or grouped by: coded and numeric, never identifying ones."""
    return [f for f in dd.FIELDS if not f.identifying and f.form in ("patient", "transplant")
            and f.type in ("choice", "integer", "number", "yesno")]


def _literal(field, value: str) -> str:
    value = value.strip()
    if field.type in ("integer", "number") and _NUMBER.match(value):
        return value
    if field.type == "yesno" and value.lower() in ("true", "false", "yes", "no"):
        return "true" if value.lower() in ("true", "yes") else "false"
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise InputError("a value cannot hold both kinds of quote", path="value", value=value)


def build_expression(form: dict) -> str:
    """Rows of (field, operator, value) joined by 'and', plus the typed expression: the ``--cohort`` text."""
    fields = {f.name: f for f in filter_fields()}
    parts = []
    for i in range(BUILDER_ROWS):
        name, op, value = (form.get(f"f{i}-{k}", "").strip() for k in ("field", "op", "value"))
        if not name and not value:
            continue
        if name not in fields:
            raise InputError("choose a field", path=f"row {i + 1}", value=name)
        if op not in OPERATORS:
            raise InputError("choose an operator", path=f"row {i + 1}", value=op)
        if not value:
            raise InputError("give a value", path=f"row {i + 1}")
        if op == "in":
            items = [x for x in value.split(",") if x.strip()]
            parts.append(f"{name} in ({', '.join(_literal(fields[name], x) for x in items)})")
        else:
            parts.append(f"{name} {op} {_literal(fields[name], value)}")
    typed = form.get("cohort", "").strip()
    if typed:
        parts.append(f"({typed})" if parts else typed)
    expression = " and ".join(parts)
    if len(expression) > MAX_EXPRESSION:
        raise InputError(f"the cohort expression is longer than {MAX_EXPRESSION} characters", path="cohort")
    return expression


def report_options(form: dict) -> dict:
    """The form -> outcomes.run's options (checked here for a clear sentence; the room checks them again)."""
    options: dict = {"cohort": build_expression(form) or None}
    fields = {f.name for f in filter_fields()}
    by = [b for b in (form.get("by", "").strip(), form.get("by2", "").strip()) if b]
    for b in by:
        if b not in fields:
            raise InputError("choose a field to group by", path="by", value=b)
    options["by"] = by
    at = []
    for x in form.get("at", "").replace(";", ",").split(","):
        if x.strip():
            try:
                value = float(x)
            except ValueError:
                raise InputError("time points are numbers, e.g. 12, 60", path="at", value=x.strip()) from None
            if not value > 0 or value != value or value == float("inf"):
                raise InputError("time points are above 0", path="at", value=x.strip())
            at.append(value)
    options["at"] = at[:10] or None
    options["time_unit"] = form.get("time_unit") if form.get("time_unit") in TIME_UNITS else "months"
    options["origin"] = form.get("origin") if form.get("origin") in ORIGINS else "transplant"
    return options


def _form_page(request, user, form, error=None, status_code=200):
    return render(request, "cohort/form.html", status_code=status_code, user=user, form=form, error=error,
                  fields=filter_fields(), operators=OPERATORS, rows=range(BUILDER_ROWS), time_units=TIME_UNITS,
                  origins=ORIGINS)


@router.get("/cohort")
def cohort_page(request: Request, user: User = Depends(USERS)):
    return _form_page(request, user, {})


@router.post("/cohort/reports")
async def start_report(request: Request, user: User = Depends(USERS)):
    form = {k: v[:MAX_EXPRESSION] for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        options = report_options(form)
    except RareboneError as exc:
        return _form_page(request, user, form, error=str(exc), status_code=422)
    st = state(request)
    engine = st.read_engine
    job = st.jobs.start(user.username, "Outcomes report" + (f": {options['cohort']}" if options["cohort"] else ""),
                        lambda job: _run(job, engine, options), total=len(STAGES))
    job.result["options"] = options
    return RedirectResponse(f"/cohort/reports/{job.id}", status_code=303)


def _run(job, engine, options: dict) -> None:
    """outcomes.run's steps, one stage at a time so the page can say where it is."""
    from rarebone.analytics import cohort_filter
    from rarebone.registry.frame import cohort_frame
    from rarebone.report import outcomes as render_outcomes
    from rarebone.workflows import outcomes

    frame = cohort_frame(engine)
    job.done = 1
    frame = cohort_filter.apply(frame, options["cohort"])
    job.done = 2
    result, figures = outcomes.analyse(frame, cohort=options["cohort"], by=options["by"], at=options["at"],
                                       time_unit=options["time_unit"], origin=options["origin"], figures=True,
                                       engine=engine)
    job.done = 3
    import base64

    # SVG figures shown as images (data: URLs): no markup of the report enters the page
    pictures = {name: base64.b64encode(svg.encode()).decode("ascii") for name, svg in (figures or {}).items()}
    job.result.update(report=result, figures=pictures, paragraphs=render_outcomes.results_paragraphs(result),
                      text=render_outcomes.to_text(result), html=render_outcomes.to_html(result, figures or {}))
    job.done = 4


def _job(request, job_id: str, user: User):
    job = state(request).jobs.get(job_id, user.username)
    if job is None or "options" not in job.result:
        raise HTTPException(404, "There is no such report, or it was started by another account.")
    return job


@router.get("/cohort/reports/{job_id}")
def report_page(request: Request, job_id: str, user: User = Depends(USERS)):
    job = _job(request, job_id, user)
    stage = STAGES[min(job.done, len(STAGES) - 1)]
    return render(request, "cohort/report.html", user=user, job=job, stage=stage, r=job.result.get("report"))


@router.get("/cohort/reports/{job_id}/report.{fmt}")
def report_download(request: Request, job_id: str, fmt: str, user: User = Depends(USERS)):
    job = _job(request, job_id, user)
    if not job.finished or job.error or "report" not in job.result:
        raise HTTPException(409, "The report is not ready.")
    if fmt == "json":
        body, media = job.result["report"].model_dump_json(indent=2), "application/json"
    elif fmt == "txt":
        body, media = job.result["text"], "text/plain; charset=utf-8"
    elif fmt == "html":
        body, media = job.result["html"], "text/html; charset=utf-8"
    elif fmt == "pdf":
        from rarebone.report.pdf import html_to_pdf

        body, media = html_to_pdf(job.result["html"]), "application/pdf"
    else:
        raise HTTPException(404, "Reports download as .json, .txt, .html or .pdf.")
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="outcomes-report.{fmt}"'})


@router.get("/cohort/research-export")
def research_export(request: Request, user: User = Depends(USERS)):
    """The de-identified research export (``registry export --as research``): JSON lines, pseudonyms from the
    centre's key file ($RAREBONE_EXPORT_KEY_FILE on the server; without it, one sentence saying so)."""
    from rarebone.registry import deidentify as de
    from rarebone.registry import export as ex

    try:
        key = de.open_key(None)
    except InputError as exc:
        raise HTTPException(409, "The research export is not configured on this server: the administrator sets "
                            f"{de.KEY_FILE_ENV} (a private key file) before starting it.") from exc
    from fastapi.responses import StreamingResponse

    from rarebone.web.deps import audit

    def done(count: int, complete: bool) -> None:
        audit(request, user, "export", "*", source=f"workbench research export ({count} de-identified records"
              + ("" if complete else ", interrupted") + ")")

    return StreamingResponse(export_lines(ex.iter_records(state(request).read_engine), key, done),
                             media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="research-export.jsonl"'})


EXPORT_CHUNK = 64 * 1024  # characters per chunk sent


def export_lines(records, key, done):
    """The research export as it is made, one chunk of JSON lines at a time: a cohort of 100,000 patients is never
    held in memory (the registry is read in batches, registry.export.iter_records). Afterwards — also when the
    download is cut off — the reading session is closed, the pseudonyms given out are saved in the key file and
    ``done(count, complete)`` writes the audit row (after the read, so a request never holds two connections)."""
    import json

    from rarebone.registry import deidentify as de

    count, complete, buffer, size = 0, False, [], 0
    try:
        for record in de.deidentify(records, key):
            line = json.dumps(record, sort_keys=True) + "\n"
            buffer.append(line)
            size += len(line)
            count += 1
            if size >= EXPORT_CHUNK:
                yield "".join(buffer)
                buffer, size = [], 0
        if buffer:
            yield "".join(buffer)
        complete = True
    finally:
        records.close()
        key.save()
        done(count, complete)
