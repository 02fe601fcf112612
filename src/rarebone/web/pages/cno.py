"""CNO: visit entry (pain, physician global, CRP/ESR, imaging with lesions by site from the knowledge base's
skeletal-site vocabulary), the course (rarebone.workflows.cno_course: activity per visit, PedCNO responses, lesion
timeline, with report.cno_render's charts) and the treatment ladder with the next options
(rarebone.workflows.cno_plan).

A visit is stored twice, each part where it belongs: the registry's ``cno_visits`` row and the CRP/ESR
measurements through registry.store.upsert (validated, audited), and the visit with its imaging study (lesion by
lesion: the registry has no place for it) as a ``cno_visit`` workbench entry, which becomes
``rareboneExtensions.cno`` for the rooms.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from rarebone.errors import RareboneError
from rarebone.web import clinical
from rarebone.web.keys import key_segment as _q  # also registers {...:key}
from rarebone.web.deps import ReadDb, User, audit, flash, require_role
from rarebone.web.records import load_record, stored
from rarebone.web.templating import render

router = APIRouter()
READERS = require_role("clinician", "admin")
LESION_ROWS = 6  # lesion rows offered per imaging study (more: save and enter another study the same day)
MODALITIES = ("", "wbmri", "mri", "xray", "ct", "scintigraphy", "pet_ct")
INTENSITIES = ("", "none", "mild", "moderate", "marked")
RECENT = 50



def _sites():
    from rarebone.knowledge import load
    from rarebone.knowledge.kinds.cno import CnoSite

    return [{"key": s.key, "label": s.label, "paired": s.paired, "parts": list(s.parts)} for s in load().of_kind(CnoSite)]


@router.get("/cno")
def index(request: Request, key: str = "", user: User = Depends(READERS), db=ReadDb):
    from sqlalchemy import select

    from rarebone.registry.models import WorkbenchEntryRow as E

    if key.strip():
        return RedirectResponse(f"/cno/{_q(key.strip()[:120])}", status_code=303)
    rows = list(db.scalars(select(E).where(E.kind == clinical.CNO_VISIT).order_by(E.id.desc()).limit(RECENT)))
    return render(request, "cno/index.html", user=user, rows=rows)


def course_and_ladder(record: dict, visits: list):
    """(course of this child or None, ladder plan or None, problems): each room's refusal is shown, not hidden."""
    from rarebone.knowledge import load
    from rarebone.workflows.cno_course import course_document, course_of
    from rarebone.workflows.cno_plan import build_plan

    kb = load()
    problems = []
    course = plan = None
    try:
        intake = clinical.read_intake(record, cno_visits=visits)
    except RareboneError as exc:
        return None, None, [str(exc)]
    try:
        course = course_document([course_of(intake, f"registry patient {record['patient']['patient_key']}", kb)], kb)
    except RareboneError as exc:
        problems.append(f"course: {exc.message} ({exc.path})" if exc.path else f"course: {exc.message}")
    try:
        plan = build_plan(intake, kb)
    except RareboneError as exc:
        # without a (plausible) weight no dose is computed: the ladder alone, and the reason shown
        problems.append(f"no pamidronate dose: {exc.message}")
        try:
            plan = build_plan(intake, kb, ladder_only=True)
        except RareboneError as exc2:
            problems.append(f"ladder: {exc2.message}")
    return course, plan, problems


def _page(request, user, db, patient_key, *, form=None, errors=None, status_code=200):
    from rarebone.knowledge import load
    from rarebone.report import cno_render as cr

    record = stored(load_record(db, patient_key))
    visits = clinical.entries(db, patient_key, clinical.CNO_VISIT)
    course, plan, problems = course_and_ladder(record, visits)
    pc = course.patients[0] if course and course.patients else None
    charts = cr.course_charts(pc) if pc else {}
    audit(request, user, "view", patient_key, source="workbench CNO course", release=db)
    kb = load()
    return render(request, "cno/patient.html", status_code=status_code, user=user, key=patient_key, course=course,
                  pc=pc, plan=plan, problems=problems, charts=charts, sites=_sites(), modalities=MODALITIES,
                  intensities=INTENSITIES, rows=range(LESION_ROWS), form=form or {}, errors=errors or {},
                  lab=cr._lab, n=cr._n, lesion_label=cr.lesion_label, words=cr.STATUS_WORDS,
                  summary_text=cr.summary_text, pedcno_rows=cr.pedcno_rows, option_notes=cr.option_notes,
                  uncertainty=cr.calendar_uncertainty, cap_text=cr.cap_text, course_length_text=cr.course_length_text,
                  review_text=cr.review_text, today=dt.date.today().isoformat(),
                  sources=[kb.citation_text(i) for i in sorted(set(cr.COURSE_SOURCES)) if i in kb.sources])


@router.get("/cno/{patient_key:key}")
def patient_page(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    return _page(request, user, db, patient_key)


def _number(form: dict, name: str, errors: dict):
    """A number, or None when blank. Its range is the rooms' to check (the CNO record reader for the 0-10 scales,
    the registry's data dictionary and plausibility checks for CRP/ESR): no second copy of a limit here."""
    import math

    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors[name] = "not a number"
        return None
    if not math.isfinite(value):
        errors[name] = "not a number"
        return None
    return value


def visit_entry(form: dict, errors: dict) -> tuple[dict | None, dict]:
    """(the workbench entry's payload, the registry row's values). Ranges are checked by the rooms: the CNO record
    reader (0-10 scales) before saving, the registry's dictionary and plausibility checks (CRP/ESR) on saving."""
    from rarebone.core import clock

    payload: dict = {}
    try:
        day = dt.date.fromisoformat(form.get("date", "").strip())
        if day > clock.today() or day.year < 1900:
            errors["date"] = "a date from 1900 to today"
    except ValueError:
        errors["date"] = "a date such as 2027-01-15"
        day = None
    payload["date"] = day.isoformat() if day else None
    label = form.get("label", "").strip()[:60]
    if label:
        payload["label"] = label
    pain = _number(form, "pain", errors)
    pga = _number(form, "pga", errors)
    if pain is not None:
        payload["patientPain"] = pain
    if pga is not None:
        payload["pga"] = pga
    crp = _number(form, "crp", errors)
    esr = _number(form, "esr", errors)
    modality = form.get("modality", "")
    if modality not in MODALITIES:
        errors["modality"] = "choose a modality"
        modality = ""
    lesions = []
    sites = {s["key"]: s for s in _sites()}
    for i in range(LESION_ROWS):
        site = form.get(f"l{i}-site", "").strip()
        if not site:
            continue
        if site not in sites:
            errors[f"l{i}-site"] = "choose a site from the list"
            continue
        lesion: dict = {"site": site, "present": form.get(f"l{i}-present", "yes") != "no"}
        side, part, intensity = (form.get(f"l{i}-{k}", "").strip() for k in ("side", "part", "intensity"))
        if sites[site]["paired"] and side not in ("left", "right"):
            errors[f"l{i}-side"] = "a paired bone: left or right"
        elif not sites[site]["paired"] and side:
            errors[f"l{i}-side"] = "not a paired bone: no side"
        if side in ("left", "right") and sites[site]["paired"]:
            lesion["side"] = side
        if part:
            if part not in sites[site]["parts"]:
                errors[f"l{i}-part"] = f"one of {', '.join(sites[site]['parts']) or '(none for this bone)'}"
            else:
                lesion["part"] = part
        if intensity:
            if intensity not in INTENSITIES:
                errors[f"l{i}-intensity"] = "none, mild, moderate or marked"
            else:
                lesion["intensity"] = intensity
        if form.get(f"l{i}-symptomatic") == "yes":
            lesion["symptomatic"] = True
        lesions.append(lesion)
    if lesions and not modality:
        errors["modality"] = "lesions need the imaging study's modality"
    if modality:
        payload["modality"] = modality
        payload["lesions"] = lesions
    if pain is None and pga is None and crp is None and esr is None and not modality and not errors:
        errors["_visit"] = "enter at least one finding"
    whole_body = modality in ("wbmri", "scintigraphy", "pet_ct")
    registry_row = {"visit_date": day, "age_days": None, "pain_vas_0_10": pain, "physician_global_0_10": pga,
                    "crp_mg_per_l": crp, "esr_mm_per_h": esr,
                    "active_lesions": sum(1 for x in lesions if x["present"]) if whole_body else None}
    return (None if errors else payload), registry_row


@router.post("/cno/{patient_key:key}/visits")
async def add_visit(request: Request, patient_key: str, user: User = Depends(require_role("clinician", "admin"))):
    form = {k: v[:120] for k, v in (await request.form()).items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_add_visit, request, patient_key, user, form)


def _measurement(analyte: str, value: float, day: dt.date) -> dict:
    from rarebone.knowledge import unit_converter

    spec = unit_converter().analytes[analyte]
    return {"assay_id": f"LOINC:{spec.loinc[0]}", "analyte": analyte, "value": value, "unit": spec.canonical_unit,
            "age_days": None, "measured_on": day}


_ROOM_FIELDS = {"patientPain": "pain", ".pga": "pga", "pgaScale": "pga", "crp": "crp", "esr": "esr"}


def _field_of(path: str) -> str:
    """The form field a room's JSON path (or registry field) points at; else the form's own message line."""
    return next((field for part, field in _ROOM_FIELDS.items() if part in path), "_visit")


class _Row:
    def __init__(self, payload: dict) -> None:
        self.payload = payload


def _add_visit(request, patient_key, user, form):
    from sqlalchemy.orm import Session

    from rarebone.registry.store import upsert
    from rarebone.web.deps import state

    st = state(request)
    errors: dict[str, str] = {}
    payload, row = visit_entry(form, errors)
    with Session(st.read_engine) as db:
        record = stored(load_record(db, patient_key))
        if payload is not None:  # the CNO room reads the visit before anything is saved: its refusal is the form's
            from rarebone.knowledge import load
            from rarebone.cno.record import read_cno_record

            try:
                intake = clinical.read_intake(record, cno_visits=[*clinical.entries(db, patient_key, clinical.CNO_VISIT),
                                                                  _Row(payload)])
                read_cno_record(intake.patient.extensions.get("cno"), load())
            except RareboneError as exc:
                errors[_field_of(exc.path or "")] = exc.message + (f" ({exc.path})" if exc.path else "")
        if errors:
            return _page(request, user, db, patient_key, form=form, errors=errors, status_code=422)
    with Session(st.engine) as db, db.begin():
        full = clinical.typed(stored(load_record(db, patient_key)))
        full["cno_visits"] = [*full.get("cno_visits", []), row]
        full["measurements"] = list(full.get("measurements", []))
        day = row["visit_date"]
        if row["crp_mg_per_l"] is not None:
            full["measurements"].append(_measurement("crp", row["crp_mg_per_l"], day))
        if row["esr_mm_per_h"] is not None:
            full["measurements"].append(_measurement("esr", row["esr_mm_per_h"], day))
        try:
            with db.begin_nested():
                upsert(db, full, source="workbench CNO visit", who=user.actor)
                clinical.add(db, patient_key, clinical.CNO_VISIT, day, payload, user.actor)
        except RareboneError as exc:
            errors[_field_of(exc.path or "")] = exc.message
    if errors:
        with Session(st.read_engine) as db:
            return _page(request, user, db, patient_key, form=form, errors=errors, status_code=422)
    flash(request, f"CNO visit of {day} saved.")
    return RedirectResponse(f"/cno/{_q(patient_key)}", status_code=303)
