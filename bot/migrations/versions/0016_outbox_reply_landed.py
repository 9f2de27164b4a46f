"""outbox.reply_landed: the reply delivered a row's first request; its pushes start at the second

A row of more than five messages goes out as a reply (the first five) and pushes (the rest), each push
under a retry key numbered by its place in the row. When the pushes had to be tried again after the reply
token expired, nothing said the reply had landed, and the first five were pushed again.

Revision ID: 0016_outbox_reply_landed
Revises: 0015_learner_finished_modules
Create Date: 2026-11-21

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_outbox_reply_landed"
down_revision: str | Sequence[str] | None = "0015_learner_finished_modules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reply_landed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("reply_landed")
