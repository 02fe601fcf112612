"""Workbench accounts (users) and the indexes of the patient list's search (diagnosis, gene).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(120)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_index("ix_patients_diagnosis_key", "patients", ["diagnosis", "patient_key"])
    op.create_index("ix_patients_gene_key", "patients", ["gene", "patient_key"])


def downgrade() -> None:
    op.drop_index("ix_patients_gene_key", "patients")
    op.drop_index("ix_patients_diagnosis_key", "patients")
    op.drop_table("users")
