"""assignment: a trainer's module (or a module's drills) for a class, with a due date and one nudge

Revision ID: 0024_assignments
Revises: 0023_certificates
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.columns import UtcDateTime

revision: str = "0024_assignments"
down_revision: str | Sequence[str] | None = "0023_certificates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "class_id", sa.Integer(), sa.ForeignKey("classroom.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "kind",
            sa.Enum("module", "drills", name="assignmentkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("track_id", sa.String(length=48), nullable=False),
        sa.Column("module_id", sa.String(length=48), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "created_by", sa.Integer(), sa.ForeignKey("trainer.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("nudged_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("nudged", sa.Integer(), nullable=True),
    )
    op.create_index("ix_assignment_class_due", "assignment", ["class_id", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_assignment_class_due", table_name="assignment")
    op.drop_table("assignment")
