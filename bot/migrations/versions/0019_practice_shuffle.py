"""learner.shuffle_seed: the order in which a practice round shows each question's options

"ทบทวน" right after a module, with nothing due yet, offers to practise that module now, with the options
in a new order so that the learner answers by meaning, not by position. The order comes from this seed and
the question ID, so it is the same on every screen of the round and after a restart.

Revision ID: 0019_practice_shuffle
Revises: 0018_group_links
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_practice_shuffle"
down_revision: str | Sequence[str] | None = "0018_group_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shuffle_seed", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("shuffle_seed")
