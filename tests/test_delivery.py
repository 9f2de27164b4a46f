"""Delivery of reminders to LINE: multicast groups, retry keys, LINE's limits, failures, metrics.

Through the real worker, SDK and LINE stand-in; every test runs on SQLite and on PostgreSQL unless noted.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import Engine, delete, update
from sqlmodel import Session, select

from bot.inbox import accept
from bot.learning.marks import fold
from bot.learning.reminders import local_date
from bot.storage.db import make_engine
from bot.storage.models import (
    Learner,
    ModuleResult,
    Outbox,
    OutboxBatch,
    OutboxStatus,
    ReminderDay,
    ReminderState,
    ReviewCard,
)
from devkit.standin import Fault
from scheduler import demo
from scheduler.sweep import SweepReport, close_batches, sweep, sweep_chunk
from tests.harness import TOKEN, BotUnderTest, event, user_id
from tests.test_learning_loop import onboard, rows
from tests.test_reminders import at, marked_on

T = TypeVar("T")


def seed(bot: BotUnderTest, count: int, *, same_message: bool = False) -> list[str]:
    """Demo learners due a reminder now; with `same_message`, all at the same point (one reminder text)."""
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        demo.seed(engine, bot.content, count=count, now=bot.clock.now(), due_now=True)
        with Session(engine) as session:
            if same_message:
                session.exec(
                    update(Learner).values(track_id="general", module_id="t-habit", finished_modules=None)
                )
                session.exec(delete(ModuleResult))
                session.exec(delete(ReviewCard))
                session.commit()
            return list(session.exec(select(Learner.line_user_id)))
    finally:
        engine.dispose()


def recipients(bot: BotUnderTest) -> Counter[str]:
    return bot.line.deliveries


async def test_identical_reminders_go_by_multicast_in_groups_of_at_most_500(bot: BotUnderTest) -> None:
    users = seed(bot, 1100, same_message=True)
    await bot.runtime.sweep_once()
    calls = bot.line.take()
    sizes = sorted(len(call.body["to"]) for call in calls)
    assert all(call.path.endswith("/multicast") for call in calls)
    assert sizes == [100, 500, 500]
    assert set(recipients(bot)) == set(users) and set(recipients(bot).values()) == {1}
    assert all(call.headers.get("X-Line-Retry-Key") for call in calls)
    # One row per request, holding the message once: none per learner.
    assert rows(bot, Outbox) == []
    batches = rows(bot, OutboxBatch)
    assert sorted(batch.size for batch in batches) == [100, 500, 500]
    assert {batch.status for batch in batches} == {OutboxStatus.SENT}


async def test_a_sweeps_batches_go_out_as_they_are_written_not_when_it_ends(bot: BotUnderTest) -> None:
    users = seed(bot, 1000, same_message=True)
    engine = make_engine(bot.settings().sqlalchemy_url)
    swept, report, now = asyncio.Event(), SweepReport(), bot.clock.now()
    sending = asyncio.create_task(bot.runtime.drain(follow=swept))
    try:
        # The first 600 learners: one full batch written, 100 left waiting for theirs to fill.
        after = await asyncio.to_thread(
            sweep_chunk, engine, bot.content, now, after=0, report=report, chunk=600
        )
        bot.runtime.worker.more()
        first = await bot.line.wait_for(1)
        assert len(first[0].body["to"]) == 500
        for _ in range(100):  # until the drain has recorded it: then it has nothing more to send for now
            if [batch.status for batch in rows(bot, OutboxBatch)] == [OutboxStatus.SENT]:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)
        assert not sending.done()  # it waits for the sweep's next batches instead of ending
        assert after is not None
        await asyncio.to_thread(sweep_chunk, engine, bot.content, now, after=after, report=report, chunk=600)
        await asyncio.to_thread(close_batches, engine, report, now)
    finally:
        swept.set()
        bot.runtime.worker.more()
        await sending
        engine.dispose()
    assert sorted(len(call.body["to"]) for call in bot.line.take()) == [500, 500]
    assert set(recipients(bot)) == set(users) and set(recipients(bot).values()) == {1}


async def test_reminders_at_different_points_go_in_one_multicast_per_text(bot: BotUnderTest) -> None:
    users = seed(bot, 200)
    await bot.runtime.sweep_once()
    calls = bot.line.take()
    texts = [call.body["messages"][0]["text"] for call in calls]
    assert len(texts) == len(set(texts))  # one request per distinct reminder
    assert sum(len(call.body["to"]) if call.path.endswith("/multicast") else 1 for call in calls) == len(
        users
    )
    assert set(recipients(bot).values()) == {1}


async def test_a_retry_after_a_5xx_reuses_the_key_and_never_duplicates(bot: BotUnderTest) -> None:
    users = seed(bot, 300, same_message=True)
    # LINE accepts the multicast but answers 500: the retry, with the same key, is told 409.
    bot.line.faults.append(Fault(500, after_accepting=True, path="/v2/bot/message/multicast"))
    await bot.runtime.sweep_once()
    assert set(recipients(bot)) == set(users) and set(recipients(bot).values()) == {1}
    assert bot.line.requests["multicast", 409] == 1
    assert {batch.status for batch in rows(bot, OutboxBatch)} == {OutboxStatus.SENT}


async def test_a_retry_after_a_timeout_reuses_the_key_and_never_duplicates(lite_bot: BotUnderTest) -> None:
    users = seed(lite_bot, 300, same_message=True)
    # LINE accepts the multicast and never answers in time (the client gives up after 2 s).
    lite_bot.line.faults.append(Fault(500, delay=3, after_accepting=True, path="/v2/bot/message/multicast"))
    await lite_bot.runtime.sweep_once()
    assert set(recipients(lite_bot)) == set(users) and set(recipients(lite_bot).values()) == {1}
    assert lite_bot.line.requests["multicast", 409] == 1


async def test_a_request_lost_before_line_accepted_it_is_sent_again(bot: BotUnderTest) -> None:
    users = seed(bot, 3, same_message=True)
    bot.line.faults.extend([Fault(502), Fault(503)])
    await bot.runtime.sweep_once()
    assert set(recipients(bot)) == set(users) and set(recipients(bot).values()) == {1}


async def test_rate_limited_429_is_backed_off_and_retried(bot: BotUnderTest) -> None:
    user = user_id("rate-limited")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    bot.line.faults.append(Fault(429, "Too many requests", path="/v2/bot/message/push"))
    await bot.runtime.sweep_once()
    assert recipients(bot)[user] == 1


async def test_other_4xx_are_recorded_as_failed_with_the_reason(bot: BotUnderTest) -> None:
    user = user_id("refused")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    bot.line.faults.append(
        Fault(400, "The property, 'to', in the request body is invalid", path="/v2/bot/message/push")
    )
    await bot.runtime.sweep_once()
    (batch,) = rows(bot, OutboxBatch)
    assert batch.status is OutboxStatus.FAILED and "invalid" in (batch.error or "")
    bot.clock.advance(hours=1)
    await bot.runtime.drain()
    assert bot.line.requests["push", 400] == 1  # not tried again
    metrics = await metrics_text(bot)
    assert 'ruthan_reminders_skipped_total{reason="failed"} 1.0' in metrics


async def test_the_monthly_limit_pauses_pushing_reports_it_and_resumes_when_lifted(bot: BotUnderTest) -> None:
    users = seed(bot, 30, same_message=True)
    bot.line.monthly_limit = 0
    await bot.runtime.sweep_once()
    assert bot.line.requests["multicast", 429] == 1  # one try, not a burst of retries
    assert recipients(bot) == Counter()
    status = (await bot.operator_get("/delivery")).json()
    assert status["push_paused"] is True and "monthly" in status["reason"]
    assert "ruthan_push_paused 1.0" in await metrics_text(bot)
    assert {batch.status for batch in rows(bot, OutboxBatch)} == {OutboxStatus.PENDING}  # waiting, not failed

    user = user_id("still-answered")
    reply = await bot.follow(user)  # replies are free: conversations go on
    assert reply.calls and reply.calls[0].path.endswith("/reply")

    bot.clock.advance(minutes=30)
    await bot.runtime.drain()
    assert bot.line.requests["multicast", 429] == 1  # paused: no calls at all
    bot.clock.advance(minutes=31)
    await bot.runtime.drain()  # the hourly probe: one request, still refused
    assert bot.line.requests["multicast", 429] == 2
    assert {batch.attempts for batch in rows(bot, OutboxBatch)} == {0}  # a pause uses up no attempt
    bot.line.monthly_limit = None  # the plan was upgraded
    bot.clock.advance(hours=1, minutes=1)
    await bot.runtime.drain()
    assert set(recipients(bot)) == set(users) and set(recipients(bot).values()) == {1}
    assert (await bot.operator_get("/delivery")).json() == {"push_paused": False}


async def test_a_refused_access_token_pauses_delivery_reports_it_and_resumes_when_fixed(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    users = seed(bot, 30, same_message=True)
    bot.line.access_token = "the-token-after-rotation"  # ours is refused now: 401 to every call
    await bot.runtime.sweep_once()
    assert bot.line.requests["multicast", 401] == 1  # one try, not a burst of retries
    assert recipients(bot) == Counter()
    assert {batch.status for batch in rows(bot, OutboxBatch)} == {OutboxStatus.PENDING}  # waiting, not failed
    status = (await bot.operator_get("/delivery")).json()
    assert status["push_paused"] is True and status["cause"] == "unauthorized"
    assert "access token" in status["reason"]
    health = await bot.http.get("/healthz")
    assert health.status_code == 200  # webhooks still come in, are stored and wait for their answers
    assert health.json()["status"] == "degraded" and health.json()["delivery"]["cause"] == "unauthorized"
    metrics = await metrics_text(bot)
    assert "ruthan_push_paused 1.0" in metrics
    assert 'ruthan_push_pause_cause{cause="unauthorized"} 1.0' in metrics
    assert "LINE refused the channel access token" in caplog.text

    learner = user_id("writes-meanwhile")
    welcome = await bot.follow(learner)  # the reply is refused too: its answer waits, it is not lost
    assert welcome.calls == [] and {row.status for row in rows(bot, Outbox)} == {OutboxStatus.PENDING}

    bot.clock.advance(minutes=6)
    await bot.runtime.drain()  # the probe: one request, still refused
    assert bot.line.requests["multicast", 401] + bot.line.requests["push", 401] == 2
    assert {batch.attempts for batch in rows(bot, OutboxBatch)} == {0}  # a pause uses up no attempt
    bot.line.access_token = TOKEN  # the operator set the new token (and restarted)
    bot.clock.advance(minutes=6)
    await bot.runtime.drain()  # the probe is accepted: pushing resumes, and what waited goes out
    assert set(recipients(bot)) == {*users, learner} and set(recipients(bot).values()) == {1}
    assert {row.status for row in rows(bot, Outbox)} == {OutboxStatus.SENT}
    assert (await bot.operator_get("/delivery")).json() == {"push_paused": False}
    assert (await bot.http.get("/healthz")).json()["status"] == "ok"


def at_once(url: str, work: Callable[[Engine], T], workers: int = 4) -> list[T]:
    """Run `work` in `workers` threads at once, each with an engine of its own (as separate processes
    would be); what each returned. An error in any of them fails the test."""
    engines = [make_engine(url) for _ in range(workers)]
    results: list[T] = []
    errors: list[BaseException] = []

    def run(engine: Engine) -> None:
        try:
            results.append(work(engine))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
    return results


async def test_the_sweep_is_safe_to_run_on_many_workers_at_once(bot: BotUnderTest) -> None:
    users = seed(bot, 3000)
    url = bot.settings().sqlalchemy_url
    at_once(url, lambda engine: sweep(engine, bot.content, bot.clock.now(), chunk=500))
    reminded = [learner_id for batch in rows(bot, OutboxBatch) for learner_id in batch.learner_ids]
    everyone = {learner.id for learner in rows(bot, Learner)}
    assert sorted(reminded) == sorted(everyone) and len(users) == 3000  # each exactly once
    today = local_date(bot.clock.now())
    assert marked_on(bot, today) == everyone

    # The next day the four fold the day in at once: each learner's state counts it once.
    folded = at_once(url, lambda engine: fold(engine, today + timedelta(days=1)))
    assert True in folded  # (one may have found the last slice taken by another, still folding it)
    states = {
        (state.learner_id, state.last_reminded_on, state.ignored_reminders)
        for state in rows(bot, ReminderState)
    }
    assert states == {(learner_id, today, 1) for learner_id in everyone}
    assert rows(bot, ReminderDay) == []


async def test_removing_learners_removes_their_reminder_state(bot: BotUnderTest) -> None:
    """`ruthan demo clear`: their reminder states go by the foreign key's cascade, their marks with them."""
    seed(bot, 20)
    await bot.runtime.sweep_once()
    at(bot, 21, 19, 0)
    await bot.runtime.sweep_once()  # folds the 20th in, then reminds them for the 21st
    assert len(rows(bot, ReminderState)) == 20 and len(marked_on(bot, local_date(bot.clock.now()))) == 20
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        assert demo.clear(engine) == (20, 0)
    finally:
        engine.dispose()
    assert rows(bot, ReminderState) == [] and marked_on(bot, local_date(bot.clock.now())) == set()


async def test_metrics_report_events_calls_reminders_and_the_outbox(bot: BotUnderTest) -> None:
    user = user_id("counted")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    await bot.runtime.sweep_once()
    text = await metrics_text(bot)
    assert 'ruthan_webhook_events_total{kind="follow"} 1.0' in text
    assert 'ruthan_webhook_events_total{kind="postback"} 3.0' in text
    assert 'ruthan_line_api_calls_total{endpoint="reply",status="200"} 4.0' in text
    assert 'ruthan_line_api_calls_total{endpoint="push",status="200"} 1.0' in text
    assert "ruthan_reminders_sent_total 1.0" in text and "ruthan_reminders_queued_total 1.0" in text
    assert "ruthan_reply_latency_seconds_count 4.0" in text
    assert "ruthan_webhook_round_events_count 4.0" in text  # one event at a time: a round each
    assert "ruthan_outbox_oldest_pending_age_seconds 0.0" in text and "ruthan_push_paused 0.0" in text
    assert "ruthan_inbox_pending 0.0" in text


async def test_metrics_show_webhook_events_waiting_to_be_handled(bot: BotUnderTest) -> None:
    # Stored, then the process died before handling it (or its handler keeps failing).
    engine = make_engine(bot.settings().sqlalchemy_url)
    accept(engine, [event("follow", user_id("waiting"), follow={"isUnblocked": False})], bot.clock.now())
    engine.dispose()
    bot.clock.advance(seconds=30)
    text = await metrics_text(bot)
    assert "ruthan_inbox_pending 1.0" in text and "ruthan_inbox_oldest_pending_age_seconds 30.0" in text


async def test_metrics_show_outbox_depth_and_age(bot: BotUnderTest) -> None:
    seed(bot, 5, same_message=True)
    bot.line.faults.extend(Fault(503) for _ in range(3))
    await bot.runtime.sweep_once()
    bot.clock.advance(seconds=90)
    text = await metrics_text(bot)
    assert 'ruthan_outbox_pending{purpose="reminder"} 5.0' in text
    assert "ruthan_outbox_oldest_pending_age_seconds 90.0" in text


async def metrics_text(bot: BotUnderTest) -> str:
    assert bot.http is not None
    response = await bot.operator_get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_a_sweeper_that_dies_midway_leaves_the_rest_to_the_next_sweep(bot: BotUnderTest) -> None:
    from scheduler.sweep import SweepReport, sweep_chunk

    users = seed(bot, 620, same_message=True)
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        # The sweep read everyone and wrote the one full batch, then its process died: the other 120
        # learners were only in its memory, not marked reminded.
        sweep_chunk(engine, bot.content, bot.clock.now(), after=0, report=SweepReport())
    finally:
        engine.dispose()
    await bot.runtime.drain()
    assert len(recipients(bot)) == 500
    await bot.runtime.sweep_once()  # the next sweep finds them still due
    assert set(recipients(bot)) == set(users) and set(recipients(bot).values()) == {1}


async def test_a_learner_who_erases_their_data_is_left_out_of_a_waiting_batch(bot: BotUnderTest) -> None:
    leaving, staying = user_id("leaving"), user_id("staying")
    for user in (leaving, staying):
        await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    bot.line.faults.extend(Fault(503) for _ in range(3))  # LINE down: the reminder waits in its batch
    await bot.runtime.sweep_once()
    assert recipients(bot) == Counter()
    ask = await bot.say(leaving, "ลบข้อมูลของฉัน")
    await bot.tap(leaving, ask, "ลบเลย")
    bot.line.take()
    bot.clock.advance(minutes=5)
    await bot.runtime.drain()
    (call,) = bot.line.take()
    assert call.path.endswith("/multicast") and call.body["to"] == [staying]  # same request, one fewer


async def test_marks_tell_whether_anyone_after_an_id_was_reminded(bot: BotUnderTest) -> None:
    """The sweep skips checking each learner's mark when nobody after its chunk's start has one."""
    from bot.learning import marks

    day = local_date(bot.clock.now())
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with engine.begin() as connection:
            assert marks.any_after(connection, day, 0) is False
            assert marks.mark(connection, day, [5, 7, 100]) == [5, 7, 100]
            assert marks.mark(connection, day, [7, 8]) == [8]  # 7 was marked already
        with engine.connect() as connection:
            found = {after: marks.any_after(connection, day, after) for after in (0, 4, 5, 99, 100, 8191)}
            assert found == {0: True, 4: True, 5: True, 99: True, 100: False, 8191: False}
            assert marks.any_after(connection, day - timedelta(days=1), 0) is False
        with engine.begin() as connection:
            marks.mark(connection, day, [marks.SLICE * 3 + 1])
        with engine.connect() as connection:
            assert marks.any_after(connection, day, 100) is True  # a later slice has a row
    finally:
        engine.dispose()


async def test_an_operator_lifting_the_pause_sends_what_waited_at_once(bot: BotUnderTest) -> None:
    from bot.storage.outbox import resume_push

    users = seed(bot, 30, same_message=True)
    bot.line.monthly_limit = 0
    await bot.runtime.sweep_once()
    assert recipients(bot) == Counter()
    bot.line.monthly_limit = None  # the plan was upgraded; the operator runs `ruthan delivery resume`
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        assert resume_push(engine, bot.clock.now()) is True
    finally:
        engine.dispose()
    await bot.runtime.drain()  # no waiting for the hourly probe
    assert set(recipients(bot)) == set(users) and set(recipients(bot).values()) == {1}


async def test_a_probe_that_learns_nothing_keeps_the_pause(bot: BotUnderTest) -> None:
    seed(bot, 30, same_message=True)
    bot.line.monthly_limit = 0
    await bot.runtime.sweep_once()
    bot.line.monthly_limit = None
    bot.clock.advance(hours=1, minutes=1)
    bot.line.faults.extend(Fault(500) for _ in range(3))  # the probe meets LINE down, not LINE willing
    await bot.runtime.drain()
    assert (await bot.operator_get("/delivery")).json()["push_paused"] is True
    assert recipients(bot) == Counter()
    bot.clock.advance(minutes=2)
    await bot.runtime.drain()  # the next drain probes again, and LINE accepts
    assert (await bot.operator_get("/delivery")).json() == {"push_paused": False}


async def test_work_out_of_attempts_is_reported_as_failed(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    seed(bot, 30, same_message=True)
    bot.line.faults.extend(Fault(500) for _ in range(3))  # LINE down: the batch waits for a retry
    await bot.runtime.sweep_once()
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:  # ... and LINE stays down until its last attempt
            session.exec(update(OutboxBatch).values(attempts=11))
            session.commit()
    finally:
        engine.dispose()
    bot.clock.advance(minutes=10)
    bot.line.faults.extend(Fault(500) for _ in range(3))
    report = await bot.runtime.drain()
    (batch,) = rows(bot, OutboxBatch)
    assert batch.status is OutboxStatus.FAILED and batch.error.startswith("gave up after 12 attempts")
    assert report.failed == 1 and report.retried == 0
    assert "gave up on BatchClaim" in caplog.text
    assert 'ruthan_reminders_skipped_total{reason="failed"} 30.0' in await metrics_text(bot)


async def test_a_personal_push_out_of_attempts_is_reported_as_failed(bot: BotUnderTest) -> None:
    from sqlalchemy import insert

    from bot.storage.outbox import pending_row
    from bot.voice.ui import text

    user = user_id("unlucky")
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:  # a note LINE has failed eleven times already
            values = pending_row(user, [text("สวัสดีค่ะ")], bot.clock.now(), purpose="personal")
            session.exec(insert(Outbox).values({**values, "attempts": 11}))  # type: ignore[call-overload]
            session.commit()
    finally:
        engine.dispose()
    bot.line.faults.extend(Fault(500) for _ in range(3))
    report = await bot.runtime.drain()
    (row,) = rows(bot, Outbox)
    assert row.status is OutboxStatus.FAILED and row.error.startswith("gave up after 12 attempts")
    assert report.failed == 1 and report.retried == 0
