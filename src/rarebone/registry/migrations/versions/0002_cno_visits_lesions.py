"""CNO visits and lesions.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cno_visits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("visit_date", sa.Date),
        sa.Column("age_days", sa.Float),
        sa.Column("pain_vas_0_10", sa.Float),
        sa.Column("physician_global_0_10", sa.Float),
        sa.Column("crp_mg_per_l", sa.Float),
        sa.Column("esr_mm_per_h", sa.Float),
        sa.Column("active_lesions", sa.Integer),
    )
    op.create_table(
        "lesions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16)),
        sa.Column("first_seen_age_days", sa.Float),
    )
    op.create_index("ix_cno_visits_patient_id", "cno_visits", ["patient_id"])
    op.create_index("ix_lesions_patient_id", "lesions", ["patient_id"])


def downgrade() -> None:
    op.drop_table("lesions")
    op.drop_table("cno_visits")
