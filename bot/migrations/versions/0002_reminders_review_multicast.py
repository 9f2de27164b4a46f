"""reminders, review cards, multicast batches, service flags

Existing rows get the defaults the models give new ones (19:00 reminders, streak 0, outbox rows are replies),
so the NOT NULL columns carry server defaults.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-20

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

import bot.storage.columns


# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "outbox_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retry_key", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "sent", "failed", "expired", name="outboxstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("not_before", bot.storage.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_batch", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_batch_pending", ["status", "not_before"], unique=False)

    op.create_table(
        "service_flag",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("since", bot.storage.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("until", bot.storage.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "review_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("due", bot.storage.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_card", schema=None) as batch_op:
        batch_op.create_index("ix_review_card_due", ["learner_id", "due"], unique=False)
        batch_op.create_index("ix_review_card_learner_question", ["learner_id", "question_id"], unique=True)

    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remind_minute", sa.Integer(), nullable=False, server_default="1140"))
        batch_op.add_column(
            sa.Column("reminders_stopped", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ignored_reminders", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_reminded_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_studied_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("streak", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("cohort", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True))
        batch_op.create_index(batch_op.f("ix_learner_cohort"), ["cohort"], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "purpose", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default="reply"
            )
        )
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("message_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("expires_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_outbox_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_outbox_dedupe_key", ["dedupe_key"], unique=True)
        batch_op.create_index("ix_outbox_groupable", ["status", "batch_id", "message_hash"], unique=False)
        batch_op.create_foreign_key(
            "fk_outbox_batch_id", "outbox_batch", ["batch_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_batch_id", type_="foreignkey")
        batch_op.drop_index("ix_outbox_groupable")
        batch_op.drop_index("ix_outbox_dedupe_key")
        batch_op.drop_index(batch_op.f("ix_outbox_batch_id"))
        batch_op.drop_column("expires_at")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("message_hash")
        batch_op.drop_column("dedupe_key")
        batch_op.drop_column("purpose")

    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_cohort"))
        batch_op.drop_column("cohort")
        batch_op.drop_column("streak")
        batch_op.drop_column("last_studied_on")
        batch_op.drop_column("last_reminded_on")
        batch_op.drop_column("ignored_reminders")
        batch_op.drop_column("snoozed_until")
        batch_op.drop_column("reminders_stopped")
        batch_op.drop_column("remind_minute")

    with op.batch_alter_table("review_card", schema=None) as batch_op:
        batch_op.drop_index("ix_review_card_learner_question")
        batch_op.drop_index("ix_review_card_due")

    op.drop_table("review_card")
    op.drop_table("service_flag")
    with op.batch_alter_table("outbox_batch", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_batch_pending")

    op.drop_table("outbox_batch")
