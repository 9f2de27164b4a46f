"""drill_answer, and the drill round on screen: drills in the conversation (issue 14)

Every verdict on a drill ("จริงหรือหลอก?") is kept as a row: the daily set reads it as history, the placement
and final checks are scored from it, and trainers see a class's before/after figures. The learner row gets
the round on screen (`drill_ids`, `drill_step`, `drill_context`), kept apart from `step` so that a daily
set taken in the middle of a module does not move the learner's place in it.

Revision ID: 0021_drill_answers
Revises: 0019_practice_shuffle
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.columns

revision: str = "0021_drill_answers"
down_revision: str | Sequence[str] | None = "0020_family_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drill_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum("real", "scam", "unsure", name="drillverdict", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column(
            "context",
            sa.Enum(
                "module",
                "review",
                "daily",
                "placement",
                "final",
                "game",
                name="drillcontext",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("answered_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("drill_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_drill_answer_learner", ["learner_id", "context", "answered_at"], unique=False
        )
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_ids", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("drill_step", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("drill_context", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("drill_context")
        batch_op.drop_column("drill_step")
        batch_op.drop_column("drill_ids")
    with op.batch_alter_table("drill_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_drill_answer_learner")
    op.drop_table("drill_answer")
