"""The tutor: what a learner did, routed to the part of the flow that answers it.

State lives in the `Learner` row (phase, track, module, step), so a restart between any two messages loses
nothing. Each public method is one thing the learner did; each returns the messages to send in reply.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from bot import answers
from bot.content import Content
from bot.flow.base import Messages
from bot.flow.classroom import Classroom
from bot.flow.lessons import ANSWERING, Lessons
from bot.flow.menu import Menu
from bot.flow.onboarding import Onboarding
from bot.flow.reminding import Reminding
from bot.flow.reviewing import Reviewing
from bot.storage.db import find
from bot.storage.models import Learner, Phase
from bot.trainers import classes
from bot.voice import texts as t
from bot.voice.ui import button, text

# Typed commands and the words learners use for them; matching tolerates typos (see bot.answers).
COMMANDS: dict[str, tuple[str, ...]] = {
    "continue": (t.CONTINUE, "ไปต่อ", "เรียน", "ต่อ"),
    "progress": (t.PROGRESS, "คืบหน้า", "ดูคะแนน", "คะแนน"),
    "review": (t.REVIEW,),
    "practice": (t.PRACTICE, "ฝึก", "ฝึกเลย", "ฝึกตอบ"),
    "menu": (t.MENU_LABEL,),
    "help": (t.HELP_LABEL, "วิธีใช้", "ช่วย"),
    "delete": (t.DELETE_LABEL, "ลบข้อมูล"),
    "start": (t.START, "เริ่มใหม่", "เริ่มเรียน"),
    "next": (t.NEXT, "ถัดไป"),
    "again": (t.READ_AGAIN, "อ่านใหม่", "อ่านไม่ทัน", "อ่านอีกที", "ขออ่านอีกที"),
    "set_reminder": (t.SET_REMINDER, "เปลี่ยนเวลาเตือน", "เวลาเตือน", "เปลี่ยนเวลา", "ตั้งเวลา"),
    "snooze": (t.SNOOZE, "เตือนพรุ่งนี้"),
    "stop_reminders": (
        t.STOP_REMINDERS,
        "ปิดเตือน",
        "เลิกเตือน",
        "ไม่ต้องเตือน",
        "ไม่ต้องเตือนแล้ว",
        "ไม่ต้องเตือนอีก",
        "ปิดการเตือน",
        "หยุดการเตือน",
    ),
    "restart_reminders": (t.RESTART_REMINDERS, "เตือนด้วย", "เตือนอีก", "เตือนอีกครั้ง", "เปิดการเตือน"),
}

# A typed age: below PARENT_AGE a parent must agree (PDPA); outside MIN_AGE-MAX_AGE it is no age ("0",
# "555" laughing): the question is asked again.
PARENT_AGE = 10
MIN_AGE, MAX_AGE = 1, 120

# Longer messages are not read as answers or commands (a pasted SMS, an emoji storm).
MAX_READ_CHARS = 300


LEARNER = select(Learner).where(Learner.line_user_id == bindparam("line_user_id"))


class Tutor(Onboarding, Lessons, Reviewing, Menu, Classroom, Reminding):
    """One learner's conversation, for one event. Create per event with the session it should use."""

    def __init__(self, *, session: Session, content: Content, now: datetime, user_id: str):
        self.session = session
        self.content = content
        self.now = now
        self.user_id = user_id
        self.learner = find(session, Learner, LEARNER, line_user_id=user_id)

    # ----- what the learner did -------------------------------------------------------------------------

    def followed(self, *, unblocked: bool = False) -> Messages:
        """A new friend is welcomed and asked for consent; a returning one picks up where they left off."""
        learner = self.learner
        if learner is None:
            self._create()
            return self._ask_consent()
        learner.following = True
        if learner.phase in (Phase.CONSENT, Phase.DECLINED):
            learner.phase = Phase.CONSENT
            return self._ask_consent()
        return [text(t.WELCOME_BACK), *self._resume()]

    def unfollowed(self) -> Messages:
        """The learner blocked the bot: mark them inactive and send nothing."""
        if self.learner is not None:
            self.learner.following = False
        return []

    def pressed(self, action: str, params: dict[str, str]) -> Messages:
        """A quick-reply or rich-menu button was pressed (a postback)."""
        if self.learner is None:
            self._create()
            return self._ask_consent()
        handler = self._actions().get(action)
        return handler(params) if handler else self._not_understood()

    def typed(self, message: str) -> Messages:
        """The learner typed something: a command, an answer, or something we kindly do not understand."""
        request = classes.read_join(message)
        if request is not None and request.kind in ("join", "leave"):
            return self._class_request(request)
        if self.learner is None:
            self._create()
            return self._ask_consent()
        if len(message) > MAX_READ_CHARS:
            return [text(t.TOO_LONG, self._context_buttons())]
        phase = self.learner.phase
        if phase is Phase.CONFIRM_DELETE:
            decision = answers.read_yes_no(message)
            if decision is not None:
                return self._confirm_delete({"v": "yes" if decision else "no"})
        if phase in (Phase.CONSENT, Phase.DECLINED):
            return self._typed_before_consent(message)
        command = answers.read_command(message, COMMANDS)
        if command == "continue" and phase is Phase.CARD and message.strip() != t.CONTINUE:
            # "ต่อ", "ไปต่อเลย" typed under a card mean the next card; "เรียนต่อ", the menu's and the
            # announcements' button, resumes: the card again, for a learner who lost sight of it.
            return self._next()
        if command is not None:
            return self._actions()[command]({})
        if phase is not Phase.REMINDER_TIME and (changed := self._typed_time_elsewhere(message)) is not None:
            return changed
        return self._typed_in_phase(message)

    def sent_media(self, kind: str) -> Messages:
        """A sticker, photo, voice message or location: a friendly word and the buttons again."""
        if self.learner is None:
            self._create()
            return self._ask_consent()
        if self.learner.phase in ANSWERING:
            return [text(t.NOT_AN_ANSWER), self._show_question(header=False)]
        if self.learner.phase is Phase.CARD and self._lesson() is not None:
            # A sticker cannot say "I have read it", and a skipped card has no way back: point to "ต่อไป".
            return [text(t.CARD_MEDIA, self._card_buttons())]
        return [text(t.MEDIA_REPLY, self._context_buttons())]

    # ----- routing ----------------------------------------------------------------------------------------

    def _actions(self) -> dict[str, Callable[[dict[str, str]], Messages]]:
        return {
            "consent": self._consent,
            "track": self._choose_track,
            "age": self._age,
            "parent": self._parent,
            "next": lambda _: self._next(),
            "again": lambda _: self._again(),
            "ans": self._answer_button,
            "continue": lambda _: self._resume(),
            "progress": lambda _: self._progress(),
            "review": lambda _: self._start_review(),
            "practice": lambda _: self._start_practice(),
            "menu": lambda _: self._menu(),
            "help": lambda _: [text(t.HELP, self._menu_buttons())],
            "delete": lambda _: self._ask_delete(),
            "delete_confirm": self._confirm_delete,
            "start": lambda _: self._restart_onboarding(),
            "remind": self._choose_reminder_time,
            "set_reminder": lambda _: self._ask_reminder_time(),
            "snooze": lambda _: self._snooze(),
            "stop_reminders": lambda _: self._stop_reminders(),
            "restart_reminders": lambda _: self._restart_reminders(),
        }

    def _typed_before_consent(self, message: str) -> Messages:
        normalized = answers.normalize(message)
        if normalized.startswith(answers.normalize(t.CONSENT_NO)):
            return self._consent({"v": "no"})
        if normalized.startswith(answers.normalize(t.CONSENT_YES)):
            return self._consent({"v": "yes"})
        command = answers.read_command(message, COMMANDS)
        if command == "help":
            return [text(t.HELP)]
        if command == "start" or self.learner.phase is Phase.CONSENT:
            decision = answers.read_yes_no(message)
            if decision is not None and self.learner.phase is Phase.CONSENT:
                return self._consent({"v": "yes" if decision else "no"})
            return self._ask_consent(again=command != "start")
        return [text(t.DECLINED)]

    def _answer_too_early(self, message: str) -> bool:
        """A reply that reads as an answer to the lesson's first question ("ข", "2"), typed on a card."""
        lesson = self._lesson()
        if lesson is None or not lesson.questions:
            return False
        options = [option.text for option in lesson.questions[0].options]
        return answers.classify(message, options).kind in ("choice", "ambiguous")

    def _typed_in_phase(self, message: str) -> Messages:
        phase = self.learner.phase
        if phase is Phase.TRACK:
            tracks = list(self.content.tracks.values())
            index = answers.read_choice(message, [track.title for track in tracks])
            return (
                self._choose_track({"id": tracks[index].id})
                if index is not None
                else self._ask_track(again=True)
            )
        if phase is Phase.AGE:
            age = answers.read_age(message)
            if age is not None:
                if MIN_AGE <= age <= MAX_AGE:
                    return self._age({"v": "under" if age < PARENT_AGE else "over"})
                return self._ask_age(again=True)
            index = answers.read_choice(message, [t.AGE_10_PLUS, t.AGE_UNDER_10])
            if index is not None:
                return self._age({"v": "under" if index else "over"})
            return self._ask_age(again=True)
        if phase is Phase.PARENT:
            if answers.read_yes_no(message):
                return self._parent({})
            return [text(t.PARENT_WAITING, [button(t.PARENT_YES, "parent")])]
        if phase is Phase.CARD and (answers.read_yes_no(message) or answers.is_acknowledgement(message)):
            return self._next()
        if phase is Phase.CARD and answers.is_unsure(message) and self._lesson() is not None:
            return [text(t.CARD_UNCLEAR, self._card_help_buttons())]
        if phase is Phase.CARD and self._answer_too_early(message):
            return [text(t.READING_CARD, self._card_buttons())]
        if phase in ANSWERING:
            return self._typed_answer(message)
        if phase is Phase.REMINDER_TIME:
            return self._typed_reminder_time(message)
        return self._not_understood()
