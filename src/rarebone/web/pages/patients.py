"""Patients: the searchable list, one patient, the new/edit form, the Phenopacket download.

Researchers never reach these pages (403): they hold identifiers. Every view and every change is audited under
the signed-in account (views by ``deps.audit``, changes by ``registry.store.upsert(who=...)``).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rarebone.errors import RareboneError
from rarebone.registry import dictionary as dd
from rarebone.web import forms
from rarebone.web.keys import attachment, key_segment as _q  # also registers {...:key}
from rarebone.web.deps import ReadDb, User, WriteDb, audit, flash, form_data, require_role, state
from rarebone.web.records import age_lines, list_patients, load_record, stored
from rarebone.web.templating import render

router = APIRouter()
READERS = require_role("clinician", "pharmacist", "admin")
WRITERS = require_role("clinician", "admin")


@router.get("/patients")
def patient_list(request: Request, key: str = "", diagnosis: str = "", gene: str = "", after: str = "",
                 before: str = "", user: User = Depends(READERS), db=ReadDb):
    diagnosis = diagnosis if diagnosis in dd.DIAGNOSES else ""
    listing = list_patients(db, key=key[:120], diagnosis=diagnosis, gene=gene[:32], after=after[:120],
                            before=before[:120])
    return render(request, "patients/list.html", user=user, listing=listing, key=key, diagnosis=diagnosis,
                  gene=gene, diagnoses=dd.DIAGNOSES, can_write=user.role in ("clinician", "admin"))


def _form_page(request, user, form, *, record=None, status_code=200):
    return render(request, "patients/form.html", status_code=status_code, user=user, form=form, record=record,
                  fields=dd.BY_NAME, patient_fields=forms.EDITABLE_PATIENT, transplant_fields=forms.TRANSPLANT,
                  analytes=_analytes())


def _analytes():
    from rarebone.knowledge import unit_converter

    specs = unit_converter().analytes.values()
    return sorted(({"loinc": s.loinc[0], "label": s.label, "units": sorted({s.canonical_unit, *s.to_canonical})}
                   for s in specs), key=lambda a: a["label"].lower())


@router.get("/patients/new")
def new_form(request: Request, user: User = Depends(WRITERS)):
    return _form_page(request, user, forms.from_record(None))


@router.post("/patients/new")
def create(request: Request, data=Depends(form_data), user: User = Depends(WRITERS), db=WriteDb):
    from sqlalchemy import select

    from rarebone.registry import models as m
    from rarebone.registry.store import upsert

    record, form = forms.to_record(data, None, new=True)
    if record is not None and db.scalar(select(m.PatientRow.id).where(
            m.PatientRow.patient_key == record["patient"]["patient_key"])) is not None:
        form.errors["patient_key"] = "a patient with this key exists; open it from the list to edit it"
        record = None
    if record is None:
        return _form_page(request, user, form, status_code=422)
    try:
        upsert(db, record, source="workbench form", who=user.actor)
    except RareboneError as exc:
        form.errors["_record"] = str(exc)
        return _form_page(request, user, form, status_code=422)
    flash(request, "Patient saved.")
    return RedirectResponse(f"/patients/{_q(record['patient']['patient_key'])}", status_code=303)


@router.get("/patients/{patient_key:key}")
def view(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    record = load_record(db, patient_key)
    audit(request, user, "view", patient_key, release=db)
    return render(request, "patients/view.html", user=user, record=record, fields=dd.BY_NAME,
                  ages=age_lines(record["patient"]), can_write=user.role in ("clinician", "admin"))


@router.get("/patients/{patient_key:key}/edit")
def edit_form(request: Request, patient_key: str, user: User = Depends(WRITERS), db=ReadDb):
    record = load_record(db, patient_key)
    audit(request, user, "view", patient_key, release=db)
    return _form_page(request, user, forms.from_record(record), record=record)


@router.post("/patients/{patient_key:key}/edit")
def update(request: Request, patient_key: str, data=Depends(form_data), user: User = Depends(WRITERS),
           db=WriteDb):
    from rarebone.registry.store import upsert

    base = load_record(db, patient_key)
    record, form = forms.to_record(data, stored(base), new=False)
    if record is None:
        return _form_page(request, user, form, record=base, status_code=422)
    try:
        with db.begin_nested():
            outcome = upsert(db, record, source="workbench form", who=user.actor,
                             allow_identity_change=data.get("confirm_identity") == "yes")
    except RareboneError as exc:
        form.errors["_record"] = exc.message if exc.path == "patient.patient_key" else str(exc)
        form.values["confirm_identity_offer"] = "yes" if "identity" in exc.message else ""
        return _form_page(request, user, form, record=base, status_code=422)
    flash(request, "No change to save." if outcome == "unchanged" else "Patient saved.")
    return RedirectResponse(f"/patients/{_q(patient_key)}", status_code=303)


@router.get("/patients/{patient_key:key}/history")
def history_page(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    """Who changed, viewed, assessed or exported this patient, when, from where (registry.store.history)."""
    from rarebone.registry.store import history

    load_record(db, patient_key)  # 404 for an unknown key
    audit(request, user, "view", patient_key, source="workbench history", release=db)
    entries = history(state(request).read_engine, patient_key)
    return render(request, "patients/history.html", user=user, key=patient_key, entries=list(reversed(entries)))


@router.get("/patients/{patient_key:key}/phenopacket")
def phenopacket(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    """The registry's own export (registry.phenopacket_out): the Phenopacket, with the registry's extra fields
    (the sidecar's content) inside ``rareboneExtensions.registry`` so one file carries everything."""
    from rarebone.registry.phenopacket_out import file_stem, to_phenopacket

    record = stored(load_record(db, patient_key))
    document, sidecar = to_phenopacket(record)
    document.pop("files", None)  # the sidecar file it names is not written: its content is in the document
    document["rareboneExtensions"] = {"registry": sidecar["registry"]}
    audit(request, user, "export", patient_key, source="workbench Phenopacket download", release=db)
    return Response(json.dumps(document, indent=2, default=str), media_type="application/json",
                    headers={"Content-Disposition": attachment(f"{file_stem(record)}.json")})


