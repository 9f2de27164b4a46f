"""A live class game in a LINE group (issue 18), as conversations: the trainer links their LINE account,
types "เริ่มเกม" in the class's group, members answer with the question's buttons (silently), "ข้อต่อไป"
shows the result and the next question, "จบเกม" (or the last question) the podium; all by reply."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.learning.membership import CODE_MAX_FAILURES
from bot.storage.games import ClassGame, GameAnswer, GamePlayer, GameStatus
from bot.storage.models import Attempt, DrillAnswer, DrillContext, ReviewCard
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, Reply, event, postback_event, text_event, user_id
from tests.test_admin_pages import browser_sign_in
from tests.test_classes import groups_of
from tests.test_learning_loop import learner, onboard, rows
from tests.trainer_support import FAST_PASSWORDS, make_trainer, new_class, sign_in, tbot

__all__ = ["tbot"]
GROUP_ID = "C" + "5" * 32
TEACHER = user_id("kru-somsri-line")


def in_group(body: dict[str, Any], user: str | None, group: str = GROUP_ID) -> dict[str, Any]:
    """The same event as LINE sends it from a group; `user` None: a member LINE gives no user ID for."""
    body["source"] = {"type": "group", "groupId": group} | ({"userId": user} if user else {})
    return body


async def say_in_group(bot: BotUnderTest, user: str | None, words: str, group: str = GROUP_ID) -> Reply:
    return await bot.send(in_group(text_event(user or "x", words), user, group))


async def tap_in_group(bot: BotUnderTest, user: str | None, data: str) -> Reply:
    return await bot.send(in_group(postback_event(user or "x", data), user))


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A Flex message's buttons: label -> postback data."""
    found: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button":
                found[node["action"]["label"]] = node["action"]["data"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(message.get("contents"))
    return found


def game_row(bot: BotUnderTest) -> ClassGame:
    """The latest game."""
    return max(rows(bot, ClassGame), key=lambda game: game.id)


def answer_data(bot: BotUnderTest, question: dict[str, Any], *, right: bool) -> str:
    """The data of the question's right (or a wrong) button, read from the game's questions."""
    game = game_row(bot)
    key = game.items[game.current]
    kind, _, ident = key.partition(":")
    if kind == "q":
        correct = str(bot.content.questions[ident][1].answer)
    else:
        drill = bot.content.drills.get(ident)
        assert drill is not None
        correct = drill.verdict
    for data in buttons(question).values():
        choice = dict(part.split("=") for part in data.split("&"))["c"]
        if (choice == correct) == right:
            return data
    raise AssertionError("no such button")


async def class_with_group(bot: BotUnderTest) -> tuple[dict[str, str], dict[str, Any]]:
    """A trainer, their class, the class's LINE group linked and approved."""
    make_trainer(bot, "somsri", name="ครูสมศรี")
    headers = await sign_in(bot, "somsri")
    classroom = await new_class(bot, headers, "ป.5/2")
    await say_in_group(bot, TEACHER, f"เชื่อมห้อง {classroom['code']}")
    [group] = await groups_of(bot, headers, classroom["id"])
    approved = await bot.http.post(
        f"/api/v1/classes/{classroom['id']}/groups/{group['id']}/approve", headers=headers
    )
    assert approved.status_code == 200
    return headers, classroom


async def link_teacher(bot: BotUnderTest, headers: dict[str, str], where: str = "chat") -> Reply:
    """The trainer asks /admin for a one-time code and types it to the bot from their own LINE."""
    code = (await bot.http.post("/api/v1/me/line/code", headers=headers)).json()["code"]
    if where == "chat":
        return await bot.say(TEACHER, f"รหัสครู {code}")
    return await say_in_group(bot, TEACHER, f"รหัสครู {code.lower()}")


async def ready(bot: BotUnderTest) -> tuple[dict[str, str], dict[str, Any]]:
    headers, classroom = await class_with_group(bot)
    linked = await link_teacher(bot, headers)
    assert "ผูกบัญชี LINE นี้กับ ครูสมศรี แล้วค่ะ" in linked.text
    assert (await bot.http.get("/api/v1/me/line", headers=headers)).json()["linked"] is True
    return headers, classroom


def paths(*replies: Reply) -> set[str]:
    return {call.path for reply in replies for call in reply.calls}


async def test_a_whole_game_in_a_group(tbot: BotUnderTest) -> None:
    headers, classroom = await ready(tbot)
    ploy, nok = user_id("ploy"), user_id("nok")
    await onboard(tbot, ploy, "บุคคลทั่วไป")  # a learner of Ruthan; nok is only a group member

    start = await say_in_group(tbot, TEACHER, "เริ่มเกม")
    assert len(start.messages) == 2 and "เริ่มเกมแล้วค่ะ" in start.texts[0] and "30 วินาที" in start.texts[0]
    first = start.messages[1]
    assert first["type"] == "flex" and "ข้อ 1/5" in start.texts[1]
    assert all(len(data) < 40 and "displayText" not in data for data in buttons(first).values())

    # Answers are recorded and get no reply at all: the group is never flooded.
    silent = [
        await tap_in_group(tbot, ploy, answer_data(tbot, first, right=True)),
        await tap_in_group(tbot, nok, answer_data(tbot, first, right=False)),
        await tap_in_group(tbot, nok, answer_data(tbot, first, right=True)),  # a second answer: not counted
        await tap_in_group(tbot, ploy, answer_data(tbot, first, right=False)),  # and ploy changing her mind
    ]
    anonymous = in_group(postback_event("x", answer_data(tbot, first, right=True)), None)  # no user ID
    silent.append(await tbot.send(anonymous))
    silent.append(await tbot.send(anonymous))  # LINE redelivers the same event: counted once
    assert all(reply.calls == [] for reply in silent)
    counted = rows(tbot, GameAnswer)
    assert sorted(answer.correct for answer in counted) == [False, True, True]  # ploy, nok's first, anonymous

    # Members who are not the trainer typing "เริ่มเกม": one short answer, then silence.
    hint = await say_in_group(tbot, nok, "เริ่มเกม")
    assert hint.texts == ["เกมนี้ครูของห้องเป็นผู้เริ่มค่ะ 😊 รอครูพิมพ์ “เริ่มเกม” นะคะ"]
    assert (await say_in_group(tbot, ploy, "เริ่มเกม")).calls == []
    assert (await say_in_group(tbot, None, "ข้อต่อไป")).calls == []

    q1_right = answer_data(tbot, first, right=True)
    second = await say_in_group(tbot, TEACHER, "ข้อต่อไป")
    assert second.texts[0].startswith("ผลข้อ 1: ตอบ 3 คน ถูก 2 คน (67%)\nคำตอบที่ถูก:")
    assert "ข้อ 2/5" in second.texts[1]
    q2 = second.messages[1]
    late = await tap_in_group(tbot, user_id("slow"), q1_right)
    assert late.calls == []  # question 1 is closed: not counted
    await tap_in_group(tbot, nok, answer_data(tbot, q2, right=True))
    tbot.clock.advance(seconds=31)
    await tap_in_group(tbot, ploy, answer_data(tbot, q2, right=True))  # after the 30 seconds: late

    third = await say_in_group(tbot, TEACHER, "ข้อต่อไป")
    assert third.texts[0].startswith("ผลข้อ 2: ตอบ 1 คน ถูก 1 คน (100%)")
    q3 = third.messages[1]
    await tap_in_group(tbot, ploy, answer_data(tbot, q3, right=False))
    await tap_in_group(tbot, nok, answer_data(tbot, q3, right=True))

    podium = await say_in_group(tbot, TEACHER, "จบเกม")
    assert podium.texts[0].startswith("ผลข้อ 3: ตอบ 2 คน ถูก 1 คน (50%)")
    final = podium.messages[1]
    assert final["type"] == "textV2"
    assert final["text"] == (
        "🏆 จบเกมแล้วค่ะ ผลการแข่งขัน\n🥇 {p0} 2 คะแนน\n🥈 {p1} 1 คะแนน\n🥈 ผู้เล่นไม่ระบุชื่อ 1 คะแนน\n"
        "ขอบคุณทุกคนที่ร่วมเล่นค่ะ 👏"
    )
    mentioned = [final["substitution"][key]["mentionee"]["userId"] for key in ("p0", "p1")]
    assert mentioned == [nok, ploy]

    # The whole game went by reply: no push, no quota.
    assert paths(start, second, third, podium, hint) == {"/v2/bot/message/reply"}
    game = game_row(tbot)
    assert game.status is GameStatus.ENDED
    assert all(player.user_id is None for player in rows(tbot, GamePlayer))  # forgotten once it is over
    assert (await say_in_group(tbot, ploy, "ข้อต่อไป")).calls == []
    assert (await tap_in_group(tbot, nok, answer_data(tbot, q3, right=True))).calls == []

    # Ploy is a learner: the answers went into her record and review (the miss comes back).
    me = learner(tbot, ploy)
    assert me is not None
    attempts = [(a.question_id, a.correct, a.review) for a in rows(tbot, Attempt) if a.learner_id == me.id]
    q1_id, q3_id = game.items[0].removeprefix("q:"), game.items[2].removeprefix("q:")
    assert sorted(attempts) == sorted([(q1_id, True, True), (q3_id, False, True)])
    assert [card.question_id for card in rows(tbot, ReviewCard) if card.learner_id == me.id] == [q3_id]

    # The class dashboard shows the game.
    [played] = (await tbot.http.get(f"/api/v1/classes/{classroom['id']}/games", headers=headers)).json()
    summary = (
        played["questions"],
        played["players"],
        played["answers"],
        played["correct"],
        played["percent"],
    )
    assert summary == (3, 3, 6, 4, 67)
    assert len({answer.player_id for answer in rows(tbot, GameAnswer)}) == 3


async def test_team_mode_ranks_teams(tbot: BotUnderTest) -> None:
    await ready(tbot)
    a, b, c = user_id("team-a"), user_id("team-b"), user_id("team-c")
    start = await say_in_group(tbot, TEACHER, "เริ่มเกม ทีม ไม่จับเวลา")
    assert len(start.messages) == 3 and "เลือกทีม" in start.texts[1] and "ตอบได้จนครูพิมพ์" in start.texts[2]
    teams = buttons(start.messages[1])
    assert list(teams) == ["ทีมแดง 🔴", "ทีมน้ำเงิน 🔵"]
    question = start.messages[2]
    assert (await tap_in_group(tbot, a, teams["ทีมน้ำเงิน 🔵"])).calls == []
    await tap_in_group(tbot, a, answer_data(tbot, question, right=True))
    await tap_in_group(tbot, b, answer_data(tbot, question, right=True))  # no team picked: put in the smaller
    await tap_in_group(tbot, c, teams["ทีมน้ำเงิน 🔵"])
    tbot.clock.advance(minutes=5)  # untimed: still open
    await tap_in_group(tbot, c, answer_data(tbot, question, right=True))
    podium = await say_in_group(tbot, TEACHER, "จบเกม")
    assert podium.texts[0].startswith("ผลข้อ 1: ตอบ 3 คน ถูก 3 คน (100%)")
    assert podium.texts[1] == (
        "🏆 จบเกมแล้วค่ะ ผลการแข่งขัน\n🥇 ทีมน้ำเงิน 🔵 2 คะแนน (2 คน)\n🥈 ทีมแดง 🔴 1 คะแนน (1 คน)\n"
        "ขอบคุณทุกคนที่ร่วมเล่นค่ะ 👏"
    )
    assert sorted(player.team for player in rows(tbot, GamePlayer)) == [0, 1, 1]


async def test_only_the_linked_trainer_runs_games_and_strangers_get_one_word_at_most(
    tbot: BotUnderTest,
) -> None:
    headers, classroom = await class_with_group(tbot)
    stranger = user_id("stranger")
    assert (await say_in_group(tbot, TEACHER, "เริ่มเกม")).texts == [
        "เกมนี้ครูของห้องเป็นผู้เริ่มค่ะ 😊 รอครูพิมพ์ “เริ่มเกม” นะคะ"
    ]  # not linked yet: the trainer is a member like any other
    assert (await say_in_group(tbot, stranger, "เริ่มเกม")).calls == []  # one hint per ten minutes
    guesser = user_id("guesser")
    for _ in range(CODE_MAX_FAILURES):
        wrong = await tbot.say(guesser, "รหัสครู ZZZZZZZZ")
        assert "รหัสครูนี้ใช้ไม่ได้" in wrong.text
    assert "ลองใหม่ได้ในอีก 15 นาที" in (await tbot.say(guesser, "รหัสครู ZZZZZZZZ")).text  # wrong codes wait
    assert learner(tbot, guesser) is None  # a code typed one-to-one makes no learner row
    linked = await link_teacher(tbot, headers, where="group")  # the code works typed in the group too
    assert "ผูกบัญชี LINE นี้กับ ครูสมศรี" in linked.text
    assert (await say_in_group(tbot, TEACHER, "ข้อต่อไป")).texts == ["ตอนนี้ยังไม่มีเกมค่ะ พิมพ์ “เริ่มเกม” เพื่อเริ่มได้เลย"]
    other_group = "C" + "6" * 32
    assert "ยังไม่ได้เชื่อมกับห้องเรียนของครู" in (await say_in_group(tbot, TEACHER, "เริ่มเกม", other_group)).text
    assert (await say_in_group(tbot, stranger, "เริ่มเกม", other_group)).calls == []  # unlinked: silence
    assert rows(tbot, ClassGame) == []
    # Unlinking in /admin: the trainer's LINE is a member like any other again.
    assert (await tbot.http.delete("/api/v1/me/line", headers=headers)).status_code == 204
    tbot.clock.advance(minutes=11)
    assert "ครูของห้องเป็นผู้เริ่ม" in (await say_in_group(tbot, TEACHER, "เริ่มเกม")).text
    assert rows(tbot, ClassGame) == [] and classroom["id"]


async def test_a_game_prepared_in_admin_starts_on_the_trainers_next_message(tbot: BotUnderTest) -> None:
    headers, classroom = await ready(tbot)
    [group] = await groups_of(tbot, headers, classroom["id"])
    tbot.line.take()
    body = {"group": group["id"], "source": "module:t-links", "count": 3, "timed": False}
    prepared = await tbot.http.post(f"/api/v1/classes/{classroom['id']}/games", json=body, headers=headers)
    assert prepared.status_code == 201 and prepared.json()["questions"] == 3
    await tbot.runtime.settle()
    assert tbot.line.take() == []  # nothing pushed: the trainer's next message in the group gives the token
    again = await tbot.http.post(f"/api/v1/classes/{classroom['id']}/games", json=body, headers=headers)
    assert again.status_code == 409
    first = await say_in_group(tbot, TEACHER, "ข้อต่อไป")
    assert "ข้อ 1/3" in first.texts[1] and "ตอบได้จนครูพิมพ์" in first.texts[1]
    assert game_row(tbot).items == ["q:t-links-q1", "q:t-links-q2", "q:t-links-q3"]
    member = user_id("member")
    tbot.clock.advance(minutes=3)
    await tap_in_group(tbot, member, answer_data(tbot, first.messages[1], right=True))
    for number in (2, 3):
        step = await say_in_group(tbot, TEACHER, "ข้อต่อไป")
        assert f"ข้อ {number}/3" in step.texts[1]
    last = await say_in_group(tbot, TEACHER, "ข้อต่อไป")  # after the last question: its result and the podium
    assert last.texts[0].startswith("ข้อ 3: ยังไม่มีใครตอบค่ะ")
    assert last.messages[1]["type"] == "textV2" and "🥇 {p0} 1 คะแนน" in last.messages[1]["text"]
    # The class page shows the game.
    await browser_sign_in(tbot, "somsri")
    page = await tbot.http.get(f"/admin/classes/{classroom['id']}")
    section = re.search(r'<section class="card" id="games">(.*?)</section>', page.text, re.S)
    assert section and "ไม่จับเวลา" in section.group(1) and "100%" in section.group(1)


@pytest.fixture
async def drill_bot(
    sqlite_url: str, real_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    """The bot on the real curriculum (the fixture one has no drills), on SQLite."""
    bot = BotUnderTest(sqlite_url, real_content, line, clock, simulator="open", **FAST_PASSWORDS)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def drill_game(bot: BotUnderTest) -> tuple[list[Reply], str]:
    """A two-drill game prepared in /admin, one learner answering the first drill right; returns the
    trainer's screens and the learner's LINE user ID."""
    headers, classroom = await ready(bot)
    [group] = await groups_of(bot, headers, classroom["id"])
    body = {"group": group["id"], "source": "drills", "count": 2}
    assert (
        await bot.http.post(f"/api/v1/classes/{classroom['id']}/games", json=body, headers=headers)
    ).is_success
    mali = user_id("mali")
    await onboard(bot, mali, "ผู้สูงอายุ")
    first = await say_in_group(bot, TEACHER, "เริ่มเกม")  # a prepared game starts with "เริ่มเกม" too
    await tap_in_group(bot, mali, answer_data(bot, first.messages[1], right=True))
    second = await say_in_group(bot, TEACHER, "ข้อต่อไป")
    await tap_in_group(bot, mali, answer_data(bot, second.messages[1], right=False))
    last = await say_in_group(bot, TEACHER, "ข้อต่อไป")
    return [first, second, last], mali


async def test_drills_in_a_game_go_into_the_learners_drill_record(drill_bot: BotUnderTest) -> None:
    (first, second, last), mali = await drill_game(drill_bot)
    assert "ข้อ 1/2" in first.text and "จริง หรือ หลอก" in first.text
    assert list(buttons(first.messages[1])) == ["จริง", "หลอก", "ไม่แน่ใจ"]
    assert "quickReply" not in first.messages[1]  # the buttons are in the bubble, for everyone in the group
    assert second.texts[0].startswith("ผลข้อ 1: ตอบ 1 คน ถูก 1 คน (100%)\nคำตอบที่ถูก: ")
    assert last.texts[0].startswith("ผลข้อ 2: ตอบ 1 คน ถูก 0 คน (0%)")
    assert "🥇 {p0} 1 คะแนน" in last.messages[1]["text"]
    me = learner(drill_bot, mali)
    assert me is not None
    game = game_row(drill_bot)
    judged = [
        (a.drill_id, a.correct, a.context) for a in rows(drill_bot, DrillAnswer) if a.learner_id == me.id
    ]
    assert judged == [
        (game.items[0].removeprefix("d:"), True, DrillContext.GAME),
        (game.items[1].removeprefix("d:"), False, DrillContext.GAME),
    ]
    cards = [card.question_id for card in rows(drill_bot, ReviewCard) if card.learner_id == me.id]
    assert cards == ["drill:" + game.items[1].removeprefix("d:")]  # the miss comes back in review


async def test_a_learner_who_erases_their_data_mid_game_leaves_no_trace(tbot: BotUnderTest) -> None:
    from tests.test_erasure import traces

    await ready(tbot)
    ploy = user_id("ploy-erases")
    await onboard(tbot, ploy, "บุคคลทั่วไป")
    me = learner(tbot, ploy)
    assert me is not None and me.id is not None
    start = await say_in_group(tbot, TEACHER, "เริ่มเกม")
    await tap_in_group(tbot, ploy, answer_data(tbot, start.messages[1], right=True))
    asked = await tbot.say(ploy, "ลบข้อมูลของฉัน")
    await tbot.tap(ploy, asked, "ลบเลย")
    assert traces(tbot, ploy, me.id) == set()
    result = await say_in_group(tbot, TEACHER, "จบเกม")  # her answer still counts, linked to no one
    assert result.texts[0].startswith("ผลข้อ 1: ตอบ 1 คน ถูก 1 คน")
    assert result.messages[1]["text"].splitlines()[1] == "🥇 ผู้เล่นไม่ระบุชื่อ 1 คะแนน"


async def test_a_game_ends_when_the_bot_leaves_the_group(tbot: BotUnderTest) -> None:
    await ready(tbot)
    start = await say_in_group(tbot, TEACHER, "เริ่มเกม")
    await tap_in_group(tbot, user_id("member"), answer_data(tbot, start.messages[1], right=True))
    left = await tbot.send(event("leave", "x", source={"type": "group", "groupId": GROUP_ID}))
    assert left.calls == []
    game = game_row(tbot)
    assert game.status is GameStatus.ENDED and [p.user_id for p in rows(tbot, GamePlayer)] == [None]


def test_equal_scores_share_a_medal_and_the_next_rank_is_skipped() -> None:
    from bot.trainers.games import Place, _ranked

    scored = [
        (points, Place(0, 0, user_id=name)) for name, points in (("a", 3), ("b", 3), ("c", 2), ("d", 1))
    ]
    assert [(p.rank, p.user_id) for p in _ranked(scored)] == [(1, "a"), (1, "b"), (3, "c")]
    assert _ranked([(0, Place(0, 0, user_id="nobody"))]) == []  # no points, no medal
    teams = _ranked([(2, Place(0, 0, team=0, players=2)), (0, Place(0, 0, team=1, players=1))], zero=True)
    assert [(p.rank, p.team, p.points) for p in teams] == [(1, 0, 2), (2, 1, 0)]  # every team is named


def test_the_trainers_words_are_read_strictly() -> None:
    from bot.handlers.game import Command, read_command

    assert read_command("เริ่มเกม") == Command("เริ่มเกม", 0, True)
    assert read_command(" เริ่มเกม  ทีม 3 ไม่จับเวลา ") == Command("เริ่มเกม", 3, False)
    assert read_command("เริ่มเกม ทีม 9") is None  # 9 is not a team count, so this is not the command
    assert read_command("ข้อต่อไป") == Command("ข้อต่อไป")
    assert read_command("เริ่มเกมกันเลยไหม") is None and read_command("จบเกมแล้วไปกินข้าว") is None
