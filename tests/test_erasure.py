"""Erasure ("delete my data"): nothing about the learner stays behind, their ID is never given to anyone
else, and what the outbox keeps about everyone is pruned after a while. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, insert, select, update
from sqlmodel import Session, SQLModel

import bot.storage.games
import bot.storage.trainers  # noqa: F401  (their tables are scanned too)
from bot.clock import FrozenClock
from bot.content import Content
from bot.inbox import accept
from bot.learning.marks import marked_in
from bot.storage.db import make_engine
from bot.storage.models import Outbox, OutboxBatch, OutboxStatus
from bot.storage.outbox import pending_row
from devkit.standin import Fault, LineStandIn
from tests.harness import BotUnderTest, postback_event, user_id
from tests.test_announcements import deliver_due, draft
from tests.test_classes import teacher_with_class
from tests.test_learning_loop import learner, onboard, rows
from tests.test_reminders import at, sweep
from tests.trainer_support import sign_in, tbot

__all__ = ["tbot"]
T = TypeVar("T")
FAREWELL = "ลบข้อมูลของคุณเรียบร้อยแล้ว"


def on_database(bot: BotUnderTest, work: Callable[[Engine], T]) -> T:
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        return work(engine)
    finally:
        engine.dispose()


def traces(bot: BotUnderTest, user: str, learner_id: int) -> set[str]:
    """Where anything about a learner is still stored ("table.column"): their LINE user ID in any column of
    any table, their learner ID in any column that refers to a learner, in a batch's recipients or in a
    reminder mark."""

    def scan(engine: Engine) -> set[str]:
        found = set()
        with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                for row in connection.execute(select(table)).mappings():
                    for name, value in row.items():
                        column = table.c[name]
                        refers = (table.name, name) == ("learner", "id") or any(
                            key.column.table.name == "learner" for key in column.foreign_keys
                        )
                        if (
                            user in str(value)
                            or (refers and value == learner_id)
                            or (name == "learner_ids" and learner_id in value)
                            or (table.name == "reminder_day" and name == "reminded"
                                and learner_id in marked_in(row["slice"], value))
                        ):  # fmt: skip
                            found.add(f"{table.name}.{name}")
        return found

    return on_database(bot, scan)


async def studies_and_joins(bot: BotUnderTest, user: str, code: str) -> int:
    """A learner who answered a question, joined a class: their learner ID."""
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.say(user, f"เข้าห้อง {code} ต้น")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")
    found = learner(bot, user)
    assert found is not None and found.id is not None
    return found.id


async def erase(bot: BotUnderTest, user: str) -> str:
    """Ask to delete, confirm; what the learner was told."""
    ask = await bot.say(user, "ลบข้อมูลของฉัน")
    return (await bot.tap(user, ask, "ลบเลย")).text


async def test_after_erasure_nothing_about_the_learner_remains(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    user, other = user_id("forget-everything"), user_id("stays")
    learner_id = await studies_and_joins(tbot, user, classroom["code"])
    await studies_and_joins(tbot, other, classroom["code"])
    at(tbot, 21, 19, 0)
    reminded = await sweep(tbot)  # a reminder batch, sent, marked in today's reminder day
    assert {user, other} <= {to for call in reminded.calls for to in call.body["to"]}
    headers = await sign_in(tbot, "somsri")  # the clock moved on: a fresh session
    created = await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    assert created.status_code == 201, created.text
    await deliver_due(tbot)  # an announcement batch, sent
    before = traces(tbot, user, learner_id)
    assert {
        "learner.line_user_id",
        "attempt.learner_id",
        "class_member.learner_id",
        "outbox.chat_id",
    } <= before
    assert {"inbox_event.chat_id", "outbox_batch.learner_ids", "reminder_day.reminded"} <= before

    assert FAREWELL in await erase(tbot, user)
    assert traces(tbot, user, learner_id) == set()
    tbot.clock.advance(days=8)
    await tbot.runtime.prune_once()
    assert traces(tbot, user, learner_id) == set()
    assert traces(tbot, other, learner_id + 1)  # the other learner is still here


async def test_the_farewell_waits_for_line_then_leaves_nothing(tbot: BotUnderTest) -> None:
    """The confirmation must reach the learner, so its row keeps their LINE user ID until it is sent."""
    user = user_id("farewell-while-down")
    await onboard(tbot, user, "บุคคลทั่วไป")
    learner_id = learner(tbot, user).id
    ask = await tbot.say(user, "ลบข้อมูลของฉัน")
    tbot.line.faults.extend(Fault(503) for _ in range(3))  # the reply's three tries all fail
    assert (await tbot.tap(user, ask, "ลบเลย")).calls == []
    assert traces(tbot, user, learner_id) == {"outbox.chat_id"}  # waiting to be sent
    tbot.clock.advance(minutes=2)  # the reply token has expired: it is pushed
    await tbot.runtime.drain()
    (call,) = tbot.line.take()
    assert call.path.endswith("/push") and call.body["to"] == user
    assert FAREWELL in call.body["messages"][0]["text"]
    assert traces(tbot, user, learner_id) == set()


async def test_a_farewell_line_refuses_is_not_kept_either(tbot: BotUnderTest) -> None:
    user = user_id("blocked-after-asking")
    await onboard(tbot, user, "บุคคลทั่วไป")
    learner_id = learner(tbot, user).id
    ask = await tbot.say(user, "ลบข้อมูลของฉัน")
    tbot.line.faults.extend(Fault(503) for _ in range(3))
    await tbot.tap(user, ask, "ลบเลย")
    tbot.clock.advance(minutes=2)
    tbot.line.faults.append(Fault(400, "The user hasn't added the LINE Official Account as a friend"))
    await tbot.runtime.drain()
    assert traces(tbot, user, learner_id) == set()


async def test_an_erasure_handled_after_a_crash_leaves_no_trace_either(tbot: BotUnderTest) -> None:
    """The confirmation was stored, then the process died before handling it: recovery handles it alone."""
    user = user_id("erased-after-restart")
    await onboard(tbot, user, "บุคคลทั่วไป")
    learner_id = learner(tbot, user).id
    ask = await tbot.say(user, "ลบข้อมูลของฉัน")
    confirm = postback_event(user, ask.button("ลบเลย")["data"])
    on_database(tbot, lambda engine: accept(engine, [confirm], tbot.clock.now()))
    tbot.line.take()
    await tbot.runtime.recover_once(stale_after=timedelta(0))
    await tbot.runtime.settle()
    assert any(FAREWELL in message.get("text", "") for call in tbot.line.take() for message in call.messages)
    assert traces(tbot, user, learner_id) == set()


async def test_a_new_learner_never_gets_the_id_of_an_erased_one(tbot: BotUnderTest) -> None:
    first, last, newcomer = user_id("first"), user_id("last-in"), user_id("newcomer")
    await onboard(tbot, first, "บุคคลทั่วไป")
    await onboard(tbot, last, "บุคคลทั่วไป")
    erased_id = learner(tbot, last).id
    await erase(tbot, last)
    await tbot.follow(newcomer)
    assert learner(tbot, newcomer).id > erased_id


async def test_an_announcement_waiting_for_an_erased_learner_does_not_reach_a_newcomer(
    tbot: BotUnderTest,
) -> None:
    headers, classroom = await teacher_with_class(tbot)
    stays, leaves, newcomer = user_id("stays-in-class"), user_id("leaves-class"), user_id("comes-later")
    for user in (stays, leaves):
        await onboard(tbot, user, "บุคคลทั่วไป")
        await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    leaving_id = learner(tbot, leaves).id
    tbot.line.faults.extend(Fault(503) for _ in range(3))  # LINE down: the announcement waits in its batch
    created = await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    assert created.status_code == 201, created.text
    await deliver_due(tbot)
    (waiting,) = rows(tbot, OutboxBatch)
    assert waiting.status is OutboxStatus.PENDING and leaving_id in waiting.learner_ids
    await erase(tbot, leaves)
    await tbot.follow(newcomer)
    tbot.line.take()
    tbot.clock.advance(minutes=5)
    await tbot.runtime.drain()
    (call,) = tbot.line.take()
    assert call.path.endswith("/multicast") and call.body["to"] == [stays]
    (sent,) = rows(tbot, OutboxBatch)
    assert sent.learner_ids == [learner(tbot, stays).id]


async def test_finished_outbox_rows_are_pruned_after_the_retention(tbot: BotUnderTest) -> None:
    """Sent and failed messages are kept a week (support can look into "I never got it"), then deleted;
    what is still waiting is never pruned; an announcement's figures outlive its recipients."""
    headers, classroom = await teacher_with_class(tbot)
    user = user_id("kept-a-week")
    await onboard(tbot, user, "บุคคลทั่วไป")
    await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    onboarding = {row.id for row in rows(tbot, Outbox)}
    at(tbot, 21, 19, 0)
    await sweep(tbot)  # a reminder batch
    headers = await sign_in(tbot, "somsri")  # the clock moved on: a fresh session
    created = await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    await deliver_due(tbot)  # an announcement batch
    now = tbot.clock.now()
    waiting = pending_row(user, [{"type": "text", "text": "ยังไม่ถึงเวลาส่ง"}], now, purpose="personal",
                             not_before=now + timedelta(days=30))  # fmt: skip
    failed = pending_row(user, [{"type": "text", "text": "ส่งไม่ได้"}], now, purpose="personal")

    def write(engine: Engine) -> None:
        with Session(engine) as session:
            session.execute(insert(Outbox), [waiting, failed | {"status": OutboxStatus.FAILED}])
            session.commit()

    on_database(tbot, write)
    assert len(rows(tbot, OutboxBatch)) == 2

    tbot.clock.advance(days=7, minutes=-10)  # a week after the 21st's messages, less ten minutes
    await tbot.runtime.prune_once()
    left = {row.id: row for row in rows(tbot, Outbox)}
    assert onboarding and not onboarding & set(left)  # the 20th's answers are more than a week old
    assert sorted(row.status for row in left.values()) == [OutboxStatus.FAILED, OutboxStatus.PENDING]
    assert len(rows(tbot, OutboxBatch)) == 2
    fresh = await tbot.say(user, "เมนู")  # a row newer than the retention
    assert fresh.calls
    tbot.clock.advance(minutes=20)
    await tbot.runtime.prune_once()

    kept = rows(tbot, Outbox)
    assert sorted((row.purpose, row.status) for row in kept) == [
        ("personal", OutboxStatus.PENDING),
        ("reply", OutboxStatus.SENT),
    ]
    (announced,) = rows(tbot, OutboxBatch)  # the reminder batch is gone
    assert announced.purpose == "announcement" and announced.learner_ids == [] and announced.size == 1
    headers = await sign_in(tbot, "somsri")
    shown = (await tbot.http.get(f"/api/v1/announcements/{created.json()['id']}", headers=headers)).json()
    assert shown["delivery"] == {"sent": 1}


async def test_a_row_finished_late_is_kept_a_full_retention_from_when_it_finished(tbot: BotUnderTest) -> None:
    """A message that waited (LINE's monthly limit, an outage) counts its week from when it went out."""
    user = user_id("sent-late")
    await onboard(tbot, user, "บุคคลทั่วไป")
    now = tbot.clock.now()

    def write(engine: Engine) -> Any:
        with Session(engine) as session:
            values = pending_row(user, [{"type": "text", "text": "ส่งช้า"}], now - timedelta(days=20),
                                    purpose="personal")  # fmt: skip
            session.execute(insert(Outbox), [values])
            session.execute(
                update(Outbox)
                .where(Outbox.retry_key == values["retry_key"])  # type: ignore[arg-type]
                .values(status=OutboxStatus.SENT, sent_at=now - timedelta(days=1))
            )
            session.commit()

    on_database(tbot, write)
    await tbot.runtime.prune_once()
    assert "ส่งช้า" in str([row.messages for row in rows(tbot, Outbox)])


async def test_the_retention_is_a_setting_and_a_restart_prunes_at_once(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    bot = BotUnderTest(database_url, fixture_content, line, clock, outbox_retention_days=2)
    await bot.start()
    try:
        await onboard(bot, user_id("two-day-retention"), "บุคคลทั่วไป")
        assert rows(bot, Outbox)
        bot.clock.advance(days=2, hours=1)
        await bot.restart()
        assert rows(bot, Outbox) == []
    finally:
        await bot.stop()
