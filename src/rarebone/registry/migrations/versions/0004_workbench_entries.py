"""Workbench entries the registry had no place for: transplant plans as made (their inputs) with the pharmacist's
sign-off, acute GVHD organ findings by date, CNO visits with their imaging (lesions by site).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workbench_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("entry_date", sa.Date),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_by", sa.String(120)),
        sa.Column("signed_name", sa.String(120)),
        sa.Column("signed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_workbench_entries"),
    )
    op.create_index("ix_workbench_entries_patient_kind", "workbench_entries", ["patient_key", "kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_workbench_entries_patient_kind", "workbench_entries")
    op.drop_table("workbench_entries")
