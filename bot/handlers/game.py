"""A live class game in a LINE group (issue 18): the trainer's commands and the members' answers.

The trainer (their LINE account linked in /admin) types "เริ่มเกม", "ข้อต่อไป" and "จบเกม" in a group linked
to their class; each of those messages has a reply token, and the reply carries the last question's result
and the next question (or the podium), so a game never pushes. Members' answers are postbacks and get no
reply at all. Rules and storage: bot/trainers/games.py; words and Flex: bot/voice/games.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from linebot.v3.webhooks import Event, MessageEvent, PostbackEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext
from bot.storage.games import ClassGame, GameStatus
from bot.storage.trainers import Classroom, Role, Trainer
from bot.trainers import audit, trainer_line
from bot.trainers import games as rules
from bot.voice import games as say
from bot.voice.ui import text


@dataclass(frozen=True)
class Command:
    word: str  # START, NEXT or END
    teams: int = 0
    timed: bool = True


def read_command(message: str) -> Command | None:
    """ "เริ่มเกม", "เริ่มเกม ทีม", "เริ่มเกม ทีม 3 ไม่จับเวลา", "ข้อต่อไป", "จบเกม"; None for anything else."""
    words = message.split()
    if not words:
        return None
    if words[0] in (say.NEXT, say.END) and len(words) == 1:
        return Command(words[0])
    if words[0] != say.START:
        return None
    teams, timed, rest = 0, True, words[1:]
    while rest:
        word = rest.pop(0)
        if word == say.UNTIMED_WORD:
            timed = False
        elif word == say.TEAM_WORD:
            teams = 2
            if rest and rest[0].isdecimal() and 2 <= int(rest[0]) <= rules.MAX_TEAMS:
                teams = int(rest.pop(0))
        else:
            return None
    return Command(say.START, teams, timed)


def group_of(event: Event) -> str | None:
    source = getattr(event, "source", None)
    return getattr(source, "group_id", None) or getattr(source, "room_id", None)


def user_of(event: Event) -> str | None:
    return getattr(getattr(event, "source", None), "user_id", None)


def link_code(event: MessageEvent, context: HandlerContext) -> list[MessageJSON] | None:
    """ "รหัสครู 4K7QM2XP" (in a group or one-to-one) links this LINE account to the trainer.

    None: the text is not a code."""
    code = trainer_line.read_link_code(event.message.text)
    user = user_of(event)
    if code is None or user is None:
        return None
    linking = trainer_line.link_account(context.session, code=code, user_id=user, now=context.now)
    if linking.wait is not None:
        return [text(say.LINK_WAIT.format(minutes=linking.wait_minutes))]
    trainer = linking.trainer
    if trainer is None:
        return [text(say.LINK_BAD_CODE)]
    audit.record(
        context.session,
        None,
        "trainer.line_link",
        f"{trainer.username} linked their LINE account",
        now=context.now,
        actor=trainer.display_name,
    )
    return [text(say.LINKED.format(name=trainer.display_name))]


def typed(event: MessageEvent, context: HandlerContext) -> list[MessageJSON] | None:
    """A game command typed in a group; None when the text is not one (other group handling goes on)."""
    command = read_command(event.message.text)
    group_id = group_of(event)
    if command is None or group_id is None:
        return None
    session = context.session
    trainer = trainer_line.trainer_by_line(session, user_of(event))
    classroom = rules.class_of_group(session, group_id, trainer) if trainer else None
    if trainer is None or classroom is None:
        if trainer is not None:
            return [text(say.NOT_LINKED)]
        # Anyone else: at most one short answer every few minutes per linked group, never a flood.
        hint = command.word == say.START and rules.may_hint(session, group_id, context.now)
        return [text(say.ONLY_TRAINER)] if hint else []
    game = rules.current_game(session, group_id)
    if game is not None and not _may_run(trainer, game, classroom):
        return []
    if command.word == say.START:
        if game is not None and game.status is GameStatus.PLAYING:
            return [text(say.ALREADY_PLAYING)]
        if game is None:
            items = rules.pick_items(context.content)
            if not items:
                return [text(say.NO_QUESTIONS)]
            game = rules.prepare(
                session,
                classroom=classroom,
                group_id=group_id,
                trainer_id=trainer.id,
                items=items,
                timed=command.timed,
                teams=command.teams,
                now=context.now,
            )
            _audit_start(context, trainer, classroom, game)
        return _first(context, game)
    if game is None:
        return [text(say.NO_GAME)]
    if game.status is GameStatus.WAITING:  # prepared in /admin: "ข้อต่อไป" shows the first question
        return _first(context, game) if command.word == say.NEXT else _finish(context, game, [])
    if command.word == say.END:
        return _finish(context, game, _result(context, game))
    return _advance(context, game)


def _may_run(trainer: Trainer, game: ClassGame, classroom: Classroom) -> bool:
    return trainer.role is Role.ADMIN or game.class_id == classroom.id


def _audit_start(context: HandlerContext, trainer: Trainer, classroom: Classroom, game: ClassGame) -> None:
    audit.record(
        context.session,
        None,
        "game.start",
        f"Started a game in a LINE group of class {classroom.name}",
        now=context.now,
        actor=trainer.display_name,
        detail={"class_ids": [classroom.id], "game_id": game.id, "group_id": game.group_id},
    )


def _first(context: HandlerContext, game: ClassGame) -> list[MessageJSON]:
    """The opening: a word on how to play, the team buttons in team mode, and the first question."""
    opening = [say.started(game.seconds)]
    if game.teams:
        opening.append(say.team_message(game.id or 0, game.teams))
    return opening + _show_from(context, game, 0, ending=[])


def _advance(context: HandlerContext, game: ClassGame) -> list[MessageJSON]:
    """ "ข้อต่อไป": the result of the question on screen, then the next one (or the podium after the last)."""
    return _show_from(context, game, game.current + 1, ending=_result(context, game))


def _show_from(
    context: HandlerContext, game: ClassGame, index: int, *, ending: list[MessageJSON]
) -> list[MessageJSON]:
    """Show the first question from `index` that the content still has; the podium when none is left."""
    for at in range(index, len(game.items)):
        question = rules.item(context.content, game.items[at])
        if question is None:
            continue  # removed from the content since the game was made
        rules.show(context.session, game, at, context.now)
        shown = say.question_message(
            question, game_id=game.id or 0, index=at, total=len(game.items), seconds=game.seconds
        )
        return [*ending, shown]
    return _finish(context, game, ending)


def _result(context: HandlerContext, game: ClassGame) -> list[MessageJSON]:
    if game.status is not GameStatus.PLAYING or game.current < 0:
        return []
    question = rules.item(context.content, game.items[game.current])
    if question is None:
        return []
    return [say.result_message(question, rules.item_result(context.session, game, game.current))]


def _finish(context: HandlerContext, game: ClassGame, ending: list[MessageJSON]) -> list[MessageJSON]:
    places = rules.podium(context.session, game)
    rules.end(context.session, game, context.now)
    return [*ending, say.podium_message(places)]


# ----- members' taps -----------------------------------------------------------------------------------


def pressed(event: PostbackEvent, context: HandlerContext) -> list[MessageJSON]:
    """A member tapped an answer or a team: recorded silently (never a reply in the group)."""
    try:
        params = dict(parse_qsl(event.postback.data or "", max_num_fields=8))
    except ValueError:
        return []
    action, game_id = params.get("a"), params.get("g", "")
    group_id = group_of(event)
    if action not in (say.ANSWER, say.TEAM) or not game_id.isdecimal() or group_id is None:
        return []
    game = context.session.get(ClassGame, int(game_id))
    if game is None or game.group_id != group_id:
        return []
    user = user_of(event)
    if action == say.TEAM:
        team = params.get("t", "")
        if team.isdecimal():
            rules.pick_team(context.session, game, user, int(team), context.now)
        return []
    index = params.get("n", "")
    if index.isdecimal():
        rules.answer(
            context.session,
            context.content,
            game=game,
            index=int(index),
            choice=params.get("c", ""),
            user_id=user,
            event_id=event.webhook_event_id,
            now=context.now,
            zone=context.zone,
        )
    return []
