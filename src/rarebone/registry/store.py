"""Write records into the registry: one record = one patient with everything attached.

A *record* is a plain dict ``{"patient": {...}, "phenotypes": [...], "transplants": [...], ...}`` whose keys are
the ORM column names. ``upsert`` is idempotent (a content hash decides "unchanged"), and every insert, update
and delete writes an audit row (who, when, changed fields, before, after) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from rarebone.errors import InputError, RareboneError, RegistryError
from rarebone.registry import models as m

CHILDREN = {
    "phenotypes": m.PhenotypeRow,
    "measurements": m.MeasurementRow,
    "treatments": m.TreatmentRow,
    "transplants": m.TransplantRow,
    "complications": m.ComplicationRow,
    "cno_visits": m.CnoVisitRow,
    "lesions": m.LesionRow,
}
_SKIP = {"id", "patient_id"}
PG_COPY = True  # bulk inserts on PostgreSQL via COPY; False = plain executemany (benchmarks compare the two)
_PATIENT_SKIP = {"id", "content_hash", "updated_at", "source"}


def columns(model) -> list[str]:
    return [c.key for c in model.__table__.columns if c.key not in _SKIP]


PATIENT_COLUMNS = [c for c in columns(m.PatientRow) if c not in _PATIENT_SKIP]


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def normalise(record: dict) -> dict:
    return json.loads(json.dumps(record, default=_json_default, sort_keys=True))


def content_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, default=_json_default, sort_keys=True).encode()).hexdigest()


def actor() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = f"uid{os.getuid()}"
    return f"{user}@rarebone"


def snapshot(row: m.PatientRow) -> dict:
    """The stored record as the JSON-safe dict the audit trail keeps."""
    record = {"patient": {c: getattr(row, c) for c in PATIENT_COLUMNS}}
    for name, model in CHILDREN.items():
        cols = columns(model)
        record[name] = [{c: getattr(child, c) for c in cols} for child in getattr(row, name)]
    return normalise(record)


def diff(before: dict | None, after: dict | None) -> list[str]:
    before, after = before or {}, after or {}
    changed = []
    for key in sorted(set(before.get("patient", {})) | set(after.get("patient", {}))):
        if before.get("patient", {}).get(key) != after.get("patient", {}).get(key):
            changed.append(f"patient.{key}")
    for name in CHILDREN:
        if before.get(name, []) != after.get(name, []):
            changed.append(name)
    return changed


def _validate(record: dict) -> None:
    patient = record.get("patient")
    if not isinstance(patient, dict) or not patient.get("patient_key"):
        raise InputError("record has no patient_key", path="patient.patient_key")
    unknown = set(patient) - set(PATIENT_COLUMNS)
    if unknown:
        raise InputError("unknown patient field", path=f"patient.{sorted(unknown)[0]}")
    for name in set(record) - {"patient"}:
        if name not in CHILDREN:
            raise InputError("unknown record part", path=name)
        allowed = set(columns(CHILDREN[name]))
        for i, child in enumerate(record[name]):
            bad = set(child) - allowed
            if bad:
                raise InputError("unknown field", path=f"{name}[{i}].{sorted(bad)[0]}")
    from rarebone.registry.plausibility import check_record

    check_record(record)  # every importer's records pass here: finite numbers, dates, fields against each other


def _fill(row: m.PatientRow, record: dict) -> None:
    for c in PATIENT_COLUMNS:
        setattr(row, c, record["patient"].get(c, False if c == "synthetic" else None))
    for name, model in CHILDREN.items():
        items = []
        for i, child in enumerate(record.get(name, [])):
            data = dict(child)
            if name == "transplants":
                data.setdefault("number", i + 1)
            if name == "phenotypes":
                data.setdefault("excluded", False)
            items.append(model(**data))
        setattr(row, name, items)


IDENTITY_FIELDS = ("sex", "birth_date", "gene")


def identity_changes(before: dict | None, record: dict) -> list[str]:
    """Identity fields a stored value of which the record would change (filling an empty one is no change)."""
    if before is None:
        return []
    old, new = before.get("patient", {}), normalise({"patient": record["patient"]})["patient"]
    return [f"{name}: {old.get(name)} -> {new.get(name)}" for name in IDENTITY_FIELDS
            if old.get(name) is not None and old.get(name) != new.get(name)]


def upsert(session, record: dict, *, source: str | None = None, who: str | None = None,
           allow_identity_change: bool = False) -> str:
    """Insert or update one patient. Returns ``inserted``, ``updated`` or ``unchanged``.

    An update that changes sex, birth date or gene is refused unless ``allow_identity_change``: two children
    under one key (several papers' "Patient 2") would otherwise become one record whose gene changes from file
    to file. When allowed, the audit row's source says so (``registry history`` shows it)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    _validate(record)
    key = record["patient"]["patient_key"]
    digest = content_hash(record)
    row = session.scalars(
        select(m.PatientRow).where(m.PatientRow.patient_key == key)
        .options(*(selectinload(getattr(m.PatientRow, name)) for name in CHILDREN))
    ).one_or_none()
    now = dt.datetime.now(dt.timezone.utc)
    if row is not None and row.content_hash == digest:
        return "unchanged"
    before = snapshot(row) if row is not None else None
    action = "update" if row is not None else "insert"
    changes = identity_changes(before, record)
    if changes and not allow_identity_change:
        raise InputError(f"update would change identity fields ({'; '.join(changes)}): a different child under the "
                         "same key? If it is the same child, rerun with --allow-identity-change",
                         path="patient.patient_key", value=key)
    if changes:
        source = f"{source or '-'} [IDENTITY CHANGED: {'; '.join(changes)}]"[:300]  # the column holds 300
    if row is None:
        row = m.PatientRow(patient_key=key)
        session.add(row)
    else:  # old children go first: (patient_id, number) must stay unique during the flush
        for name in CHILDREN:
            setattr(row, name, [])
        session.flush()
    _fill(row, record)
    row.content_hash, row.updated_at, row.source = digest, now, source
    session.flush()
    after = snapshot(row)
    session.add(m.AuditRow(at=now, actor=who or actor(), action=action, patient_key=key, source=source,
                           changed=diff(before, after), before=before, after=after))
    return "inserted" if action == "insert" else "updated"


def delete(session, patient_key: str, *, who: str | None = None, reason: str | None = None) -> None:
    from sqlalchemy import select

    row = session.scalars(select(m.PatientRow).where(m.PatientRow.patient_key == patient_key)).one_or_none()
    if row is None:
        raise RegistryError("no such patient", value=patient_key)
    before = snapshot(row)
    session.delete(row)
    session.add(m.AuditRow(at=dt.datetime.now(dt.timezone.utc), actor=who or actor(), action="delete",
                           patient_key=patient_key, source=reason, changed=diff(before, None), before=before, after=None))


@dataclass
class ImportSummary:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged + len(self.rejected)

    def line(self) -> str:
        return (f"{self.total} records: {self.inserted} inserted, {self.updated} updated, "
                f"{self.unchanged} unchanged, {len(self.rejected)} rejected")


# An item is (where, record-or-error). Readers yield errors instead of raising so one bad row rejects one record.
Item = tuple[str, "dict | RareboneError"]


def one_per_key(items: Iterable[Item]) -> Iterator[Item]:
    """Within one import, a key seen again with different content is rejected naming both sources (a folder of
    papers that each call a child "Patient 2"; a duplicated row of a CSV). The same content again is harmless."""
    seen: dict[str, tuple[str, str]] = {}
    for where, record in items:
        if isinstance(record, dict) and isinstance(record.get("patient"), dict) and record["patient"].get("patient_key"):
            key = str(record["patient"]["patient_key"])
            try:
                digest = content_hash(record)
            except TypeError:
                digest = None
            if key in seen and seen[key][1] != digest:
                yield where, InputError(f"patient_key {key!r} already used in this import by {seen[key][0]} with "
                                        "different content; give each child its own key")
                continue
            seen.setdefault(key, (where, digest))
        yield where, record


def import_records(engine, items: Iterable[Item], *, batch_size: int = 200, who: str | None = None,
                   progress=None, allow_identity_change: bool = False) -> ImportSummary:
    """Each record in its own savepoint (a bad record rolls back alone); a batch commits together.

    A crash loses at most the uncommitted batch, never half a record; a rerun completes it (idempotent).
    """
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm import Session

    summary = ImportSummary()
    items = iter(one_per_key(items))
    while True:
        batch = _take(items, batch_size)
        if not batch:
            break
        for attempt in range(5):
            partial = ImportSummary()
            try:
                with Session(engine) as session, session.begin():
                    slow = _bulk_insert_new(session, batch, partial, who)
                    for where, record in slow:
                        _one(session, where, record, partial, who, IntegrityError, allow_identity_change)
                break
            except OperationalError as exc:  # lock timeout / serialisation: retry the batch
                if attempt == 4:
                    raise RegistryError(f"database busy: {str(exc).splitlines()[0]}") from None
        summary.inserted += partial.inserted
        summary.updated += partial.updated
        summary.unchanged += partial.unchanged
        summary.rejected += partial.rejected
        if progress is not None:
            progress(len(batch))
    return summary


def rejection(where: str, error) -> str:
    """``where: message``, without saying the location twice when the message already starts with it."""
    text = str(error)
    return text if text.startswith(where) else f"{where}: {text}"


def _one(session, where, record, summary, who, integrity_error, allow_identity_change=False) -> None:
    if isinstance(record, RareboneError):
        summary.rejected.append(rejection(where, record))
        return
    for attempt in range(2):
        savepoint = session.begin_nested()
        try:
            outcome = upsert(session, record, source=where, who=who, allow_identity_change=allow_identity_change)
            savepoint.commit()
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            return
        except RareboneError as exc:
            savepoint.rollback()
            summary.rejected.append(rejection(where, exc))
            return
        except integrity_error as exc:  # another process inserted the same patient meanwhile: retry as update
            savepoint.rollback()
            if attempt == 1:
                summary.rejected.append(f"{where}: {str(exc.orig).splitlines()[0]}")
        except (TypeError, ValueError, _statement_error()) as exc:  # a value the column cannot hold
            savepoint.rollback()
            summary.rejected.append(f"{where}: value not accepted by the database: {str(exc).splitlines()[0]}")
            return


def _statement_error():
    from sqlalchemy.exc import StatementError

    return StatementError


def _full(record: dict) -> tuple[dict, dict[str, list[dict]]]:
    """Every column of the patient and of each child, defaults filled (as ``_fill`` stores them)."""
    patient = {c: record["patient"].get(c, False if c == "synthetic" else None) for c in PATIENT_COLUMNS}
    children = {}
    for name, model in CHILDREN.items():
        cols = columns(model)
        rows = []
        for i, child in enumerate(record.get(name, [])):
            row = {c: child.get(c) for c in cols}
            if name == "transplants" and row.get("number") is None:
                row["number"] = i + 1
            if name == "phenotypes" and row.get("excluded") is None:
                row["excluded"] = False
            rows.append(row)
        children[name] = rows
    return patient, children


def _bulk_insert_new(session, batch, summary, who) -> list:
    """Insert the batch's new patients with a few multi-row INSERTs (the common case of a first import).
    Returns the items that need the per-record path: updates, unchanged checks, duplicates, or the whole
    batch when the bulk insert fails (e.g. another process inserted the same patient meanwhile)."""
    from sqlalchemy import insert, select

    slow, fresh, seen = [], [], set()
    for where, record in batch:
        if isinstance(record, RareboneError):
            slow.append((where, record))
            continue
        try:
            _validate(record)
        except RareboneError as exc:
            summary.rejected.append(rejection(where, exc))
            continue
        key = record["patient"]["patient_key"]
        if key in seen:
            slow.append((where, record))
        else:
            seen.add(key)
            fresh.append((where, record))
    if not fresh:
        return slow
    table = m.PatientRow.__table__
    keys = [r["patient"]["patient_key"] for _, r in fresh]
    existing = dict(session.execute(select(table.c.patient_key, table.c.content_hash).where(table.c.patient_key.in_(keys))).all())
    new = [(w, r) for w, r in fresh if r["patient"]["patient_key"] not in existing]
    for w, r in fresh:
        key = r["patient"]["patient_key"]
        if key in existing:
            if existing[key] == content_hash(r):
                summary.unchanged += 1
            else:
                slow.insert(0, (w, r))
    if not new:
        return slow
    now = dt.datetime.now(dt.timezone.utc)
    full = [_full(r) for _, r in new]
    savepoint = session.begin_nested()
    try:
        rows = [{**patient, "content_hash": content_hash(r), "updated_at": now, "source": w}
                for (w, r), (patient, _) in zip(new, full)]
        if PG_COPY and session.connection().dialect.name == "postgresql":  # COPY, then read the ids back
            _insert_many(session, table, rows)
            ids = dict(session.execute(select(table.c.patient_key, table.c.id)
                                       .where(table.c.patient_key.in_([r["patient_key"] for r in rows]))).all())
        else:
            ids = dict(session.execute(insert(table).returning(table.c.patient_key, table.c.id), rows).all())
        for name, model in CHILDREN.items():
            child_rows = [{**c, "patient_id": ids[patient["patient_key"]]}
                          for patient, children in full for c in children[name]]
            if child_rows:
                _insert_many(session, model.__table__, child_rows)
        audit = []
        for (w, r), (patient, children) in zip(new, full):
            after = normalise({"patient": patient, **children})
            audit.append({"at": now, "actor": who or actor(), "action": "insert", "patient_key": patient["patient_key"],
                          "source": w, "changed": diff(None, after), "before": None, "after": after})
        _insert_many(session, m.AuditRow.__table__, audit)
        savepoint.commit()
    except Exception:  # noqa: BLE001 - any failure: redo these records one by one, each in its own savepoint
        savepoint.rollback()
        return new + slow
    summary.inserted += len(new)
    return slow


def _insert_many(session, table, rows: list[dict]) -> None:
    """Many rows, same keys, into ``table`` inside the session's transaction. PostgreSQL: one COPY (psycopg)
    instead of a round trip per row; SQLite: executemany. Same values either way (JSON columns are written as
    the JSON text SQLAlchemy would write); an error aborts the enclosing savepoint like any statement."""
    from sqlalchemy import JSON, insert

    connection = session.connection()
    if not PG_COPY or connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    json_cols = {n for n in names if isinstance(table.c[n].type, JSON)}
    quoted = ", ".join(f'"{n}"' for n in names)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[n], default=_json_default) if n in json_cols else row[n]
                                for n in names])


def _take(items: Iterator, n: int) -> list:
    out = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out


def utc_iso(moment) -> str | None:
    """ISO 8601 in UTC with its offset on both back ends (SQLite returns the stored UTC time without one)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc).isoformat()
    return moment.astimezone(dt.timezone.utc).isoformat()


def history(engine, patient_key: str) -> list[dict]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.db import reader

    with Session(reader(engine)) as session:
        rows = session.scalars(select(m.AuditRow).where(m.AuditRow.patient_key == patient_key).order_by(m.AuditRow.id))
        return [
            {"at": utc_iso(r.at), "actor": r.actor, "action": r.action, "source": r.source,
             "changed": r.changed or [], "before": r.before, "after": r.after}
            for r in rows
        ]
