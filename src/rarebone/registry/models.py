"""The registry schema as SQLAlchemy 2 ORM classes. These never leave ``rarebone.registry``.

Columns carry their unit in the name (``cd34_10e6_per_kg``, ``followup_days``). Ages and study days are days;
the data dictionary (``rarebone registry dictionary``) documents every field. Migrations in
``registry/migrations`` create exactly this schema (a test compares them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PatientRow(Base):
    __tablename__ = "patients"
    # the workbench's patient list filters by diagnosis or gene and pages by key (keyset): one index each
    __table_args__ = (Index("ix_patients_diagnosis_key", "diagnosis", "patient_key"),
                      Index("ix_patients_gene_key", "gene", "patient_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_key: Mapped[str] = mapped_column(String(120), unique=True)  # pseudonymous id
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    sex: Mapped[str | None] = mapped_column(String(16))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    diagnosis: Mapped[str | None] = mapped_column(String(32))  # MIOP, IOP, ADO, CNO, CRMO, other
    diagnosis_term: Mapped[str | None] = mapped_column(String(64))
    gene: Mapped[str | None] = mapped_column(String(32))
    genotype: Mapped[str | None] = mapped_column(String(32))  # allelic state
    age_at_onset_days: Mapped[float | None] = mapped_column(Float)
    age_at_diagnosis_days: Mapped[float | None] = mapped_column(Float)
    vital_status: Mapped[str | None] = mapped_column(String(16))  # alive, dead
    cause_of_death: Mapped[str | None] = mapped_column(String(200))
    death_date: Mapped[dt.date | None] = mapped_column(Date)
    last_contact_date: Mapped[dt.date | None] = mapped_column(Date)
    followup_days_from_diagnosis: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)  # free text, dropped by the research export
    source: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    phenotypes: Mapped[list[PhenotypeRow]] = relationship(cascade="all, delete-orphan", order_by="PhenotypeRow.id")
    measurements: Mapped[list[MeasurementRow]] = relationship(cascade="all, delete-orphan", order_by="MeasurementRow.id")
    treatments: Mapped[list[TreatmentRow]] = relationship(cascade="all, delete-orphan", order_by="TreatmentRow.id")
    transplants: Mapped[list[TransplantRow]] = relationship(cascade="all, delete-orphan", order_by="TransplantRow.number")
    complications: Mapped[list[ComplicationRow]] = relationship(cascade="all, delete-orphan", order_by="ComplicationRow.id")
    cno_visits: Mapped[list[CnoVisitRow]] = relationship(cascade="all, delete-orphan", order_by="CnoVisitRow.id")
    lesions: Mapped[list[LesionRow]] = relationship(cascade="all, delete-orphan", order_by="LesionRow.id")


def _pid() -> Mapped[int]:
    return mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)


class PhenotypeRow(Base):
    __tablename__ = "phenotypes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    hpo_id: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(200))
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    onset_age_days: Mapped[float | None] = mapped_column(Float)


class MeasurementRow(Base):
    __tablename__ = "measurements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    assay_id: Mapped[str] = mapped_column(String(32))
    analyte: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    age_days: Mapped[float | None] = mapped_column(Float)
    measured_on: Mapped[dt.date | None] = mapped_column(Date)


class TreatmentRow(Base):
    __tablename__ = "treatments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    agent_id: Mapped[str] = mapped_column(String(64))
    agent_label: Mapped[str | None] = mapped_column(String(200))
    route: Mapped[str | None] = mapped_column(String(64))
    cumulative_dose: Mapped[float | None] = mapped_column(Float)
    cumulative_dose_unit: Mapped[str | None] = mapped_column(String(32))


class TransplantRow(Base):
    __tablename__ = "transplants"
    __table_args__ = (UniqueConstraint("patient_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    number: Mapped[int] = mapped_column(Integer, default=1)
    transplant_date: Mapped[dt.date | None] = mapped_column(Date)
    age_at_transplant_days: Mapped[float | None] = mapped_column(Float)
    donor_relation: Mapped[str | None] = mapped_column(String(32))  # father, mother, sibling, unrelated, ...
    donor_type: Mapped[str | None] = mapped_column(String(32))  # matched_sibling, haploidentical, ...
    hla_matched: Mapped[int | None] = mapped_column(Integer)
    hla_total: Mapped[int | None] = mapped_column(Integer)
    abo_matched: Mapped[bool | None] = mapped_column(Boolean)
    graft_source: Mapped[str | None] = mapped_column(String(32))
    conditioning: Mapped[str | None] = mapped_column(String(64))
    mnc_10e8_per_kg: Mapped[float | None] = mapped_column(Float)
    cd34_10e6_per_kg: Mapped[float | None] = mapped_column(Float)
    neutrophil_engraftment_day: Mapped[float | None] = mapped_column(Float)
    platelet_engraftment_day: Mapped[float | None] = mapped_column(Float)
    graft_failure: Mapped[str | None] = mapped_column(String(16))  # none, primary, secondary
    graft_failure_day: Mapped[float | None] = mapped_column(Float)
    agvhd_grade: Mapped[int | None] = mapped_column(Integer)  # 0-4 (MAGIC)
    agvhd_day: Mapped[float | None] = mapped_column(Float)
    cgvhd: Mapped[str | None] = mapped_column(String(16))  # none, mild, moderate, severe
    cgvhd_day: Mapped[float | None] = mapped_column(Float)
    followup_days: Mapped[float | None] = mapped_column(Float)  # transplant -> last contact or death


class ComplicationRow(Base):
    __tablename__ = "complications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    kind: Mapped[str] = mapped_column(String(48))  # vod, cmv, ebv, bacterial, hypercalcaemia, aiha, ...
    day: Mapped[float | None] = mapped_column(Float)  # study day (from transplant)


class CnoVisitRow(Base):
    __tablename__ = "cno_visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    visit_date: Mapped[dt.date | None] = mapped_column(Date)
    age_days: Mapped[float | None] = mapped_column(Float)
    pain_vas_0_10: Mapped[float | None] = mapped_column(Float)
    physician_global_0_10: Mapped[float | None] = mapped_column(Float)
    crp_mg_per_l: Mapped[float | None] = mapped_column(Float)
    esr_mm_per_h: Mapped[float | None] = mapped_column(Float)
    active_lesions: Mapped[int | None] = mapped_column(Integer)


class LesionRow(Base):
    __tablename__ = "lesions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = _pid()
    site: Mapped[str] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(16))  # active, new, or the outcome at the last study: resolved, improved, stable, progressed, recurred
    first_seen_age_days: Mapped[float | None] = mapped_column(Float)


class AuditRow(Base):
    """Append-only. Written in the same transaction as the change it describes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_patient_key", "patient_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(16))  # insert, update, delete; the workbench adds view, assess, export
    patient_key: Mapped[str] = mapped_column(String(120))
    source: Mapped[str | None] = mapped_column(String(300))
    changed: Mapped[list | None] = mapped_column(JSON)  # field paths that differ
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class UserRow(Base):
    """A workbench account (``rarebone users``). Only an argon2 hash of the password is stored."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(120))  # shown on sign-offs
    role: Mapped[str] = mapped_column(String(16))  # clinician, pharmacist, researcher, admin
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WorkbenchEntryRow(Base):
    """What the workbench records that has no column elsewhere (migration 0004): a transplant plan's inputs and its
    pharmacist sign-off (``transplant_plan``), acute GVHD organ findings of a day (``gvhd``), a CNO visit with its
    imaging (``cno_visit``). ``payload`` holds the form's values; documents are recomputed from them."""

    __tablename__ = "workbench_entries"
    __table_args__ = (Index("ix_workbench_entries_patient_kind", "patient_key", "kind", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))  # transplant_plan, gvhd, cno_visit
    entry_date: Mapped[dt.date | None] = mapped_column(Date)
    payload: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    signed_by: Mapped[str | None] = mapped_column(String(120))  # the pharmacist's account (name@workbench)
    signed_name: Mapped[str | None] = mapped_column(String(120))  # their display name at the time of signing
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
