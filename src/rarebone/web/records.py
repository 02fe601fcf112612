"""Reading patients for the pages: one record (the registry's own snapshot dict) and the searchable list.

The list pages by key (keyset: ``patient_key > last key seen``), filtered by key prefix, diagnosis or gene, so
every page is an index range scan whatever the registry's size (indexes of migration 0003).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException

PAGE_SIZE = 50
_TOP = "\U0010ffff"  # sorts after every character: key >= q AND key < q + _TOP is "starts with q"


def load_record(db, patient_key: str) -> dict:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from rarebone.registry import models as m
    from rarebone.registry.store import CHILDREN, snapshot

    row = db.scalars(select(m.PatientRow).where(m.PatientRow.patient_key == patient_key)
                     .options(*(selectinload(getattr(m.PatientRow, n)) for n in CHILDREN))).one_or_none()
    if row is None:
        raise HTTPException(404, "There is no patient with this key.")
    record = snapshot(row)
    record["_meta"] = {"updated_at": row.updated_at, "source": row.source}
    return record


def stored(record: dict) -> dict:
    """The record as registry.store takes it: without the page's extras, dates as dates again (the snapshot
    the audit trail keeps writes them as ISO strings)."""
    import datetime as dt

    from rarebone.registry import models as m
    from rarebone.registry.store import CHILDREN

    def typed(item: dict, model) -> dict:
        out = dict(item)
        for column in model.__table__.columns:
            value = out.get(column.key)
            if isinstance(value, str) and column.type.python_type is dt.date:
                out[column.key] = dt.date.fromisoformat(value[:10])
        return out

    result = {"patient": typed(record["patient"], m.PatientRow)}
    for name, model in CHILDREN.items():
        if name in record:
            result[name] = [typed(child, model) for child in record[name]]
    return result


@dataclass
class Listing:
    rows: list
    total: int
    next_after: str | None  # the key to continue after, when there is a next page
    prev_before: str | None  # the key to go back before, when there is a previous page


def list_patients(db, *, key: str = "", diagnosis: str = "", gene: str = "", after: str = "", before: str = "",
                  limit: int = PAGE_SIZE) -> Listing:
    from sqlalchemy import and_, func, or_, select

    from rarebone.registry import models as m

    p = m.PatientRow
    where = []
    key = key.strip()
    if key:
        prefixes = {key, key.upper()}
        where.append(or_(*(and_(p.patient_key >= k, p.patient_key < k + _TOP) for k in prefixes)))
    if diagnosis:
        where.append(p.diagnosis == diagnosis)
    if gene.strip():
        where.append(p.gene == gene.strip().upper())
    columns = (p.patient_key, p.sex, p.birth_date, p.diagnosis, p.gene, p.genotype, p.vital_status, p.synthetic,
               p.updated_at)
    if before:
        stmt = select(*columns).where(*where, p.patient_key < before).order_by(p.patient_key.desc()).limit(limit + 1)
        rows = list(db.execute(stmt).all())
        has_more = len(rows) > limit
        rows = list(reversed(rows[:limit]))
        prev_before = rows[0].patient_key if has_more and rows else None
        next_after = rows[-1].patient_key if rows else None
    else:
        stmt = select(*columns).where(*where, *([p.patient_key > after] if after else [])).order_by(
            p.patient_key).limit(limit + 1)
        rows = list(db.execute(stmt).all())
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_after = rows[-1].patient_key if has_more else None
        prev_before = rows[0].patient_key if after and rows else None
    total = db.execute(select(func.count()).select_from(p).where(*where)).scalar_one()
    return Listing(rows, total, next_after, prev_before)


def age_lines(patient: dict) -> list[str]:
    """The patient's age as the record page states it: at last contact (or death) when recorded, and today's for
    a living patient; empty without a birth date (the page then says the age is unknown)."""
    import datetime as dt

    from rarebone.core import clock
    from rarebone.core.time import format_age
    from rarebone.registry.phenopacket_out import age_at_last_contact

    if not patient.get("birth_date"):
        return []
    birth = dt.date.fromisoformat(str(patient["birth_date"])[:10])
    lines = []
    last = age_at_last_contact(patient)
    if last is not None:
        when = patient.get("last_contact_date") or patient.get("death_date")
        lines.append(f"{format_age(last)} at last contact ({str(when)[:10]})")
    if patient.get("vital_status") != "dead" and clock.today() >= birth:
        lines.append(f"{format_age((clock.today() - birth).days)} today")
    return lines
