"""Live class games in a LINE group (issue 18): the rules, below the group handler and the /admin pages.

A trainer links their own LINE account once (bot/trainers/trainer_line.py), then, in a
LINE group linked to one of their classes, types "เริ่มเกม": one question at a time (a quiz question or a
"จริงหรือหลอก?" drill) appears as one Flex message; members answer with its buttons (postbacks), recorded
silently; "ข้อต่อไป" shows the result of the question and the next one; after the last (or "จบเกม") comes
the podium. Each trainer message carries a reply token, so the whole game is sent by reply: no push quota.

Counting: the first answer of each member to the question on screen counts; a second answer, an answer to
a question no longer on screen, an answer after the time limit (timed mode) and a replayed webhook event do
nothing. A member LINE gives no user ID for is an anonymous player, one per answer (keyed by the event).
When the member is a learner of Ruthan, the answer also goes into their progress and review, as a quiz
answer (`Attempt`, marked as practice) or a drill verdict (`DrillAnswer`, context "game").
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.content import Content, Question
from bot.drills.answers import Verdict
from bot.drills.content import Drill
from bot.learning import drill_answers, review
from bot.learning.membership import awaiting_parent
from bot.learning.reminders import BANGKOK
from bot.storage.games import ClassGame, GameAnswer, GamePlayer, GameStatus
from bot.storage.models import Attempt, DrillContext, Learner
from bot.storage.trainers import ClassGroup, Classroom, Role, Trainer

GAME_SECONDS = 30  # how long a question stays open in the timed mode
DEFAULT_ITEMS = 5
MAX_ITEMS = 10
MAX_TEAMS = 4
HINT_EVERY = timedelta(minutes=10)  # a non-trainer's "เริ่มเกม" is answered at most this often per group
REVIEW_SCHEDULER = review.make_scheduler()
# What a game can be made of (the /admin form): a mix, drills only, or one module's quiz ("module:<id>").
MIX, DRILLS = "mix", "drills"


# ----- which class a group plays for ---------------------------------------------------------------------


def class_of_group(session: Session, group_id: str, trainer: Trainer) -> Classroom | None:
    """The trainer's (an admin: any) class this group is linked to and approved for; the oldest if several."""
    query = (
        select(Classroom)
        .join(ClassGroup, col(ClassGroup.class_id) == Classroom.id)
        .where(
            ClassGroup.group_id == group_id,
            col(ClassGroup.approved_at).is_not(None),
            col(Classroom.archived).is_(False),
        )
        .order_by(col(Classroom.id))
    )
    if trainer.role is not Role.ADMIN:
        query = query.where(Classroom.owner_id == trainer.id)
    return session.exec(query).first()


def may_hint(session: Session, group_id: str, now: datetime) -> bool:
    """Whether to tell a non-trainer who typed "เริ่มเกม" who can start a game: only in a linked group, and
    at most once every HINT_EVERY there (a whole class typing it gets one answer)."""
    rows = list(
        session.exec(
            select(ClassGroup).where(
                ClassGroup.group_id == group_id, col(ClassGroup.approved_at).is_not(None)
            )
        )
    )
    if not rows or any(row.game_hint_at and now - row.game_hint_at < HINT_EVERY for row in rows):
        return False
    for row in rows:
        row.game_hint_at = now
        session.add(row)
    return True


# ----- questions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One question of a game, whatever it is made of."""

    key: str  # "q:<id>" or "d:<id>"
    question: Question | None = None
    drill: Drill | None = None

    @property
    def correct(self) -> str:
        if self.drill is not None:
            return self.drill.verdict
        assert self.question is not None
        return str(self.question.answer)

    def choices(self) -> list[str]:
        if self.drill is not None:
            return [str(v) for v in Verdict]
        assert self.question is not None
        return [str(index) for index in range(len(self.question.options))]

    def is_correct(self, choice: str) -> bool:
        return choice == self.correct


def item(content: Content, key: str) -> Item | None:
    """The question behind an item key; None when the content no longer has it (it is skipped)."""
    kind, _, ident = key.partition(":")
    if kind == "q" and ident in content.questions:
        return Item(key, question=content.questions[ident][1])
    if kind == "d" and (drill := content.drills.get(ident)) is not None:
        return Item(key, drill=drill)
    return None


def pick_items(
    content: Content, source: str = MIX, count: int = DEFAULT_ITEMS, rng: random.Random | None = None
) -> list[str]:
    """Item keys for a new game: a mix of quiz questions and practice drills (alternating), drills only, or
    one module's quiz (`module:<id>`, in the quiz's order)."""
    rng = rng or random.Random()
    count = max(1, min(MAX_ITEMS, count))
    if source.startswith("module:"):
        lesson = content.lessons.get(source.removeprefix("module:"))
        return [f"q:{q.id}" for q in lesson.questions][:count] if lesson else []
    reserved = content.drills.final_ids()
    drills = [f"d:{i}" for i in sorted(content.drills.drills) if i not in reserved]
    questions = [f"q:{i}" for i in sorted(content.questions)]
    rng.shuffle(drills)
    rng.shuffle(questions)
    if source == DRILLS and drills:
        return drills[:count]
    mixed = [key for pair in zip(questions, drills, strict=False) for key in pair]
    longer = questions if len(questions) > len(drills) else drills
    mixed += longer[min(len(questions), len(drills)) :]
    return mixed[:count]


# ----- a game's life ------------------------------------------------------------------------------------


def current_game(session: Session, group_id: str) -> ClassGame | None:
    """The group's game waiting or being played (at most one at a time)."""
    return session.exec(
        select(ClassGame)
        .where(ClassGame.group_id == group_id, ClassGame.status != GameStatus.ENDED)
        .order_by(col(ClassGame.id).desc())
    ).first()


def prepare(
    session: Session,
    *,
    classroom: Classroom,
    group_id: str,
    trainer_id: int | None,
    items: Sequence[str],
    timed: bool,
    teams: int,
    now: datetime,
) -> ClassGame:
    game = ClassGame(
        class_id=classroom.id or 0,
        group_id=group_id,
        trainer_id=trainer_id,
        items=list(items),
        seconds=GAME_SECONDS if timed else None,
        teams=teams if 2 <= teams <= MAX_TEAMS else 0,
        created_at=now,
    )
    session.add(game)
    session.flush()
    return game


def show(session: Session, game: ClassGame, index: int, now: datetime) -> None:
    """Put question `index` on screen: from now on only its answers count."""
    game.status, game.current, game.opened_at = GameStatus.PLAYING, index, now
    game.started_at = game.started_at or now
    session.add(game)


def end(session: Session, game: ClassGame, now: datetime) -> None:
    """The game is over: no answer counts any more, and its players' LINE user IDs are forgotten."""
    game.status, game.ended_at = GameStatus.ENDED, now
    session.add(game)
    session.exec(update(GamePlayer).where(col(GamePlayer.game_id) == game.id).values(user_id=None))


def is_open(game: ClassGame, index: int, now: datetime) -> bool:
    if game.status is not GameStatus.PLAYING or index != game.current or game.opened_at is None:
        return False
    return game.seconds is None or now <= game.opened_at + timedelta(seconds=game.seconds)


class Counted(StrEnum):
    COUNTED = "counted"
    LATE = "late"  # not the question on screen, or its time is up
    AGAIN = "again"  # this member already answered it (or this event was counted)
    INVALID = "invalid"  # not an answer to this game


def player(session: Session, game: ClassGame, user_id: str | None, now: datetime) -> GamePlayer:
    """The member's player row (made on their first answer or team pick); a new anonymous one without ID."""
    if user_id:
        found = session.exec(
            select(GamePlayer).where(GamePlayer.game_id == game.id, GamePlayer.user_id == user_id)
        ).first()
        if found is not None:
            return found
    row = GamePlayer(game_id=game.id or 0, user_id=user_id, joined_at=now)
    if game.teams:
        row.team = _smallest_team(session, game)
    session.add(row)
    session.flush()
    return row


def _smallest_team(session: Session, game: ClassGame) -> int:
    sizes = dict(
        session.exec(
            select(GamePlayer.team, func.count())
            .where(GamePlayer.game_id == game.id, col(GamePlayer.team).is_not(None))
            .group_by(col(GamePlayer.team))
        ).all()
    )
    return min(range(game.teams), key=lambda team: (sizes.get(team, 0), team))


def pick_team(session: Session, game: ClassGame, user_id: str | None, team: int, now: datetime) -> bool:
    """A member picks their team (before their first answer, or to move); False: not possible."""
    if not user_id or not game.teams or not 0 <= team < game.teams or game.status is GameStatus.ENDED:
        return False
    row = player(session, game, user_id, now)
    row.team = team
    session.add(row)
    return True


def answer(
    session: Session,
    content: Content,
    *,
    game: ClassGame,
    index: int,
    choice: str,
    user_id: str | None,
    event_id: str,
    now: datetime,
    zone: ZoneInfo = BANGKOK,
) -> Counted:
    """Record a member's answer, silently. Only the first answer of a member to the open question counts."""
    if not 0 <= index < len(game.items) or (question := item(content, game.items[index])) is None:
        return Counted.INVALID
    if choice not in question.choices():
        return Counted.INVALID
    if not is_open(game, index, now):
        return Counted.LATE
    if session.exec(select(GameAnswer.id).where(GameAnswer.event_id == event_id)).first() is not None:
        return Counted.AGAIN
    member = player(session, game, user_id, now)
    taken = select(GameAnswer.id).where(
        GameAnswer.game_id == game.id, GameAnswer.item == index, GameAnswer.player_id == member.id
    )
    if session.exec(taken).first() is not None:
        return Counted.AGAIN
    correct = question.is_correct(choice)
    learner = _learner(session, user_id)
    session.add(
        GameAnswer(
            game_id=game.id or 0,
            item=index,
            player_id=member.id or 0,
            event_id=event_id,
            choice=choice,
            correct=correct,
            learner_id=learner.id if learner else None,
            answered_at=now,
        )
    )
    if learner is not None:
        _feed_learner(session, content, learner, question, choice, correct, now, zone)
    return Counted.COUNTED


def _learner(session: Session, user_id: str | None) -> Learner | None:
    """The member as a learner whose answers may be kept: consented, and not waiting for a parent."""
    if not user_id:
        return None
    learner = session.exec(select(Learner).where(Learner.line_user_id == user_id)).first()
    if learner is None or learner.consented_at is None or awaiting_parent(learner):
        return None
    return learner


def _feed_learner(
    session: Session,
    content: Content,
    learner: Learner,
    question: Item,
    choice: str,
    correct: bool,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """The learner's own record: a quiz answer (practice: not part of a module's score) or a drill verdict;
    either way a miss comes back in their spaced review."""
    learner_id = learner.id or 0
    if question.drill is not None:
        drill_answers.record(
            session,
            learner_id=learner_id,
            drill_id=question.drill.id,
            verdict=Verdict(choice),
            correct=correct,
            context=DrillContext.GAME,
            now=now,
            scheduler=REVIEW_SCHEDULER,
            zone=zone,
        )
        return
    assert question.question is not None
    lesson = content.questions[question.question.id][0]
    session.add(
        Attempt(
            learner_id=learner_id,
            module_id=lesson.id,
            question_id=question.question.id,
            choice=int(choice),
            correct=correct,
            review=True,
            answered_at=now,
        )
    )
    review.record_answer(
        session,
        learner_id=learner_id,
        question_id=question.question.id,
        correct=correct,
        now=now,
        scheduler=REVIEW_SCHEDULER,
        zone=zone,
    )


# ----- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    number: int  # 1-based
    answered: int
    correct: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


def item_result(session: Session, game: ClassGame, index: int) -> ItemResult:
    answered, correct = session.exec(
        select(func.count(), func.count().filter(col(GameAnswer.correct).is_(True))).where(
            GameAnswer.game_id == game.id, GameAnswer.item == index
        )
    ).one()
    return ItemResult(index + 1, int(answered or 0), int(correct or 0))


@dataclass(frozen=True)
class Place:
    rank: int  # 1, 2, 3; equal scores share a rank
    points: int
    user_id: str | None = None  # a member (None: anonymous)
    team: int | None = None  # in team mode
    players: int = 0  # in team mode: how many played in the team


def _ranked(scored: list[tuple[int, Place]], top: int = 3, *, zero: bool = False) -> list[Place]:
    """Places 1-3 with ties: equal points share a rank, and the next rank skips (1, 1, 3). No points, no
    place, except for teams (`zero`): every team that played is named."""
    scored.sort(key=lambda pair: -pair[0])
    placed: list[Place] = []
    for position, (points, place) in enumerate(scored):
        rank = placed[-1].rank if placed and placed[-1].points == points else position + 1
        if rank > top or (points <= 0 and not zero):
            break
        placed.append(Place(rank, points, place.user_id, place.team, place.players))
    return placed


def podium(session: Session, game: ClassGame) -> list[Place]:
    """The top three players (or teams, in team mode) by right answers; read before `end` forgets IDs."""
    rows = session.exec(
        select(GamePlayer.id, GamePlayer.user_id, GamePlayer.team, func.count(col(GameAnswer.id)))
        .join(GameAnswer, col(GameAnswer.player_id) == GamePlayer.id)
        .where(GamePlayer.game_id == game.id, col(GameAnswer.correct).is_(True))
        .group_by(col(GamePlayer.id), col(GamePlayer.user_id), col(GamePlayer.team))
        .order_by(col(GamePlayer.id))
    ).all()
    if not game.teams:
        return _ranked([(int(points), Place(0, 0, user_id=user)) for _, user, _, points in rows])
    sizes = dict(
        session.exec(
            select(GamePlayer.team, func.count())
            .where(GamePlayer.game_id == game.id, col(GamePlayer.team).is_not(None))
            .group_by(col(GamePlayer.team))
        ).all()
    )
    totals = {team: 0 for team in sizes}
    for _, _, team, points in rows:
        if team is not None:
            totals[team] = totals.get(team, 0) + int(points)
    return _ranked(
        [
            (points, Place(0, 0, team=team, players=sizes.get(team, 0)))
            for team, points in sorted(totals.items())
        ],
        zero=True,
    )


@dataclass(frozen=True)
class GameSummary:
    """A game on the class dashboard."""

    game_id: int
    played_at: datetime
    questions: int  # shown
    players: int
    answers: int
    correct: int
    timed: bool
    teams: int
    status: GameStatus

    @property
    def percent(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


def summaries(session: Session, class_id: int) -> list[GameSummary]:
    """The class's games, newest first."""
    games = list(
        session.exec(
            select(ClassGame).where(ClassGame.class_id == class_id).order_by(col(ClassGame.id).desc())
        )
    )
    if not games:
        return []
    ids = [game.id for game in games]
    counts = {
        game_id: (int(answers), int(correct or 0), int(players))
        for game_id, answers, correct, players in session.exec(
            select(
                GameAnswer.game_id,
                func.count(),
                func.count().filter(col(GameAnswer.correct).is_(True)),
                func.count(func.distinct(GameAnswer.player_id)),
            )
            .where(col(GameAnswer.game_id).in_(ids))
            .group_by(col(GameAnswer.game_id))
        ).all()
    }
    return [
        GameSummary(
            game_id=game.id or 0,
            played_at=game.started_at or game.created_at,
            questions=game.current + 1,
            players=counts.get(game.id or 0, (0, 0, 0))[2],
            answers=counts.get(game.id or 0, (0, 0, 0))[0],
            correct=counts.get(game.id or 0, (0, 0, 0))[1],
            timed=game.seconds is not None,
            teams=game.teams,
            status=game.status,
        )
        for game in games
    ]
