"""Backup copies of keyed requests that are slow to answer (bot/gateway/hedge.py).

First the Hedger alone, with scripted calls; then a reminder fan-out through the real SDK and the LINE
stand-in, where one multicast hangs: its backup, under the same retry key, delivers it exactly once.
"""

from __future__ import annotations

import asyncio
import gc

import pytest

from bot.gateway import LineApiError
from bot.gateway.hedge import MIN_SAMPLES, Hedger
from devkit.standin import Fault
from tests.harness import BotUnderTest
from tests.test_delivery import recipients, seed


class Calls:
    """A keyed call whose copies answer as scripted: after some seconds, with an error, after some seconds
    with an error, or never (None)."""

    def __init__(self, *answers: float | LineApiError | tuple[float, LineApiError] | None):
        self.answers = list(answers)
        self.made = 0
        self.finished = 0

    async def __call__(self) -> None:
        answer = self.answers[self.made]
        self.made += 1
        if answer is None:
            await asyncio.Event().wait()  # hangs until abandoned
        if isinstance(answer, tuple):
            await asyncio.sleep(answer[0])
            answer = answer[1]
        if isinstance(answer, LineApiError):
            raise answer
        await asyncio.sleep(answer or 0)
        self.finished += 1


def trained(**options: float) -> Hedger:
    """A hedger that has seen enough quick answers to send backups after its shortest wait."""
    backups: list[str] = []
    hedger = Hedger(on_backup=backups.append, **options)
    for _ in range(MIN_SAMPLES):
        hedger.answered("push", 0.001)
    hedger.backups = backups  # type: ignore[attr-defined]
    return hedger


async def test_a_call_that_answers_in_the_usual_time_gets_no_backup() -> None:
    hedger = trained(shortest=0.05)
    calls = Calls(0.0)
    await hedger.call("push", calls)
    assert calls.made == 1 and hedger.backups == []  # type: ignore[attr-defined]


async def test_the_wait_before_a_backup_is_learned_from_recent_answers_within_bounds() -> None:
    hedger = Hedger(shortest=0.05, longest=2.0)
    assert hedger.delay("multicast") == 2.0  # nothing learned yet: the longest wait
    for _ in range(MIN_SAMPLES):
        hedger.answered("multicast", 0.1)
    assert hedger.delay("multicast") == pytest.approx(0.3)  # three times the 95th percentile
    assert hedger.delay("push") == 2.0  # each endpoint learns on its own
    for _ in range(200):
        hedger.answered("multicast", 0.001)
    assert hedger.delay("multicast") == 0.05  # never less than the shortest wait


async def test_when_line_slows_down_for_everyone_the_wait_grows_instead_of_backups_for_all() -> None:
    hedger = trained(shortest=0.01, longest=1.0)
    assert hedger.delay("push") == 0.01
    for _ in range(40):  # LINE now takes 20 ms for every request, copies included
        await hedger.call("push", Calls(0.02, 0.02, 0.02))
    assert hedger.delay("push") >= 0.05  # a few times the new usual time
    before = len(hedger.backups)  # type: ignore[attr-defined]
    for _ in range(10):
        await hedger.call("push", Calls(0.02, 0.02, 0.02))
    assert len(hedger.backups) == before  # type: ignore[attr-defined]


async def test_a_hanging_call_is_settled_by_its_backup_and_the_hanging_copy_is_abandoned() -> None:
    hedger = trained(shortest=0.01)
    calls = Calls(None, 0.0)
    await asyncio.wait_for(hedger.call("push", calls), timeout=5)
    assert calls.made == 2 and calls.finished == 1
    assert hedger.backups == ["push"]  # type: ignore[attr-defined]


async def test_a_backup_told_409_means_the_first_copy_was_accepted() -> None:
    hedger = trained(shortest=0.01)
    with pytest.raises(LineApiError) as told:
        await hedger.call("push", Calls(None, LineApiError(409, "already accepted")))
    assert told.value.status == 409  # the sender reads this as delivered


async def test_when_every_copy_fails_the_first_error_is_raised_for_the_usual_retry() -> None:
    hedger = trained(shortest=0.01, copies=2)
    with pytest.raises(LineApiError) as failed:
        await hedger.call("push", Calls(LineApiError(503, "first"), 0.0))  # a quick failure: no backup
    assert failed.value.message == "first"
    calls = Calls((0.05, LineApiError(500, "first")), LineApiError(500, "backup"))
    with pytest.raises(LineApiError) as failed:
        await hedger.call("push", calls)  # slow to fail: a backup goes out, and fails too
    assert calls.made == 2 and failed.value.message == "first"


async def test_while_every_copy_is_silent_another_goes_out_up_to_the_limit() -> None:
    hedger = trained(shortest=0.01, copies=3)
    await asyncio.wait_for(hedger.call("push", Calls(None, None, 0.0)), timeout=5)
    assert hedger.backups == ["push", "push"]  # type: ignore[attr-defined]
    silent = Calls(None, None, None, 0.0)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(hedger.call("push", silent), timeout=0.3)  # the client's timeout ends it
    assert silent.made == 3  # never a fourth copy


async def test_copies_that_answer_together_leave_no_error_unread() -> None:
    hedger = trained(shortest=0.01)
    both_out, made = asyncio.Event(), []

    async def send() -> None:
        made.append(1)
        copy = len(made)
        if copy == 2:
            both_out.set()
        await both_out.wait()  # both answer in the same instant: the first accepted, the backup told 409
        if copy == 2:
            raise LineApiError(409, "already accepted")

    unread: list[dict] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: unread.append(context))
    try:
        await hedger.call("push", send)
        gc.collect()  # an unread task error is reported when the task is collected
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert unread == []


async def test_a_backup_waits_for_its_own_rate_limit_slot() -> None:
    hedger = trained(shortest=0.01)
    slots: list[str] = []

    async def slot() -> None:
        slots.append("backup")

    await hedger.call("push", Calls(None, 0.0), before_backup=slot)
    assert slots == ["backup"]


async def test_a_hanging_multicast_is_delivered_once_by_its_backup(lite_bot: BotUnderTest) -> None:
    users = seed(lite_bot, 300, same_message=True)
    # LINE is slow with the first copy; nothing has been learned yet, so the backup goes out after the
    # longest wait (half the client's 2 s timeout) and is accepted. (A backup told 409 because LINE had
    # taken the first copy: test_delivery's retry-after-a-timeout test, which now goes this way.)
    lite_bot.line.faults.append(Fault(500, delay=1.5, path="/v2/bot/message/multicast"))
    await lite_bot.runtime.sweep_once()
    assert set(recipients(lite_bot)) == set(users) and set(recipients(lite_bot).values()) == {1}
    assert lite_bot.line.requests["multicast", 200] == 1
    backups = lite_bot.runtime.metrics.registry.get_sample_value(
        "ruthan_line_backup_requests_total", {"endpoint": "multicast"}
    )
    assert backups == 1
