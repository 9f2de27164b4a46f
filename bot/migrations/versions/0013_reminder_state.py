"""reminder_state: the sweep's daily mark (last reminded, reminders ignored) moves out of the learner row

The sweep marks every learner it reminds; on the wide learner row that dirtied hundreds of pages per
10,000 learners (and, on PostgreSQL, wrote new tuple versions with their index entries). The narrow table
holds a row only for learners ever reminded or with ignored reminders: existing values are carried over,
then `learner.last_reminded_on` and `learner.ignored_reminders` go. The downgrade carries them back.

Revision ID: 0013_reminder_state
Revises: 0012_batches_hold_recipients
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_reminder_state"
down_revision: str | Sequence[str] | None = "0012_batches_hold_recipients"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_state",
        sa.Column("learner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_reminded_on", sa.Date(), nullable=True),
        sa.Column("ignored_reminders", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.execute(
        "INSERT INTO reminder_state (learner_id, last_reminded_on, ignored_reminders)"
        " SELECT id, last_reminded_on, ignored_reminders FROM learner"
        " WHERE last_reminded_on IS NOT NULL OR ignored_reminders > 0"
    )
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("last_reminded_on")
        batch_op.drop_column("ignored_reminders")


def downgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ignored_reminders", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_reminded_on", sa.Date(), nullable=True))
    state = "FROM reminder_state WHERE reminder_state.learner_id = learner.id"
    op.execute(
        f"UPDATE learner SET last_reminded_on = (SELECT last_reminded_on {state}),"
        f" ignored_reminders = (SELECT ignored_reminders {state})"
        f" WHERE EXISTS (SELECT 1 {state})"
    )
    op.drop_table("reminder_state")
