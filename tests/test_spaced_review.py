"""Spaced review with FSRS, by the day: a mistake returns the next day, a right answer pushes it further."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card
from sqlmodel import Session, SQLModel, create_engine

from bot.learning import review
from bot.learning.reminders import BANGKOK, local_date
from bot.storage.models import Learner, ReviewCard
from tests.harness import BotUnderTest, user_id
from tests.test_learning_loop import onboard, rows

SCHEDULER = review.make_scheduler(fuzz=False)


def bangkok(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


def _session() -> Session:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    session = Session(engine)
    learner = Learner(line_user_id="U1", created_at=bangkok(1, 9), last_seen_at=bangkok(1, 9))
    session.add(learner)
    session.flush()
    return session


def answer(session: Session, when: datetime, *, correct: bool) -> ReviewCard | None:
    return review.record_answer(
        session, learner_id=1, question_id="q1", correct=correct, now=when, scheduler=SCHEDULER
    )


def test_a_miss_in_the_evening_is_due_the_next_morning_not_minutes_later() -> None:
    session = _session()
    card = answer(session, bangkok(20, 19, 30), correct=False)
    assert card is not None
    assert card.due == bangkok(21, 3, 30)  # the next local day, at least eight hours after the mistake
    assert review.due_question_ids(session, 1, bangkok(20, 19, 45)) == []
    assert review.due_question_ids(session, 1, bangkok(21, 19, 0)) == ["q1"]  # in tomorrow's reminder


def test_a_miss_just_before_midnight_is_not_due_at_midnight() -> None:
    session = _session()
    card = answer(session, bangkok(20, 23, 30), correct=False)
    assert card is not None and card.due == bangkok(21, 7, 30)


def test_a_right_answer_without_a_card_needs_no_review() -> None:
    session = _session()
    assert answer(session, bangkok(20, 10), correct=True) is None
    assert review.next_due(session, 1) is None


def test_a_right_review_on_the_due_day_stretches_the_interval_in_whole_days() -> None:
    session = _session()
    answer(session, bangkok(20, 19, 30), correct=False)
    card = answer(session, bangkok(21, 19, 0), correct=True)  # half an hour before FSRS's exact instant
    assert card is not None
    fsrs = Card.from_json(card.card)
    assert fsrs.last_review is not None
    days = (local_date(card.due) - local_date(bangkok(21, 19))).days
    assert days >= 2  # counted as a review after one whole day, not a same-day repeat
    reviewed_on = card.due
    again = answer(session, reviewed_on, correct=False)  # forgotten: back the next day
    assert again is not None and (local_date(again.due) - local_date(reviewed_on)).days == 1


async def test_unsure_answers_come_back_for_review_the_next_day(bot: BotUnderTest) -> None:
    user = user_id("spaced")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "ไม่แน่ใจ")
    assert [card.question_id for card in rows(bot, ReviewCard)] == ["t-habit-q1"]
    await bot.say(user, "ไม่จริง")  # right: no card
    await bot.say(user, "ไม่เชื่อ ไม่รีบ ไม่โอน")
    assert len(rows(bot, ReviewCard)) == 1
    bot.clock.advance(days=1)
    offered = await bot.say(user, "ทบทวน")
    assert "1 ข้อ" in offered.texts[0] and "มีคนโทรมาบอกว่า" in offered.text
    done = await bot.say(user, "2")
    assert done.texts[0].startswith("✅") and "ทบทวนครบแล้ว" in done.text
    bot.clock.advance(days=1)
    later = await bot.say(user, "ทบทวน")
    assert "ทบทวนในอีก" in later.text or "พรุ่งนี้" in later.text
    assert "ลบข้อมูลของฉัน" in later.labels


async def test_erasing_my_data_removes_review_cards(bot: BotUnderTest) -> None:
    user = user_id("forgets-cards")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")
    assert rows(bot, ReviewCard)
    ask = await bot.say(user, "ลบข้อมูลของฉัน")
    await bot.tap(user, ask, "ลบเลย")
    assert rows(bot, ReviewCard) == []


def test_offered_at_never_precedes_the_gap() -> None:
    answered = bangkok(20, 23, 59)
    assert review.offered_at(answered + timedelta(days=1), answered) >= answered + review.MIN_GAP
