"""Out of the registry: the flat dictionary CSV and the records the other exports read
(Phenopackets v2: ``phenopacket_out``; the de-identified research export: ``deidentify``; REDCap: ``redcap``).
"""

from __future__ import annotations

import csv
import io
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


# The de-identified research export lives in registry/deidentify.py, Phenopackets in registry/phenopacket_out.py.
