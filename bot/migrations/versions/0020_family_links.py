"""family_link: a learner's trusted person gets a weekly note and can send encouragement

A learner asks for a code ("ชวนลูกหลาน"), a relative types it, the learner accepts; the relative then gets
one short note a week (modules finished, questions practised: no answers, no message texts) and can send a
few fixed kind words. Either side can end it; erasing the learner deletes their links.

Revision ID: 0020_family_links
Revises: 0019_practice_shuffle
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.columns

revision: str = "0020_family_links"
down_revision: str | Sequence[str] | None = "0019_practice_shuffle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, bot.storage.columns.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "family_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("relative_user_id", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum("invited", "asked", "active", "ended", name="linkstatus", native_enum=False, length=20),
            nullable=False,
        ),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("asked_at"),
        _when("accepted_at"),
        _when("ended_at"),
        _when("last_note_at"),
        _when("last_cheer_at"),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("family_link", schema=None) as batch_op:
        batch_op.create_index("ix_family_link_code", ["code"], unique=True)
        batch_op.create_index("ix_family_link_learner", ["learner_id", "status"], unique=False)
        batch_op.create_index("ix_family_link_relative", ["relative_user_id", "status"], unique=False)
        batch_op.create_index("ix_family_link_due", ["status", "last_note_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("family_link", schema=None) as batch_op:
        batch_op.drop_index("ix_family_link_due")
        batch_op.drop_index("ix_family_link_relative")
        batch_op.drop_index("ix_family_link_learner")
        batch_op.drop_index("ix_family_link_code")
    op.drop_table("family_link")
