"""The webhook shell: signatures, malformed bodies, replays, groups, and crash recovery."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from bot.inbox import accept
from bot.intake import ROUND_LIMIT
from bot.storage.db import make_engine
from bot.storage.models import Attempt, InboxEvent, InboxStatus, Learner, Outbox
from tests.harness import BotUnderTest, event, postback_event, sign, text_event, user_id
from tests.test_learning_loop import onboard


def call_text(call: Any) -> str:
    return json.dumps(call.body, ensure_ascii=False)


def count(bot: BotUnderTest, model: type) -> int:
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            return len(list(session.exec(select(model))))
    finally:
        engine.dispose()


def body(*events: dict) -> bytes:
    return json.dumps({"destination": "Ubot", "events": list(events)}).encode()


def test_signature_matches_line_sdk_test_vector() -> None:
    assert sign(b"bodybodybodybody", "channel_secret") == "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="


async def test_missing_signature_is_refused_and_nothing_happens(lite_bot: BotUnderTest) -> None:
    response = await lite_bot.post(body(text_event(user_id("a"), "สวัสดี")), signature=None)
    await lite_bot.runtime.settle()
    assert response.status_code == 400
    assert count(lite_bot, InboxEvent) == 0 and lite_bot.line.calls == []


async def test_forged_signature_is_refused_and_nothing_happens(lite_bot: BotUnderTest) -> None:
    payload = body(text_event(user_id("a"), "สวัสดี"))
    response = await lite_bot.post(payload, signature=sign(payload, "someone-elses-secret"))
    await lite_bot.runtime.settle()
    assert response.status_code == 400
    assert count(lite_bot, InboxEvent) == 0 and lite_bot.line.calls == []


async def test_malformed_json_with_valid_signature_is_refused(lite_bot: BotUnderTest) -> None:
    for raw in (
        b"{not json",
        b'{"events": "nope"}',
        b"[]",
        b'{"events": [{"type": "message"}]}',
        b"\xff\xfe",
    ):
        response = await lite_bot.post(raw)
        assert response.status_code == 400, raw
    assert count(lite_bot, InboxEvent) == 0


async def test_oversized_body_is_refused(lite_bot: BotUnderTest) -> None:
    huge = body(text_event(user_id("a"), "ก" * 300_000))
    response = await lite_bot.post(huge)
    assert response.status_code == 413
    assert count(lite_bot, InboxEvent) == 0


async def test_empty_events_answer_200(lite_bot: BotUnderTest) -> None:
    response = await lite_bot.post(body())
    assert response.status_code == 200


async def test_unknown_event_types_and_standby_are_accepted_and_ignored(lite_bot: BotUnderTest) -> None:
    user = user_id("quiet")
    standby = text_event(user, "สวัสดี") | {"mode": "standby"}
    future = event("somethingNew", user, novel={"x": 1})
    response = await lite_bot.deliver(standby, future)
    assert response.status_code == 200
    assert lite_bot.line.calls == []
    assert count(lite_bot, Learner) == 0


async def test_a_replayed_event_is_handled_once(bot: BotUnderTest) -> None:
    user = user_id("replay")
    follow = event("follow", user, follow={"isUnblocked": False})
    await bot.deliver(follow)
    agree = postback_event(user, "a=consent&v=yes")
    await bot.deliver(agree)
    pick = postback_event(user, "a=track&id=general")
    await bot.deliver(pick)
    await bot.deliver(postback_event(user, "a=remind&m=1140"))
    await bot.deliver(postback_event(user, "a=next"))
    await bot.deliver(postback_event(user, "a=next"))
    answer = postback_event(user, "a=ans&q=t-habit-q1&i=1")
    bot.line.take()
    await bot.deliver(answer)
    redelivered = answer | {"deliveryContext": {"isRedelivery": True}}
    await bot.deliver(redelivered)
    await bot.deliver(answer, answer)  # and a duplicate inside one post
    assert len(bot.line.take()) == 1
    assert count(bot, Attempt) == 1


async def test_group_join_introduces_and_group_chatter_is_ignored(lite_bot: BotUnderTest) -> None:
    group = {"type": "group", "groupId": "C" + "1" * 32, "userId": user_id("member")}
    joined = await lite_bot.send(event("join", "x", source=group))
    assert "เพิ่มเพื่อน" in joined.text
    chatter = await lite_bot.send(text_event("x", "เรียนต่อ") | {"source": group})
    assert chatter.calls == []
    member = await lite_bot.send(
        event(
            "memberJoined",
            "x",
            source=group,
            joined={"members": [{"type": "user", "userId": user_id("new")}]},
        )
    )
    assert "ยินดีต้อนรับ" in member.text
    left = await lite_bot.send(event("leave", "x", source={"type": "group", "groupId": "C" + "1" * 32}))
    assert left.calls == []
    assert count(lite_bot, Learner) == 0


async def test_long_messages_and_emoji_storms_get_a_kind_answer(lite_bot: BotUnderTest) -> None:
    user = user_id("storm")
    await lite_bot.follow(user)
    long = await lite_bot.say(user, "ก" * 4999)
    assert "ยาวมาก" in long.text
    emoji = await lite_bot.say(user, "😀🔥" * 120)
    assert emoji.calls and emoji.texts[0]


async def test_an_event_stored_before_a_crash_is_handled_after_restart(bot: BotUnderTest) -> None:
    user = user_id("crash")
    # The webhook stored the event and answered 200, then the process died before handling it.
    engine = make_engine(bot.settings().sqlalchemy_url)
    accept(engine, [event("follow", user, follow={"isUnblocked": False})], bot.clock.now())
    engine.dispose()
    bot.line.take()
    await bot.restart()  # start-up recovers pending events
    await bot.runtime.settle()
    calls = bot.line.take()
    assert len(calls) == 1 and "ยินดีต้อนรับ" in json.dumps(calls[0].body, ensure_ascii=False)
    assert count(bot, InboxEvent) == 1


async def test_messages_decided_but_not_sent_before_a_crash_are_sent_once(bot: BotUnderTest) -> None:
    user = user_id("unsent")
    # LINE is down: the reply fails for longer than the in-process retries.
    from devkit.standin import Fault

    bot.line.faults.extend(Fault(503) for _ in range(3))
    reply = await bot.follow(user)
    assert reply.calls == []
    engine = make_engine(bot.settings().sqlalchemy_url)
    with Session(engine) as session:
        (row,) = session.exec(select(Outbox)).all()
        assert row.status == "pending" and row.attempts == 1
    engine.dispose()
    bot.clock.advance(seconds=60)  # the reply token has expired by now: push instead
    await bot.restart()
    calls = bot.line.take()
    assert [call.path for call in calls] == ["/v2/bot/message/push"]
    assert calls[0].headers.get("X-Line-Retry-Key")
    await bot.runtime.recover_once()
    assert bot.line.take() == []


async def test_a_failed_reply_is_retried_with_its_token_while_it_is_fresh(lite_bot: BotUnderTest) -> None:
    from devkit.standin import Fault

    lite_bot.line.faults.extend(Fault(500) for _ in range(3))
    assert (await lite_bot.follow(user_id("retry"))).calls == []
    lite_bot.clock.advance(seconds=20)  # the 5 s back-off has passed; the token is still good
    await lite_bot.runtime.recover_once()
    assert [call.path for call in lite_bot.line.take()] == ["/v2/bot/message/reply"]


async def test_a_reply_that_timed_out_after_landing_is_not_sent_again(lite_bot: BotUnderTest) -> None:
    from devkit.standin import Fault

    user = user_id("timeout")
    # LINE accepted the reply but the answer never came back in time.
    lite_bot.line.faults.append(Fault(504, after_accepting=True))
    reply = await lite_bot.follow(user)
    assert len(reply.calls) == 1 and reply.calls[0].path.endswith("/reply")
    engine = make_engine(lite_bot.settings().sqlalchemy_url)
    with Session(engine) as session:
        assert [row.status for row in session.exec(select(Outbox))] == ["sent"]
    engine.dispose()


async def test_handled_events_keep_no_message_text(lite_bot: BotUnderTest) -> None:
    user = user_id("private")
    await lite_bot.follow(user)
    await lite_bot.say(user, "เบอร์ของฉันคือ 0812345678")
    engine = make_engine(lite_bot.settings().sqlalchemy_url)
    with Session(engine) as session:
        stored = session.exec(select(InboxEvent)).all()
        assert stored and all(row.payload is None and row.status is InboxStatus.DONE for row in stored)
    engine.dispose()


async def test_health_check_answers_once_ready(lite_bot: BotUnderTest) -> None:
    assert lite_bot.http is not None
    response = await lite_bot.http.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def inbox_rows(bot: BotUnderTest) -> dict[str, InboxEvent]:
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            return {row.webhook_event_id: row for row in session.exec(select(InboxEvent))}
    finally:
        engine.dispose()


async def test_a_flood_in_one_post_is_answered_in_full(lite_bot: BotUnderTest) -> None:
    # More events than one round handles: the rest wait in the inbox for the next rounds.
    follows = [event("follow", user_id(f"flood-{n}"), follow={"isUnblocked": False}) for n in range(40)]
    assert len(follows) > ROUND_LIMIT
    reply = await lite_bot.send(*follows)
    assert sorted(call.body["replyToken"] for call in reply.calls) == sorted(e["replyToken"] for e in follows)
    stored = inbox_rows(lite_bot).values()
    assert len(stored) == len(follows)
    assert all(row.status is InboxStatus.DONE and row.payload is None for row in stored)


async def test_a_failing_handler_holds_back_only_its_own_event(bot: BotUnderTest, monkeypatch) -> None:
    from bot import inbox

    def fragile(line_event, context):  # type: ignore[no-untyped-def]
        if getattr(getattr(line_event, "message", None), "text", None) == "พัง":
            raise RuntimeError("a bug in a handler")
        return dispatch(line_event, context)

    dispatch = inbox.dispatch
    monkeypatch.setattr(inbox, "dispatch", fragile)
    calm, unlucky = user_id("calm"), user_id("unlucky")
    await bot.follow(unlucky)
    bad = text_event(unlucky, "พัง")
    follow = event("follow", calm, follow={"isUnblocked": False})
    reply = await bot.send(follow, bad)
    # The other learner in the same post is answered; the failing event waits, its failure counted.
    assert [call.body["replyToken"] for call in reply.calls] == [follow["replyToken"]]
    row = inbox_rows(bot)[bad["webhookEventId"]]
    assert (row.status, row.attempts, row.error) == (
        InboxStatus.PENDING,
        1,
        "RuntimeError: a bug in a handler",
    )
    # Recovery tries it again; after the third failure the learner gets an apology instead of silence.
    for _ in range(2):
        bot.clock.advance(seconds=11)
        await bot.runtime.recover_once()
        await bot.runtime.settle()
    (apology,) = bot.line.take()
    assert apology.body["replyToken"] == bad["replyToken"]
    assert apology.body["messages"][0]["text"].startswith("ขอโทษค่ะ ระบบขัดข้อง")
    assert inbox_rows(bot)[bad["webhookEventId"]].status is InboxStatus.FAILED


async def test_one_learners_events_in_one_post_are_handled_in_order_in_one_round(
    bot: BotUnderTest, caplog
) -> None:
    user = user_id("quick")
    follow = event("follow", user, follow={"isUnblocked": False})
    consent = postback_event(user, "a=consent&v=yes")
    reply = await bot.send(follow, consent)
    by_token = {call.body["replyToken"]: call for call in reply.calls}
    welcome = json.dumps(by_token[follow["replyToken"]].body, ensure_ascii=False)
    tracks = json.dumps(by_token[consent["replyToken"]].body, ensure_ascii=False)
    assert "ยินดีต้อนรับ" in welcome and "ผู้สูงอายุ" in tracks
    assert [call.body["replyToken"] for call in reply.calls] == [follow["replyToken"], consent["replyToken"]]
    assert count(bot, Learner) == 1
    # The second event saw what the first did without the round failing over to the slow path.
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


async def test_a_round_looks_its_learners_up_with_one_query(bot: BotUnderTest) -> None:
    from sqlalchemy import event as sql_event

    users = [user_id(f"many-{n}") for n in range(5)]
    for user in users:
        await onboard(bot, user, "บุคคลทั่วไป")
    lookups: list[str] = []

    def count_lookups(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM learner" in statement and "line_user_id" in statement.split("WHERE", 1)[-1]:
            lookups.append(statement)

    engine = bot.runtime.engine
    sql_event.listen(engine, "before_cursor_execute", count_lookups)
    try:
        reply = await bot.send(*[text_event(user, "ความคืบหน้า") for user in users])
    finally:
        sql_event.remove(engine, "before_cursor_execute", count_lookups)
    assert len(reply.calls) == 5 and all("ความคืบหน้า" in call_text(call) for call in reply.calls)
    assert len(lookups) == 1  # one query for the five learners, not one each


async def test_events_after_delete_my_data_in_the_same_post_meet_a_stranger(
    bot: BotUnderTest, caplog
) -> None:
    user = user_id("erase-then-talk")
    await onboard(bot, user, "บุคคลทั่วไป")
    ask = await bot.say(user, "ลบข้อมูลของฉัน")
    erase = postback_event(user, ask.button("ลบเลย")["data"])
    reply = await bot.send(erase, text_event(user, "สวัสดี"))
    by_token = {call.body["replyToken"]: call for call in reply.calls}
    assert "ลบข้อมูลของคุณเรียบร้อยแล้ว" in call_text(by_token[erase["replyToken"]])
    # The hello came after the erasure: it is answered as for someone new, asking for consent again.
    (hello,) = [call for token, call in by_token.items() if token != erase["replyToken"]]
    labels = [item["action"]["label"] for item in hello.body["messages"][-1]["quickReply"]["items"]]
    assert labels == ["ยินยอม", "ไม่ยินยอม"]
    assert count(bot, Attempt) == 0  # nothing of the old learner is left
    assert not [record for record in caplog.records if record.levelname == "ERROR"]  # in one round


async def test_a_post_that_cannot_be_stored_is_refused_and_the_next_one_works(
    lite_bot: BotUnderTest, monkeypatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from bot import inbox

    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT INTO inbox_event ...", {}, Exception("database or disk is full"))

    run_round = inbox.run_round
    monkeypatch.setattr(inbox, "run_round", disk_full)
    user = user_id("disk")
    refused = await lite_bot.deliver(event("follow", user, follow={"isUnblocked": False}))
    assert refused.status_code == 503 and "try again" in refused.text
    assert lite_bot.line.take() == [] and count(lite_bot, InboxEvent) == 0
    monkeypatch.setattr(inbox, "run_round", run_round)
    redelivered = await lite_bot.follow(user)
    assert "ยินดีต้อนรับ" in redelivered.texts[0]
