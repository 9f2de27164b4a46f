"""Tables for live class games in a LINE group (issue 18): a game, its players and their answers.

A game belongs to a class and is played in one of the class's linked LINE groups. Players are group members
who answered; a member's LINE user ID is kept only while the game runs (to count one answer per member per
question, to keep their team and to name the podium) and is cleared when the game ends. A member whose user
ID LINE leaves out is an anonymous player, one per answer. Rules: bot/trainers/games.py.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from bot.storage.models import _enum_column, _utc_column


class GameStatus(StrEnum):
    # Prepared in /admin: the first question appears when the trainer says so in the group.
    WAITING = "waiting"
    PLAYING = "playing"  # a question is on screen (`current`)
    ENDED = "ended"


class ClassGame(SQLModel, table=True):
    __tablename__ = "class_game"
    __table_args__ = (Index("ix_class_game_group_status", "group_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(
        sa_column=Column(Integer, ForeignKey("classroom.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    group_id: str = Field(sa_column=Column(String(64), nullable=False))
    trainer_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("trainer.id", ondelete="SET NULL"), nullable=True)
    )
    status: GameStatus = Field(default=GameStatus.WAITING, sa_column=_enum_column(GameStatus))
    # The questions, in order: "q:<question id>" (a quiz question) or "d:<drill id>" (a drill).
    items: list = Field(sa_column=Column(JSON, nullable=False))
    current: int = -1  # index of the question on screen; -1 before the first
    # Seconds a question stays open after it is shown; None: untimed (open until "ข้อต่อไป").
    seconds: int | None = None
    teams: int = 0  # 0: everyone for themselves; 2-4: members play in that many teams
    opened_at: datetime | None = Field(default=None, sa_column=_utc_column())  # the current question's
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=_utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column())


class GamePlayer(SQLModel, table=True):
    __tablename__ = "game_player"
    __table_args__ = (Index("ix_game_player_game_user", "game_id", "user_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    game_id: int = Field(
        sa_column=Column(Integer, ForeignKey("class_game.id", ondelete="CASCADE"), nullable=False)
    )
    # While the game runs; cleared at its end, and by the learner's erasure. None: anonymous.
    user_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    team: int | None = None  # 0-based, in team mode
    joined_at: datetime = Field(sa_column=_utc_column(nullable=False))


class GameAnswer(SQLModel, table=True):
    __tablename__ = "game_answer"
    __table_args__ = (
        Index("ix_game_answer_player_item", "game_id", "item", "player_id", unique=True),
        Index("ix_game_answer_event", "event_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    game_id: int = Field(
        sa_column=Column(Integer, ForeignKey("class_game.id", ondelete="CASCADE"), nullable=False)
    )
    item: int  # index into the game's items
    player_id: int = Field(
        sa_column=Column(Integer, ForeignKey("game_player.id", ondelete="CASCADE"), nullable=False)
    )
    # The webhook event that brought it: a replay never counts twice (anonymous answers have no player key).
    event_id: str = Field(sa_column=Column(String(64), nullable=False))
    choice: str = Field(max_length=8)  # an option's index, or a drill verdict (real, scam, unsure)
    correct: bool
    # The member is a learner: the answer also went into their progress and review. Cleared by erasure.
    learner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("learner.id", ondelete="SET NULL"), nullable=True)
    )
    answered_at: datetime = Field(sa_column=_utc_column(nullable=False))
