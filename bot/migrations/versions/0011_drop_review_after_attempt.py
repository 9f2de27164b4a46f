"""drop learner.review_after_attempt (review follows the review cards' due dates since 0002)

Revision ID: 0011_drop_review_after_attempt
Revises: 0010_trainers
Create Date: 2026-11-21

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_drop_review_after_attempt"
down_revision: str | Sequence[str] | None = "0010_trainers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("review_after_attempt")


def downgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_after_attempt", sa.Integer(), nullable=False, server_default="0")
        )
