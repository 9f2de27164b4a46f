"""reminder_day: today's reminder marks as one bit per learner, in rows of 8,192 learners

The sweep marked each learner it reminded with an upsert of their `reminder_state` row: at national scale
(100,000 learners a minute) that row-by-row write took longer than LINE's rate limit takes to send them.
Now a day's marks are bitmaps, and `reminder_state` is brought up to date once a day from them. Marks
already in `reminder_state` for today keep counting, so an upgrade during the day sends no second reminder.

Revision ID: 0014_reminder_day
Revises: 0013_reminder_state
Create Date: 2026-11-21

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_reminder_day"
down_revision: str | Sequence[str] | None = "0013_reminder_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slice", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reminded", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day", "slice"),
    )


def downgrade() -> None:
    # Marks not folded yet are lost: at worst a learner gets a second reminder on the day of the downgrade,
    # and a day's reminders do not count towards slowing them down.
    op.drop_table("reminder_day")
