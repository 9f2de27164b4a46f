"""class_game, game_player, game_answer: live class games in a LINE group; trainer.line_user_id

A trainer links their own LINE account once (a one-time code shown in /admin, typed to the bot), then runs
games in the LINE groups linked to their classes: one Flex message per question, answers recorded silently,
a result per question and a final podium. class_group.game_hint_at keeps non-trainers' "เริ่มเกม" from
drawing more than one reply every few minutes.

Revision ID: 0025_class_games
Revises: 0024_assignments
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.columns import UtcDateTime

revision: str = "0025_class_games"
down_revision: str | Sequence[str] | None = "0024_assignments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trainer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line_user_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("line_code", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("line_code_expires_at", UtcDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_trainer_line_user_id", ["line_user_id"])
        batch_op.create_unique_constraint("uq_trainer_line_code", ["line_code"])
    with op.batch_alter_table("class_group", schema=None) as batch_op:
        batch_op.add_column(sa.Column("game_hint_at", UtcDateTime(timezone=True), nullable=True))
    op.create_table(
        "class_game",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "class_id", sa.Integer(), sa.ForeignKey("classroom.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column(
            "trainer_id", sa.Integer(), sa.ForeignKey("trainer.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column(
            "status",
            sa.Enum("waiting", "playing", "ended", name="gamestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("teams", sa.Integer(), nullable=False),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_class_game_class_id", "class_game", ["class_id"])
    op.create_index("ix_class_game_group_status", "class_game", ["group_id", "status"])
    op.create_table(
        "game_player",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "game_id", sa.Integer(), sa.ForeignKey("class_game.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("team", sa.Integer(), nullable=True),
        sa.Column("joined_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_game_player_game_user", "game_player", ["game_id", "user_id"], unique=True)
    op.create_table(
        "game_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "game_id", sa.Integer(), sa.ForeignKey("class_game.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column(
            "player_id", sa.Integer(), sa.ForeignKey("game_player.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column(
            "learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("answered_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_game_answer_player_item", "game_answer", ["game_id", "item", "player_id"], unique=True
    )
    op.create_index("ix_game_answer_event", "game_answer", ["event_id"], unique=True)


def downgrade() -> None:
    op.drop_table("game_answer")
    op.drop_table("game_player")
    op.drop_table("class_game")
    with op.batch_alter_table("class_group", schema=None) as batch_op:
        batch_op.drop_column("game_hint_at")
    with op.batch_alter_table("trainer", schema=None) as batch_op:
        batch_op.drop_constraint("uq_trainer_line_code", type_="unique")
        batch_op.drop_constraint("uq_trainer_line_user_id", type_="unique")
        batch_op.drop_column("line_code_expires_at")
        batch_op.drop_column("line_code")
        batch_op.drop_column("line_user_id")
