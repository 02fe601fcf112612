"""Initial registry: patients, phenotypes, measurements, treatments, transplants, complications, audit log.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _pid():
    return sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id", ondelete="CASCADE",
                     name=None), nullable=False)


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_key", sa.String(120), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("sex", sa.String(16)),
        sa.Column("birth_date", sa.Date),
        sa.Column("diagnosis", sa.String(32)),
        sa.Column("diagnosis_term", sa.String(64)),
        sa.Column("gene", sa.String(32)),
        sa.Column("genotype", sa.String(32)),
        sa.Column("age_at_onset_days", sa.Float),
        sa.Column("age_at_diagnosis_days", sa.Float),
        sa.Column("vital_status", sa.String(16)),
        sa.Column("cause_of_death", sa.String(200)),
        sa.Column("death_date", sa.Date),
        sa.Column("last_contact_date", sa.Date),
        sa.Column("followup_days_from_diagnosis", sa.Float),
        sa.Column("notes", sa.Text),
        sa.Column("source", sa.String(300)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("patient_key", name="uq_patients_patient_key"),
    )
    op.create_table(
        "phenotypes",
        sa.Column("id", sa.Integer, primary_key=True), _pid(),
        sa.Column("hpo_id", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("excluded", sa.Boolean, nullable=False),
        sa.Column("onset_age_days", sa.Float),
    )
    op.create_table(
        "measurements",
        sa.Column("id", sa.Integer, primary_key=True), _pid(),
        sa.Column("assay_id", sa.String(32), nullable=False),
        sa.Column("analyte", sa.String(64)),
        sa.Column("value", sa.Float),
        sa.Column("unit", sa.String(32)),
        sa.Column("age_days", sa.Float),
        sa.Column("measured_on", sa.Date),
    )
    op.create_table(
        "treatments",
        sa.Column("id", sa.Integer, primary_key=True), _pid(),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("agent_label", sa.String(200)),
        sa.Column("route", sa.String(64)),
        sa.Column("cumulative_dose", sa.Float),
        sa.Column("cumulative_dose_unit", sa.String(32)),
    )
    op.create_table(
        "transplants",
        sa.Column("id", sa.Integer, primary_key=True), _pid(),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("transplant_date", sa.Date),
        sa.Column("age_at_transplant_days", sa.Float),
        sa.Column("donor_relation", sa.String(32)),
        sa.Column("donor_type", sa.String(32)),
        sa.Column("hla_matched", sa.Integer),
        sa.Column("hla_total", sa.Integer),
        sa.Column("abo_matched", sa.Boolean),
        sa.Column("graft_source", sa.String(32)),
        sa.Column("conditioning", sa.String(64)),
        sa.Column("mnc_10e8_per_kg", sa.Float),
        sa.Column("cd34_10e6_per_kg", sa.Float),
        sa.Column("neutrophil_engraftment_day", sa.Float),
        sa.Column("platelet_engraftment_day", sa.Float),
        sa.Column("graft_failure", sa.String(16)),
        sa.Column("graft_failure_day", sa.Float),
        sa.Column("agvhd_grade", sa.Integer),
        sa.Column("agvhd_day", sa.Float),
        sa.Column("cgvhd", sa.String(16)),
        sa.Column("cgvhd_day", sa.Float),
        sa.Column("followup_days", sa.Float),
        sa.UniqueConstraint("patient_id", "number", name="uq_transplants_patient_id"),
    )
    op.create_table(
        "complications",
        sa.Column("id", sa.Integer, primary_key=True), _pid(),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("day", sa.Float),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("patient_key", sa.String(120), nullable=False),
        sa.Column("source", sa.String(300)),
        sa.Column("changed", sa.JSON),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_audit_log_patient_key", "audit_log", ["patient_key"])
    for table in ("phenotypes", "measurements", "treatments", "transplants", "complications"):
        op.create_index(f"ix_{table}_patient_id", table, ["patient_id"])


def downgrade() -> None:
    for table in ("audit_log", "complications", "transplants", "treatments", "measurements", "phenotypes", "patients"):
        op.drop_table(table)
