"""Out of the registry: the flat dictionary CSV, Phenopackets v2, the de-identified research export, and the
one-row-per-patient frame the analytics read.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import secrets
from typing import Iterator

from rarebone.registry import dictionary as dd
from rarebone.registry import models as m
from rarebone.registry.store import CHILDREN, snapshot
from rarebone.report.csv_safe import safe_row


def iter_records(engine, batch: int = 500) -> Iterator[dict]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session, selectinload

    from rarebone.registry.db import reader

    with Session(reader(engine)) as session:
        stmt = (select(m.PatientRow).order_by(m.PatientRow.patient_key)
                .options(*(selectinload(getattr(m.PatientRow, n)) for n in CHILDREN)).execution_options(yield_per=batch))
        for row in session.scalars(stmt):
            yield snapshot(row)


def record_to_flat(record: dict) -> dict:
    flat = {name: record["patient"].get(name) for name in dd.PATIENT_FIELDS}
    first = (record.get("transplants") or [{}])[0]
    for name in dd.TRANSPLANT_FIELDS:
        flat[f"transplant.{name}"] = first.get(name)
    flat["hpo_terms"] = ";".join(p["hpo_id"] for p in record.get("phenotypes", []) if not p.get("excluded"))
    flat["complications"] = ";".join(
        f"{c['kind']}@{_num(c['day'])}" if c.get("day") is not None else c["kind"] for c in record.get("complications", []))
    flat["cno_lesions"] = ";".join(
        f"{les['site']}:{les['status']}" if les.get("status") else les["site"] for les in record.get("lesions", []))
    return flat


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _num(value)
    return str(value)


def to_csv(records) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f.name for f in dd.FIELDS]
    writer.writerow(names)
    for record in records:
        flat = record_to_flat(record)
        writer.writerow(safe_row(_cell(flat.get(n)) for n in names))  # notes, cause of death: no formulas
    return out.getvalue()


# ---------------------------------------------------------------- de-identified research export

def deidentify(records, *, salt: str | None = None, max_shift_days: int = 180) -> Iterator[dict]:
    """Ids replaced by a keyed hash, all dates of one patient shifted by the same random number of days
    (so intervals stay exact), free text dropped. Without ``salt`` a fresh secret is used (not re-linkable)."""
    salt = salt or secrets.token_hex(16)
    for record in records:
        key = record["patient"]["patient_key"]
        digest = hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()
        shift = dt.timedelta(days=int(digest[:8], 16) % (2 * max_shift_days + 1) - max_shift_days)
        out = json.loads(json.dumps(record))
        prefix = "SYNTHETIC-R-" if record["patient"].get("synthetic") else "R-"
        out["patient"]["patient_key"] = prefix + digest[:12]
        for name in ("notes", "cause_of_death"):
            out["patient"].pop(name, None)
        for part in [out["patient"], *[c for n in CHILDREN for c in out.get(n, [])]]:
            for k, v in list(part.items()):
                if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-" and k.endswith(("date", "_on")):
                    part[k] = (dt.date.fromisoformat(v) + shift).isoformat()
        for t in out.get("treatments", []):
            t.pop("agent_label", None)
        yield out


# ---------------------------------------------------------------- Phenopackets v2

_SEX = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX"}


def _measurement(ms: dict) -> dict:
    """Phenopacket v2 Measurement: assay (LOINC), quantity with unit, timeObserved (a TimeElement: the date when
    known, else the age). A known analyte is stored in its canonical unit, written as a UCUM code so the
    importer reads it back unchanged; an unknown one keeps the unit as recorded."""
    out: dict = {"assay": {"id": ms["assay_id"], "label": ms.get("analyte") or ms["assay_id"]}}
    if ms.get("value") is not None:
        unit = ms.get("unit") or ""
        unit_node = {"id": f"UCUM:{unit}", "label": unit} if ms.get("analyte") else {"id": unit, "label": unit}
        out["value"] = {"quantity": {"unit": unit_node, "value": ms["value"]}}
    if ms.get("measured_on"):
        out["timeObserved"] = {"timestamp": f"{str(ms['measured_on'])[:10]}T00:00:00Z"}
    elif ms.get("age_days") is not None:
        out["timeObserved"] = {"age": {"iso8601duration": f"P{_num(ms['age_days'])}D"}}
    return out


def _treatment(t: dict) -> dict:
    """Phenopacket v2 MedicalAction.treatment: agent, route, cumulative dose (what the registry keeps)."""
    treatment: dict = {"agent": {"id": t["agent_id"], "label": t.get("agent_label") or t["agent_id"]}}
    if t.get("route"):
        treatment["routeOfAdministration"] = {"id": t["route"], "label": t["route"]}
    if t.get("cumulative_dose") is not None:
        unit = t.get("cumulative_dose_unit") or ""
        treatment["cumulativeDose"] = {"value": t["cumulative_dose"], "unit": {"id": unit, "label": unit}}
    return {"treatment": treatment}


def to_phenopacket(record: dict, *, created: str | None = None) -> dict:
    p = record["patient"]
    subject: dict = {"id": p["patient_key"], "sex": _SEX.get(p.get("sex") or "", "UNKNOWN_SEX")}
    if p.get("birth_date"):
        subject["dateOfBirth"] = f"{p['birth_date']}T00:00:00Z"
    if p.get("vital_status"):
        vital: dict = {"status": "DECEASED" if p["vital_status"] == "dead" else "ALIVE"}
        if p.get("cause_of_death"):
            vital["causeOfDeath"] = {"id": "NCIT:C99999", "label": p["cause_of_death"]}
        if p.get("followup_days_from_diagnosis") is not None:
            vital["survivalTimeInDays"] = int(p["followup_days_from_diagnosis"])
        subject["vitalStatus"] = vital
    features = []
    for ph in record.get("phenotypes", []):
        feature: dict = {"type": {"id": ph["hpo_id"], "label": ph.get("label") or ph["hpo_id"]}}
        if ph.get("excluded"):
            feature["excluded"] = True
        if ph.get("onset_age_days") is not None:
            feature["onset"] = {"age": {"iso8601duration": f"P{int(ph['onset_age_days'])}D"}}
        features.append(feature)
    extension_patient = {k: v for k, v in p.items()
                         if v is not None and k in dd.PATIENT_FIELDS
                         and k not in ("patient_key", "sex", "birth_date", "vital_status", "cause_of_death",
                                       "followup_days_from_diagnosis")}
    extension: dict = {"patient": extension_patient}
    for name in ("transplants", "complications", "cno_visits", "lesions"):
        if record.get(name):
            extension[name] = [{k: v for k, v in item.items() if v is not None} for item in record[name]]
    document = {
        "id": f"{p['patient_key']}-registry",
        "subject": subject,
        "phenotypicFeatures": features,
        "measurements": [_measurement(ms) for ms in record.get("measurements", [])],
        "metaData": {
            "created": created or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "createdBy": "rarebone registry export",
            "resources": [{"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
                           "version": "2025-11-24", "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"}],
            "phenopacketSchemaVersion": "2.0",
        },
        "rareboneExtensions": {"registry": extension},
    }
    if not document["measurements"]:
        del document["measurements"]
    if record.get("treatments"):
        document["medicalActions"] = [_treatment(t) for t in record["treatments"]]
    if p.get("diagnosis_term"):
        document["diseases"] = [{"term": {"id": p["diagnosis_term"], "label": p.get("diagnosis") or p["diagnosis_term"]}}]
    return document
