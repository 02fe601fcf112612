"""A registry patient as the clinical rooms read it: the registry's own Phenopacket export (registry.phenopacket_out)
plus what the workbench recorded beside it (registry table ``workbench_entries``, migration 0004) put where the
rooms expect it — acute GVHD findings in ``rareboneExtensions.transplant.gvhd``, CNO visits and imaging in
``rareboneExtensions.cno``. The rooms (plan, monitor, CNO course and ladder) then run unchanged on it, so the
workbench and the command line answer alike.
"""

from __future__ import annotations

import datetime as dt

GVHD = "gvhd"
PLAN = "transplant_plan"
CNO_VISIT = "cno_visit"
KINDS = (GVHD, PLAN, CNO_VISIT)


def entries(db, patient_key: str, kind: str) -> list:
    from sqlalchemy import select

    from rarebone.registry.models import WorkbenchEntryRow as E

    return list(db.scalars(select(E).where(E.patient_key == patient_key, E.kind == kind).order_by(E.id)))


def entry(db, patient_key: str, kind: str, entry_id: int):
    from fastapi import HTTPException

    from rarebone.registry.models import WorkbenchEntryRow as E

    row = db.get(E, entry_id)
    if row is None or row.patient_key != patient_key or row.kind != kind:
        raise HTTPException(404, "There is no such entry for this patient.")
    return row


def add(db, patient_key: str, kind: str, day: dt.date | None, payload: dict, actor: str):
    from rarebone.registry.models import WorkbenchEntryRow as E

    row = E(patient_key=patient_key, kind=kind, entry_date=day, payload=payload, created_by=actor,
            created_at=dt.datetime.now(dt.timezone.utc))
    db.add(row)
    db.flush()
    return row


def document(record: dict, gvhd: list = (), cno_visits: list = ()) -> dict:
    """The Phenopacket dict of a registry record with the workbench's entries in the rooms' extension blocks."""
    from rarebone.registry.phenopacket_out import to_phenopacket

    doc, sidecar = to_phenopacket(record)
    doc.pop("files", None)
    ext = {"registry": sidecar["registry"]}
    if gvhd:
        # one node per day: the latest entry of a day wins (a correction replaces, it does not add)
        by_day = {}
        for row in gvhd:
            by_day[row.payload["date"]] = row.payload
        ext["transplant"] = {"gvhd": [by_day[d] for d in sorted(by_day)]}
    if cno_visits:
        ext["cno"] = cno_block(cno_visits)
    doc["rareboneExtensions"] = ext
    return doc


def cno_block(rows: list) -> dict:
    visits, imaging = {}, {}
    for row in rows:
        p = row.payload
        visit = {k: p[k] for k in ("date", "pga", "patientPain") if p.get(k) is not None}
        visit["label"] = p.get("label") or p["date"]
        visits[p["date"]] = visit
        if p.get("modality"):
            imaging[p["date"]] = {"date": p["date"], "modality": p["modality"], "lesions": p.get("lesions", [])}
    block = {"visits": [visits[d] for d in sorted(visits)], "imaging": [imaging[d] for d in sorted(imaging)]}
    if any("pga" in v for v in block["visits"]):
        block["pgaScale"] = "nrs_0_10"  # the workbench's PGA field is the 0-10 numeric scale
    return block


def read_patient(record: dict, gvhd: list = (), cno_visits: list = ()):
    """(Patient, intake warnings) as ``rarebone.api.read`` gives them for this document."""
    from rarebone import api

    intake = api.read(document(record, gvhd, cno_visits),
                      source=f"registry patient {record['patient']['patient_key']}")
    return intake.patient, intake.warnings


def typed(record: dict) -> dict:
    """A stored snapshot (dates as ISO text, registry.store.snapshot) back into the types the store writes: the
    Date and DateTime columns of each table as date objects."""
    from sqlalchemy import Date, DateTime

    from rarebone.registry import models as m
    from rarebone.registry.store import CHILDREN

    def fix(model, row: dict) -> dict:
        out = dict(row)
        for col in model.__table__.columns:
            value = out.get(col.name)
            if isinstance(value, str) and isinstance(col.type, DateTime):
                out[col.name] = dt.datetime.fromisoformat(value)
            elif isinstance(value, str) and isinstance(col.type, Date):
                out[col.name] = dt.date.fromisoformat(value[:10])
        return out

    result = {"patient": fix(m.PatientRow, record["patient"])}
    for name, model in CHILDREN.items():
        if name in record:
            result[name] = [fix(model, row) for row in record[name]]
    return result


def read_intake(record: dict, gvhd: list = (), cno_visits: list = ()):
    """The IntakeResult (patient and warnings) of the document, for rooms that take one."""
    from rarebone import api

    return api.read(document(record, gvhd, cno_visits), source=f"registry patient {record['patient']['patient_key']}")
