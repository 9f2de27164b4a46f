"""pending_check: forwarded messages and screenshots waiting for one combined check answer

A learner who forwards three messages in a row gets one answer; a screenshot is read (OCR, 1-2 s) outside
the inbox round. The row holds what the checks found, never the message text, and is deleted when the answer
is written to the outbox.

Revision ID: 0022_help_checks
Revises: 0020_family_links
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.columns import UtcDateTime

revision: str = "0022_help_checks"
down_revision: str | Sequence[str] | None = "0021_drill_answers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("image_ids", sa.JSON(), nullable=False),
        sa.Column("reply_token", sa.String(length=256), nullable=True),
        sa.Column("reply_deadline", UtcDateTime(timezone=True), nullable=True),
        sa.Column("quote_token", sa.String(length=256), nullable=True),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", UtcDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
    )
    op.create_index("ix_pending_check_chat_id", "pending_check", ["chat_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_check_chat_id", table_name="pending_check")
    op.drop_table("pending_check")
