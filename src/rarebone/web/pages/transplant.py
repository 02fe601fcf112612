"""Transplant: the plan form and its calendar (rarebone.workflows.plan), the pharmacist's sign-off, the downloads
the command line writes (ICS, CSV, PDF: report.calendar / report.transplant), and the day-by-day monitoring view
(rarebone.workflows.monitor) with the ANC/platelet chart, lab entry, acute GVHD staging in the eGVHD style and the
alerts.

A plan is stored as the inputs it was made from (registry table workbench_entries, kind ``transplant_plan``),
with the weight and height it actually used, and recomputed for every view; the hash of the plan as made is kept,
so a view says when today's computation differs from what the pharmacist signed. A dose is never guessed: without
a weight, or with one implausible for the child's age, the plan room refuses and the form shows its sentence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from rarebone.errors import InputError, RareboneError
from rarebone.web import clinical
from rarebone.web.keys import attachment, key_segment as _q  # also registers {...:key}
from rarebone.web.deps import ReadDb, User, WriteDb, audit, flash, require_role
from rarebone.web.records import load_record, stored
from rarebone.web.templating import render

router = APIRouter()
READERS = require_role("clinician", "pharmacist", "admin")
WRITERS = require_role("clinician", "admin")
SIGNERS = require_role("pharmacist")
RECENT_PLANS = 50
MAX_TEXT = 500  # override reason, options text



def _protocols():
    from rarebone.knowledge import load
    from rarebone.knowledge.kinds.transplant import TxProtocol

    out = []
    for p in load().of_kind(TxProtocol):
        groups: dict[str, list[str]] = {}
        for line in p.drugs:
            if line.option_group and line.option not in groups.setdefault(line.option_group, []):
                groups[line.option_group].append(line.option)
        out.append({"key": p.key, "name": p.name, "groups": groups})
    return out


@router.get("/transplant")
def index(request: Request, key: str = "", user: User = Depends(READERS), db=ReadDb):
    """Recent plans (a pharmacist's worklist: unsigned first) and a box to open a patient."""
    from sqlalchemy import select

    from rarebone.registry.models import WorkbenchEntryRow as E

    if key.strip():
        return RedirectResponse(f"/transplant/{_q(key.strip()[:120])}", status_code=303)
    rows = list(db.scalars(select(E).where(E.kind == clinical.PLAN).order_by(E.id.desc()).limit(RECENT_PLANS)))
    rows.sort(key=lambda r: r.signed_at is not None)
    return render(request, "transplant/index.html", user=user, plans=rows)


def _page(request, user, db, patient_key, *, form=None, errors=None, status_code=200):
    record = load_record(db, patient_key)
    plans = clinical.entries(db, patient_key, clinical.PLAN)
    audit(request, user, "view", patient_key, release=db)
    return render(request, "transplant/patient.html", status_code=status_code, user=user, record=record,
                  key=patient_key, plans=plans, protocols=_protocols(), form=form or {"day0": "", "protocol": ""},
                  errors=errors or {}, can_write=user.role in ("clinician", "admin"))


@router.get("/transplant/{patient_key:key}")
def patient_page(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    return _page(request, user, db, patient_key)


# ------------------------------------------------------------------------------------------------------- plans

PLAN_FIELDS = ("protocol", "day0", "weight", "height", "bsa_formula", "busulfan_auc", "after_dose", "busulfan_label",
               "small_child_rule", "options", "override_reason", "until")
# the plan room's option names -> the form's field names (errors are shown beside the field)
_ERROR_FIELD = {"--protocol": "protocol", "--day0": "day0", "--weight": "weight", "--height": "height",
                "--bsa-formula": "bsa_formula", "--busulfan-auc": "busulfan_auc", "--after-dose": "after_dose",
                "--busulfan-label": "busulfan_label", "--small-child-rule": "small_child_rule", "--option": "options",
                "--override-reason": "override_reason", "--until": "until"}


def _number(form: dict, name: str, errors: dict, integer: bool = False):
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        errors[name] = "not a whole number" if integer else "not a number"
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors[name] = "not a number"
        return None
    return value


def _error_field(path: str) -> str:
    if path in _ERROR_FIELD:
        return _ERROR_FIELD[path]
    for name in ("weight", "height"):  # the record's own measurement (a JSON path) when the form left it blank
        if name in path.lower():
            return name
    return "_plan"


def plan_inputs(form: dict) -> tuple[dict, dict]:
    """The form's text -> make_plan's arguments (as stored in the entry's payload), and field errors."""
    from rarebone.cli.commands.plan import parse_date, parse_options

    errors: dict[str, str] = {}
    args: dict = {"protocol": form.get("protocol", "").strip()}
    if not args["protocol"]:
        errors["protocol"] = "choose a protocol"
    try:
        args["day0"] = parse_date(form.get("day0", "").strip(), "--day0").isoformat()
    except RareboneError as exc:
        errors["day0"] = exc.message
    for name in ("weight", "height", "busulfan_auc"):
        args[name] = _number(form, name, errors)
        if args[name] is not None and not args[name] > 0:
            errors[name] = "must be above 0"
    args["after_dose"] = _number(form, "after_dose", errors, integer=True)
    args["until"] = _number(form, "until", errors, integer=True)
    for name in ("bsa_formula", "busulfan_label", "small_child_rule"):
        args[name] = form.get(name, "").strip() or None
    try:
        args["options"] = parse_options([x for x in form.get("options", "").replace(";", ",").split(",") if x.strip()])
    except RareboneError as exc:
        errors["options"] = exc.message
    args["override_reason"] = form.get("override_reason", "").strip()[:MAX_TEXT] or None
    return args, errors


def compute_plan(record: dict, args: dict):
    from rarebone.knowledge import load
    from rarebone.transplant.dosing import BsaFormula
    from rarebone.transplant.protocol import BusulfanLabel, SmallChildRule
    from rarebone.workflows.plan import make_plan

    def choice(enum, value, option):
        try:
            return enum(value) if value is not None else None
        except ValueError:
            raise InputError(f"must be one of {', '.join(e.value for e in enum)}", path=option, value=value) from None

    patient, _ = clinical.read_patient(record)
    until = args.get("until")
    extra = {"horizon_day": until} if until is not None else {}
    return make_plan(load(), patient, protocol_key=args["protocol"], day0=dt.date.fromisoformat(args["day0"]),
                     weight_kg=args.get("weight"), height_cm=args.get("height"),
                     bsa_formula=choice(BsaFormula, args.get("bsa_formula") or "mosteller", "--bsa-formula"),
                     busulfan_auc_umol_min=args.get("busulfan_auc"), after_dose=args.get("after_dose"),
                     busulfan_label=choice(BusulfanLabel, args.get("busulfan_label") or "ema", "--busulfan-label"),
                     small_child_rule=choice(SmallChildRule, args.get("small_child_rule"), "--small-child-rule"),
                     override_reason=args.get("override_reason"), options=args.get("options") or {}, **extra)


def plan_hash(plan) -> str:
    """What the pharmacist signs: every dose, day and source of the plan. Not where the weight came from: a stored
    plan is recomputed with the weight and height it first used, given explicitly (payload ``measured_from`` keeps
    the original wording)."""
    return hashlib.sha256(plan.model_dump_json(exclude={"measurements_source"}).encode()).hexdigest()


@router.post("/transplant/{patient_key:key}/plans")
async def make_plan_form(request: Request, patient_key: str, user: User = Depends(WRITERS)):
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and k in PLAN_FIELDS}
    form = {k: v[:MAX_TEXT] for k, v in form.items()}
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_make_plan, request, patient_key, user, form)


def _make_plan(request, patient_key, user, form):
    from sqlalchemy.orm import Session

    from rarebone.web.deps import state

    st = state(request)
    with Session(st.read_engine) as db:  # compute first, outside any write lock
        record = stored(load_record(db, patient_key))
        args, errors = plan_inputs(form)
        plan = None
        if not errors:
            try:
                plan = compute_plan(record, args)
            except RareboneError as exc:
                errors[_error_field(exc.path or "")] = exc.message
        if errors:
            return _page(request, user, db, patient_key, form=form, errors=errors, status_code=422)
    # the weight and height the plan used are stored: a later measurement must not change a signed plan
    args.update(weight=plan.weight_kg, height=plan.height_cm, hash=plan_hash(plan),
                measured_from="the form" if form.get("weight", "").strip() else "the record's latest measurements")
    with Session(st.engine) as db, db.begin():
        row = clinical.add(db, patient_key, clinical.PLAN, plan.day0, args, user.actor)
        audit(request, user, "plan", patient_key, source=f"workbench plan {row.id} {plan.protocol.key}", session=db)
        url = f"/transplant/{_q(patient_key)}/plans/{row.id}"
    flash(request, "Plan made. It needs a pharmacist's sign-off before use.")
    return RedirectResponse(url, status_code=303)


def _load_plan(db, patient_key: str, plan_id: int):
    row = clinical.entry(db, patient_key, clinical.PLAN, plan_id)
    record = stored(load_record(db, patient_key))
    try:
        plan = compute_plan(record, row.payload)
    except RareboneError as exc:  # the record or the knowledge changed so that the plan cannot be made again
        raise HTTPException(409, f"This plan cannot be computed again from today's record: {exc.message}") from None
    return row, record, plan


@router.get("/transplant/{patient_key:key}/plans/{plan_id}.{fmt}")
def plan_download(request: Request, patient_key: str, plan_id: int, fmt: str, user: User = Depends(READERS),
                  db=ReadDb):
    from rarebone.cli.commands.plan import PlanFormat, render_plan
    from rarebone.registry.phenopacket_out import file_stem

    types = {"ics": "text/calendar", "csv": "text/csv", "pdf": "application/pdf", "json": "application/json"}
    if fmt not in types:
        raise HTTPException(404, "Plans download as .ics, .csv, .pdf or .json.")
    row, record, plan = _load_plan(db, patient_key, plan_id)
    body = render_plan(plan, PlanFormat(fmt))
    audit(request, user, "export", patient_key, source=f"workbench plan {plan_id} .{fmt}", release=db)
    return Response(body, media_type=types[fmt], headers={
        "Content-Disposition": attachment(f"{file_stem(record)}-plan-{plan_id}.{fmt}")})


@router.get("/transplant/{patient_key:key}/plans/{plan_id}")
def plan_page(request: Request, patient_key: str, plan_id: int, user: User = Depends(READERS), db=ReadDb):
    from itertools import groupby

    from rarebone.report import transplant as rt

    row, record, plan = _load_plan(db, patient_key, plan_id)
    audit(request, user, "view", patient_key, source=f"workbench plan {plan_id}", release=db)
    days = [(k, list(g)) for k, g in groupby(plan.administrations, key=lambda a: (a.study_day, a.date))]
    return render(request, "transplant/plan.html", user=user, key=patient_key, row=row, plan=plan, days=days,
                  changed=row.payload.get("hash") != plan_hash(plan), day_label=rt.day_label, days_text=rt.days_text,
                  schedule=rt.drug_schedule_text, per_dose=rt.per_dose_text, day_mark=rt.day_mark,
                  amount=rt.amount_text, day_sources=rt.day_source_lines(plan), can_sign=user.role == "pharmacist")


@router.post("/transplant/{patient_key:key}/plans/{plan_id}/sign")
def sign(request: Request, patient_key: str, plan_id: int, confirm: str = Form(""), user: User = Depends(SIGNERS),
         db=WriteDb):
    row, _, plan = _load_plan(db, patient_key, plan_id)
    url = f"/transplant/{_q(patient_key)}/plans/{plan_id}"
    if row.signed_at is not None:
        flash(request, "This plan was already signed.")
        return RedirectResponse(url, status_code=303)
    if confirm != "yes":
        flash(request, "Tick the box to confirm you reviewed the doses, then sign.")
        return RedirectResponse(url, status_code=303)
    if row.payload.get("hash") != plan_hash(plan):
        flash(request, "Not signed: the plan computed today differs from the plan as made; make a new plan.")
        return RedirectResponse(url, status_code=303)
    row.signed_by = user.actor
    row.signed_name = (user.display_name or user.username)[:120]
    row.signed_at = dt.datetime.now(dt.timezone.utc)
    audit(request, user, "sign", patient_key, source=f"workbench plan {plan_id} signed by pharmacist", session=db)
    flash(request, "Plan signed.")
    return RedirectResponse(url, status_code=303)


# -------------------------------------------------------------------------------------------------- monitoring

# the lab form's analytes (monitor's series), in their canonical units
LABS = ("anc", "platelets", "hemoglobin", "bilirubin", "donor_chimerism", "weight")


def _lab_specs():
    from rarebone.knowledge import unit_converter

    c = unit_converter()
    return [{"key": k, "label": c.analytes[k].label, "unit": c.analytes[k].canonical_unit,
             "loinc": c.analytes[k].loinc[0]} for k in LABS]


def _monitor(record: dict, gvhd_rows: list):
    from rarebone.knowledge import load
    from rarebone.workflows.monitor import monitor

    patient, warnings = clinical.read_patient(record, gvhd=gvhd_rows)
    report = monitor(load(), patient)
    report.warnings[:0] = [w for w in warnings if w.startswith("warning:")]
    return report


def _chart_args(report) -> tuple:
    """engraftment_chart_*'s arguments: the report's series and the thresholds of the knowledge base."""
    from rarebone.knowledge import load
    from rarebone.transplant.dosing import param

    kb = load()
    plt_def = "TX-ENGRAFT-PLATELET-ASTCT" if report.platelet_definition.startswith("astct") else "TX-ENGRAFT-PLATELET-BEIJING"
    return ([(p.study_day, p.value) for p in report.anc_series], [(p.study_day, p.value) for p in report.platelet_series],
            report.platelet_transfusion_days, report.neutrophil_engraftment_day, report.platelet_engraftment_day,
            param(kb, "TX-ENGRAFT-NEUTROPHIL")["threshold_10e9_per_l"], param(kb, plt_def)["threshold_10e9_per_l"])


@dataclass
class Monitored:
    """The monitoring room's answer for one version of a patient's data, computed once and shared by every view
    of that version (the page, its chart)."""
    version: str  # content hash of the record, the GVHD entries and today's date: the chart's ETag
    report: object = None  # MonitoringReport, or None when the room cannot run (problem) or has nothing yet
    problem: str | None = None  # the room's refusal, one sentence
    day0: dt.date | None = None  # the transplant, as the room reads it
    day0_source: str | None = None
    no_labs: bool = False  # nothing observed from day 0 on: the page says so plainly and offers the lab form
    svg: str | None = field(default=None, repr=False)  # the chart, drawn on its first request

    @property
    def has_chart(self) -> bool:
        return self.report is not None and bool(self.report.anc_series or self.report.platelet_series)


_MONITORED: "OrderedDict" = None  # version -> Monitored; see _monitored
_MONITORED_LOCK = threading.Lock()
MONITORED_KEPT = 200


def _compute(version: str, record: dict, gvhd_rows: list) -> Monitored:
    from rarebone.knowledge import load
    from rarebone.workflows.monitor import collect_series, find_day0, monitor

    m = Monitored(version)
    try:
        patient, warnings = clinical.read_patient(record, gvhd=gvhd_rows)
        m.day0, m.day0_source = find_day0(patient, None)
        days = [d for series in collect_series(patient, m.day0, []).values() for d in series]
        m.no_labs = not any(d >= 0 for d in days)
        if m.no_labs and days:  # only observations before the transplant: the room refuses; the page need not
            return m
        m.report = monitor(load(), patient)
        m.report.warnings[:0] = [w for w in warnings if w.startswith("warning:")]
    except RareboneError as exc:
        m.problem = exc.message + (f" ({exc.path})" if exc.path else "")
    return m


def _monitored(record: dict, gvhd_rows: list) -> Monitored:
    """The monitoring room for this record and these entries, computed once per version: the page is viewed more
    often than the record changes. The version is the record's content, the entries' content and today's date
    (the room measures to today)."""
    from collections import OrderedDict

    from rarebone.core import clock
    from rarebone.registry.store import content_hash

    global _MONITORED
    version = content_hash({"r": record, "g": [r.payload for r in gvhd_rows], "d": clock.today().isoformat()})
    with _MONITORED_LOCK:
        if _MONITORED is None:
            _MONITORED = OrderedDict()
        if version in _MONITORED:
            _MONITORED.move_to_end(version)
            return _MONITORED[version]
    m = _compute(version, record, gvhd_rows)
    with _MONITORED_LOCK:
        _MONITORED[version] = m
        while len(_MONITORED) > MONITORED_KEPT:
            _MONITORED.popitem(last=False)
    return m


def chart_svg(m: Monitored) -> str:
    """The chart of this version, drawn once (SVG text: ~1 ms, where matplotlib's PNG took ~0.5 s of CPU)."""
    from rarebone.report.chart_svg import engraftment_chart_svg

    if m.svg is None:
        m.svg = engraftment_chart_svg(*_chart_args(m.report))
    return m.svg


def _monitor_page(request, user, db, patient_key, *, lab_errors=None, gvhd_errors=None, lab_form=None,
                  gvhd_form=None, status_code=200):
    record = stored(load_record(db, patient_key))
    gvhd_rows = clinical.entries(db, patient_key, clinical.GVHD)
    m = _monitored(record, gvhd_rows)
    audit(request, user, "monitor", patient_key, release=db)
    findings = []
    if m.report is not None:
        r = m.report
        findings = [("Neutrophil engraftment", r.neutrophil_engraftment), ("Platelet engraftment", r.platelet_engraftment),
                    ("Graft failure", r.graft_failure), ("Chimerism", r.chimerism), ("Acute GVHD (MAGIC)", r.agvhd),
                    ("Chronic GVHD (NIH 2014)", r.cgvhd), ("VOD modified Seattle", r.vod.modified_seattle),
                    ("VOD EBMT paediatric", r.vod.ebmt_paediatric), ("Hypercalcaemia", r.hypercalcaemia),
                    ("TA-TMA", r.ta_tma), ("Haemolysis / AIHA", r.aiha), ("CMV", r.cmv),
                    ("Pulmonary haemorrhage", r.pulmonary_haemorrhage)]
    return render(request, "transplant/monitor.html", status_code=status_code, user=user, key=patient_key,
                  record=record, m=m, report=m.report, problem=m.problem, findings=findings, labs=_lab_specs(),
                  lab_errors=lab_errors or {}, gvhd_errors=gvhd_errors or {}, lab_form=lab_form or {},
                  gvhd_form=gvhd_form or {}, gvhd_rows=gvhd_rows, can_write=user.role in ("clinician", "admin"),
                  today=dt.date.today().isoformat())


@router.get("/transplant/{patient_key:key}/monitor")
def monitor_page(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    return _monitor_page(request, user, db, patient_key)


@router.get("/transplant/{patient_key:key}/monitor/chart.svg")
def monitor_chart(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    """The page's chart, a separate image: the page itself stays light, and the chart is drawn once per version of
    the data. The ETag is that version: a client that has it gets 304 without anything being drawn."""
    record = stored(load_record(db, patient_key))
    m = _monitored(record, clinical.entries(db, patient_key, clinical.GVHD))
    etag = f'"{m.version}"'
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        db.close()
        return Response(status_code=304, headers={"ETag": etag})
    if not m.has_chart:
        raise HTTPException(404, "There is no dated ANC or platelet count after the transplant yet.")
    body = chart_svg(m)
    audit(request, user, "view", patient_key, source="workbench monitoring chart", release=db)
    return Response(body, media_type="image/svg+xml", headers={"ETag": etag})


def _date(text: str, errors: dict, name: str = "date") -> dt.date | None:
    from rarebone.core import clock

    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        errors[name] = "a date such as 2027-01-15"
        return None
    if day > clock.today():
        errors[name] = "a date after today"
        return None
    if day.year < 1900:
        errors[name] = "a date before 1900"
        return None
    return day


@router.post("/transplant/{patient_key:key}/labs")
async def add_labs(request: Request, patient_key: str, user: User = Depends(WRITERS)):
    form = {k: v[:64] for k, v in (await request.form()).items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_add_labs, request, patient_key, user, form)


def _add_labs(request, patient_key, user, form):
    from sqlalchemy.orm import Session

    from rarebone.registry.store import upsert
    from rarebone.web.deps import state

    errors: dict[str, str] = {}
    day = _date(form.get("date", ""), errors)
    rows = []
    for spec in _lab_specs():
        value = _number(form, spec["key"], errors)
        if value is not None:
            rows.append({"assay_id": f"LOINC:{spec['loinc']}", "analyte": spec["key"], "value": value,
                         "unit": spec["unit"], "age_days": None, "measured_on": day})
    if not rows and not errors:
        errors["_labs"] = "enter at least one value"
    with Session(state(request).engine) as db, db.begin():
        if not errors:
            record = clinical.typed(stored(load_record(db, patient_key)))
            record["measurements"] = list(record.get("measurements", [])) + rows
            try:
                with db.begin_nested():
                    upsert(db, record, source="workbench monitoring labs", who=user.actor)
            except RareboneError as exc:
                errors["_labs"] = str(exc)
    if errors:  # rendered after the writing transaction ended (the page audits the view in its own)
        with Session(state(request).read_engine) as db:
            return _monitor_page(request, user, db, patient_key, lab_errors=errors, lab_form=form, status_code=422)
    flash(request, f"{len(rows)} lab value(s) of {day} saved.")
    return RedirectResponse(f"/transplant/{_q(patient_key)}/monitor", status_code=303)


GVHD_NUMBERS = {"skin_rash_bsa_pct": "skinRashBsaPct", "bullae_bsa_pct": "bullaeDesquamationBsaPct",
                "stool_episodes": "stoolEpisodesPerDay"}
GVHD_FLAGS = {"upper_gi": "upperGiPersistent", "lower_gi_severe": "lowerGiSevere",
              "liver_attributed": "liverAttributedToGvhd"}


def gvhd_node(form: dict, errors: dict) -> dict | None:
    """The form's organ findings -> one ``transplant.gvhd[]`` node (docs/transplant-monitoring.md). Ranges are
    the monitoring room's (read_extension checks them); an organ left blank is 'not assessed', never 0."""
    day = _date(form.get("date", ""), errors)
    node: dict = {"date": day.isoformat() if day else None}
    for name, key in GVHD_NUMBERS.items():
        value = _number(form, name, errors)
        if value is not None:
            node[key] = value  # the monitoring room checks the range (its sentence names the field)
    for name, key in GVHD_FLAGS.items():
        value = form.get(name, "")
        if value in ("yes", "no"):
            node[key] = value == "yes"
        elif value:
            errors[name] = "yes, no or blank"
    if len(node) == 1 and not errors:
        errors["_gvhd"] = "enter at least one organ finding"
    return None if errors else node


class _Row:  # a not-yet-saved entry, for the preview
    def __init__(self, payload: dict) -> None:
        self.payload = payload


def gvhd_day(record: dict, rows: list, node: dict):
    """The monitoring room's acute GVHD result for the node's day, with the node added (MAGIC stages and grade)."""
    report = _monitor(record, [*rows, _Row(node)])
    day0 = report.day0
    study_day = (dt.date.fromisoformat(node["date"]) - day0).days
    return report, next((d for d in report.agvhd.days if d.study_day == study_day), None)


@router.post("/transplant/{patient_key:key}/gvhd")
async def add_gvhd(request: Request, patient_key: str, user: User = Depends(WRITERS)):
    form = {k: v[:64] for k, v in (await request.form()).items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_add_gvhd, request, patient_key, user, form)


def _add_gvhd(request, patient_key, user, form):
    from sqlalchemy.orm import Session

    from rarebone.web.deps import state

    errors: dict[str, str] = {}
    node = gvhd_node(form, errors)
    st = state(request)
    grade = None
    with Session(st.read_engine) as db:  # grade first, outside the write lock
        if node is not None:
            record = stored(load_record(db, patient_key))
            try:
                _, grade = gvhd_day(record, clinical.entries(db, patient_key, clinical.GVHD), node)
                if grade is None:
                    errors["date"] = "before day 0: acute GVHD is staged from day 0 on"
            except RareboneError as exc:
                errors["_gvhd"] = exc.message + (f" ({exc.path})" if exc.path else "")
        if errors:
            return _monitor_page(request, user, db, patient_key, gvhd_errors=errors, gvhd_form=form, status_code=422)
    with Session(st.engine) as db, db.begin():
        clinical.add(db, patient_key, clinical.GVHD, dt.date.fromisoformat(node["date"]), node, user.actor)
        audit(request, user, "gvhd", patient_key, source=f"workbench GVHD staging {node['date']}", session=db)
    flash(request, f"Acute GVHD on day {grade.study_day:+d}: grade {grade.grade} (MAGIC).")
    return RedirectResponse(f"/transplant/{_q(patient_key)}/monitor", status_code=303)


@router.post("/api/transplant/{patient_key:key}/gvhd-grade")
async def gvhd_preview(request: Request, patient_key: str, user: User = Depends(WRITERS)):
    """The grade the form would give, before saving (the page's script shows it as the organs are entered).
    Form-encoded or JSON body with the form's field names; the same computation as saving."""
    try:
        raw = await request.json() if request.headers.get("content-type", "").startswith("application/json") \
            else dict(await request.form())
    except ValueError:
        return JSONResponse({"error": "The body is not valid JSON."}, status_code=400)
    if not isinstance(raw, dict):
        return JSONResponse({"error": "Send an object of form fields."}, status_code=400)
    form = {k: str(v)[:64] for k, v in raw.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_preview, request, patient_key, form)


def _preview(request, patient_key, form):
    from sqlalchemy.orm import Session

    from rarebone.web.deps import state

    errors: dict[str, str] = {}
    node = gvhd_node(form, errors)
    if node is None:
        return JSONResponse({"error": "; ".join(f"{k.lstrip('_')}: {v}" for k, v in errors.items())}, status_code=422)
    with Session(state(request).read_engine) as db:
        record = stored(load_record(db, patient_key))
        try:
            _, day = gvhd_day(record, clinical.entries(db, patient_key, clinical.GVHD), node)
        except RareboneError as exc:
            return JSONResponse({"error": exc.message}, status_code=422)
    if day is None:
        return JSONResponse({"error": "before day 0"}, status_code=422)
    return {"study_day": day.study_day, "skin": day.skin, "liver": day.liver, "upper_gi": day.upper_gi,
            "lower_gi": day.lower_gi, "grade": day.grade, "unassessed": day.unassessed}
