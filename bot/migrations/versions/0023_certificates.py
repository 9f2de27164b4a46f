"""certificate: a learner's certificate for finishing a track, confirmed by /verify/<code>

Holds only what is printed on it (the name the learner chose to give, or none; the track; the date; the
organisation) and the unguessable code; erased with the learner.

Revision ID: 0023_certificates
Revises: 0022_help_checks
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.columns import UtcDateTime

revision: str = "0023_certificates"
down_revision: str | Sequence[str] | None = "0022_help_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("track_id", sa.String(length=64), nullable=False),
        sa.Column("track_title", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("org_name", sa.String(length=80), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_certificate_code", "certificate", ["code"], unique=True)
    op.create_index("ix_certificate_learner_track", "certificate", ["learner_id", "track_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_certificate_learner_track", table_name="certificate")
    op.drop_index("ix_certificate_code", table_name="certificate")
    op.drop_table("certificate")
