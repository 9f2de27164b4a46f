"""multicast batches hold their recipients: no outbox row per learner for reminders and announcements

A batch now keeps its messages once and its learners' IDs (up to 500), so fan-out writes a row per request
instead of a row per learner. `outbox.batch_id`, `outbox.message_hash` and `outbox.expires_at` (used only
by those per-learner rows) go.

Work in flight is carried over: each batch gets the learners of its pending rows, and a pending reminder
that was to go alone by push becomes a batch of one under the same retry key; those rows are then removed.
The downgrade restores the columns, not the per-learner rows.

Revision ID: 0012_batches_hold_recipients
Revises: 0011_drop_review_after_attempt
Create Date: 2026-11-21

"""

import json
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.columns

revision: str = "0012_batches_hold_recipients"
down_revision: str | Sequence[str] | None = "0011_drop_review_after_attempt"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "purpose",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="reminder",
            )
        )
        batch_op.add_column(sa.Column("learner_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("expires_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=80), nullable=True))
        batch_op.create_index("ix_outbox_batch_dedupe_key", ["dedupe_key"], unique=True)
    _carry_over_work_in_flight()
    with op.batch_alter_table("outbox_batch", schema=None) as batch_op:
        for name in ("purpose", "learner_ids", "size"):
            batch_op.alter_column(name, server_default=None)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_batch_id", type_="foreignkey")
        batch_op.drop_index("ix_outbox_groupable")
        batch_op.drop_index("ix_outbox_batch_id")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("message_hash")


def _carry_over_work_in_flight() -> None:
    connection = op.get_bind()
    in_batch = "FROM outbox WHERE outbox.batch_id = outbox_batch.id"
    connection.execute(
        sa.text(
            f"UPDATE outbox_batch SET size = (SELECT count(*) {in_batch}),"
            f" purpose = COALESCE((SELECT max(purpose) {in_batch}), 'reminder'),"
            f" expires_at = (SELECT min(expires_at) {in_batch})"
        )
    )
    members: dict[int, list[int]] = defaultdict(list)
    for batch_id, learner_id in connection.execute(
        sa.text(
            "SELECT outbox.batch_id, learner.id FROM outbox JOIN learner ON learner.line_user_id = outbox.chat_id"
            " WHERE outbox.batch_id IS NOT NULL AND outbox.status = 'pending' ORDER BY outbox.id"
        )
    ):
        members[batch_id].append(learner_id)
    if members:
        connection.execute(
            sa.text("UPDATE outbox_batch SET learner_ids = :ids WHERE id = :id"),
            [{"id": batch_id, "ids": json.dumps(ids)} for batch_id, ids in members.items()],
        )
    one = (
        "json_build_array(learner.id)"
        if connection.dialect.name == "postgresql"
        else "json_array(learner.id)"
    )
    alone = "outbox.batch_id IS NULL AND outbox.status = 'pending' AND outbox.expires_at IS NOT NULL"
    connection.execute(
        sa.text(
            "INSERT INTO outbox_batch (purpose, learner_ids, size, retry_key, messages, status, attempts,"
            " error, created_at, not_before, expires_at)"
            f" SELECT outbox.purpose, {one}, 1, outbox.retry_key, outbox.messages, outbox.status,"
            " outbox.attempts, outbox.error, outbox.created_at, outbox.not_before, outbox.expires_at"
            f" FROM outbox JOIN learner ON learner.line_user_id = outbox.chat_id WHERE {alone}"
        )
    )
    connection.execute(sa.text(f"DELETE FROM outbox WHERE outbox.batch_id IS NOT NULL OR ({alone})"))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("message_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("expires_at", bot.storage.columns.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_outbox_batch_id", ["batch_id"], unique=False)
        batch_op.create_index("ix_outbox_groupable", ["status", "batch_id", "message_hash"], unique=False)
        batch_op.create_foreign_key(
            "fk_outbox_batch_id", "outbox_batch", ["batch_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("outbox_batch", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_batch_dedupe_key")
        for name in ("dedupe_key", "expires_at", "size", "learner_ids", "purpose"):
            batch_op.drop_column(name)
