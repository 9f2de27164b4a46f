"""class_group.approved_at: a LINE group waits for the trainer's approval; code_failure: join-code throttle

Anyone in a LINE group could link it to any class by typing the class code, and codes could be tried as
fast as one could type. A group now asks ("เชื่อมห้อง 4K7Q") and the trainer approves in /admin; codes that
match no class are counted per user and per group, and too many make them wait.

Groups linked before this revision stay linked (approved when they were registered): they were live, and
the trainer can unlink them from the class page.

Revision ID: 0018_group_links
Revises: 0017_learner_ids_never_reused
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.columns

revision: str = "0018_group_links"
down_revision: str | Sequence[str] | None = "0017_learner_ids_never_reused"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("class_group", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approved_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE class_group SET approved_at = registered_at")
    op.create_table(
        "code_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", bot.storage.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("code_failure", schema=None) as batch_op:
        batch_op.create_index("ix_code_failure_source_at", ["source", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("code_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_code_failure_source_at")
    op.drop_table("code_failure")
    op.execute("DELETE FROM class_group WHERE approved_at IS NULL")
    with op.batch_alter_table("class_group", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
