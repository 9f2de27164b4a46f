"""The tutor: every transition of a learner's conversation, in one place.

State lives in the `Learner` row (phase, track, module, step), so a restart between any two messages loses
nothing. Each public method is one thing the learner did; each returns the messages to send in reply.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot import answers
from bot.content import Audience, Content, Lesson, Question, Track
from bot.flow import progress as records
from bot.flow import texts as t
from bot.flow.ui import Button, button, card, progress_card, text
from bot.gateway import MessageJSON
from bot.storage.models import Attempt, Learner, Phase
from bot.trainers import classes
from scheduler import reminders, review

# Day-level FSRS for review cards (an immutable configuration, shared).
REVIEW_SCHEDULER = review.make_scheduler()

# Typed commands and the words learners use for them; matching tolerates typos (see bot.answers).
COMMANDS: dict[str, tuple[str, ...]] = {
    "continue": (t.CONTINUE, "ไปต่อ", "เรียน", "ต่อ"),
    "progress": (t.PROGRESS, "คืบหน้า", "ดูคะแนน", "คะแนน"),
    "review": (t.REVIEW,),
    "menu": (t.MENU_LABEL,),
    "help": (t.HELP_LABEL, "วิธีใช้", "ช่วย"),
    "delete": (t.DELETE_LABEL, "ลบข้อมูล"),
    "start": (t.START, "เริ่มใหม่", "เริ่มเรียน"),
    "next": (t.NEXT, "ถัดไป"),
    "again": (t.READ_AGAIN, "อ่านใหม่"),
    "set_reminder": (t.SET_REMINDER, "เปลี่ยนเวลาเตือน", "เวลาเตือน"),
    "snooze": (t.SNOOZE, "เตือนพรุ่งนี้"),
    "stop_reminders": (t.STOP_REMINDERS, "ปิดเตือน", "เลิกเตือน", "ไม่ต้องเตือน", "ไม่ต้องเตือนแล้ว"),
    "restart_reminders": (t.RESTART_REMINDERS, "เตือนด้วย"),
}

# The reminder times offered as buttons: three, for every track (the elderly see at most three choices).
REMINDER_CHOICES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (t.REMIND_MORNING, 8 * 60, ("เช้า", "ตอนเช้า")),
    (t.REMIND_NOON, 12 * 60, ("กลางวัน", "ตอนกลางวัน", "เที่ยง", "ตอนเที่ยง")),
    (t.REMIND_EVENING, 19 * 60, ("เย็น", "ตอนเย็น")),
)

# Longer messages are not read as answers or commands (a pasted SMS, an emoji storm).
MAX_READ_CHARS = 300

Messages = list[MessageJSON]


class Tutor:
    """One learner's conversation, for one event. Create per event with the session it should use."""

    def __init__(self, *, session: Session, content: Content, now: datetime, user_id: str):
        self.session = session
        self.content = content
        self.now = now
        self.user_id = user_id
        self.learner = session.exec(select(Learner).where(Learner.line_user_id == user_id)).first()

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
        if command is not None:
            return self._actions()[command]({})
        return self._typed_in_phase(message)

    def sent_media(self, kind: str) -> Messages:
        """A sticker, photo, voice message or location: a friendly word and the buttons again."""
        if self.learner is None:
            self._create()
            return self._ask_consent()
        if self.learner.phase in (Phase.QUESTION, Phase.REVIEW):
            return [text(t.NOT_AN_ANSWER), self._show_question(header=False)]
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

    def _typed_in_phase(self, message: str) -> Messages:
        phase = self.learner.phase
        if phase is Phase.TRACK:
            tracks = list(self.content.tracks.values())
            index = answers.read_choice(message, [track.title for track in tracks])
            return self._choose_track({"id": tracks[index].id}) if index is not None else self._ask_track(again=True)
        if phase is Phase.AGE:
            index = answers.read_choice(message, [t.AGE_10_PLUS, t.AGE_UNDER_10])
            if index is not None:
                return self._age({"v": "under" if index else "over"})
            return self._ask_age()
        if phase is Phase.PARENT:
            if answers.read_yes_no(message):
                return self._parent({})
            return [text(t.PARENT_WAITING, [button(t.PARENT_YES, "parent")])]
        if phase is Phase.CARD and answers.read_yes_no(message):
            return self._next()
        if phase in (Phase.QUESTION, Phase.REVIEW):
            return self._typed_answer(message)
        if phase is Phase.REMINDER_TIME:
            return self._typed_reminder_time(message)
        return self._not_understood()

    # ----- onboarding ---------------------------------------------------------------------------------------

    def _create(self) -> None:
        # Only the LINE user ID and where the conversation stands: nothing else before consent.
        self.learner = Learner(line_user_id=self.user_id, created_at=self.now, last_seen_at=self.now)
        self.session.add(self.learner)

    def _ask_consent(self, *, again: bool = False) -> Messages:
        buttons = [button(t.CONSENT_YES, "consent", v="yes"), button(t.CONSENT_NO, "consent", v="no")]
        if again:
            return [text(t.ASK_CONSENT_AGAIN, buttons)]
        return [text(t.WELCOME), text(t.PRIVACY, buttons)]

    def _restart_onboarding(self) -> Messages:
        if self.learner.consented_at is None:
            self.learner.phase = Phase.CONSENT
            return self._ask_consent()
        return self._resume()

    def _consent(self, params: dict[str, str]) -> Messages:
        learner = self.learner
        if learner.consented_at is not None:
            return self._resume()
        if params.get("v") != "yes":
            learner.phase = Phase.DECLINED
            return [text(t.DECLINED)]
        learner.consented_at = self.now
        learner.phase = Phase.TRACK
        return self._ask_track()

    def _ask_track(self, *, again: bool = False) -> Messages:
        buttons = [button(track.title, "track", id=track.id) for track in self.content.tracks.values()]
        return [text(t.ASK_TRACK_AGAIN if again else t.ASK_TRACK, buttons)]

    def _choose_track(self, params: dict[str, str]) -> Messages:
        learner = self.learner
        track = self.content.track(params.get("id"))
        if learner.consented_at is None:
            return self._ask_consent(again=True)
        if track is None or learner.phase not in (Phase.TRACK, Phase.TRACK_DONE, Phase.MODULE_DONE):
            return self._resume() if learner.track_id else self._ask_track(again=True)
        learner.track_id = track.id
        if track.audience is Audience.STUDENT and not learner.parental_consent:
            learner.phase = Phase.AGE
            return self._ask_age()
        return self._begin_or_ask_time(track)

    def _ask_age(self) -> Messages:
        return [text(t.ASK_AGE, [button(t.AGE_10_PLUS, "age", v="over"), button(t.AGE_UNDER_10, "age", v="under")])]

    def _age(self, params: dict[str, str]) -> Messages:
        if self.learner.phase is not Phase.AGE:
            return self._resume()
        if params.get("v") == "under":
            # PDPA guidance: children under 10 need a parent's consent.
            self.learner.phase = Phase.PARENT
            return [text(t.PRIVACY), text(t.ASK_PARENT, [button(t.PARENT_YES, "parent")])]
        return self._begin_or_ask_time(self._track())

    def _parent(self, _params: dict[str, str]) -> Messages:
        if self.learner.phase is not Phase.PARENT:
            return self._resume()
        self.learner.parental_consent = True
        return self._begin_or_ask_time(self._track())

    def _begin_or_ask_time(self, track: Track | None) -> Messages:
        """A first track starts with the reminder-time question; a later one starts at once."""
        if track is None or self.learner.module_id is not None:
            return self._begin_track(track)
        self.learner.phase = Phase.REMINDER_TIME
        self.learner.resume_phase = None  # onboarding: the track begins once a time is chosen
        return [text(t.ASK_REMINDER_TIME, self._reminder_time_buttons())]

    def _begin_track(self, track: Track | None) -> Messages:
        if track is None:
            self.learner.phase = Phase.TRACK
            return self._ask_track()
        lesson = records.next_lesson(self.session, self.content, self.learner, track)
        if lesson is None:
            return self._track_done()
        intro = text(t.TRACK_CHOSEN.format(count=len(self.content.lessons_of(track))))
        return [intro, *self._start_lesson(lesson)]

    # ----- lessons ------------------------------------------------------------------------------------------

    def _track(self) -> Track | None:
        return self.content.track(self.learner.track_id)

    @property
    def _large(self) -> bool:
        track = self._track()
        return track is not None and track.audience is Audience.ELDERLY

    def _lesson(self) -> Lesson | None:
        """The current module, if it still exists in the content and in the learner's track."""
        track = self._track()
        module_id = self.learner.module_id
        if track is None or module_id not in track.modules:
            return None
        return self.content.lessons.get(module_id or "")

    def _start_lesson(self, lesson: Lesson) -> Messages:
        learner = self.learner
        learner.module_id, learner.step, learner.module_correct = lesson.id, 0, 0
        learner.phase = Phase.CARD
        return [self._show_card()]

    def _resume(self) -> Messages:
        """Pick up exactly where the learner was, repairing state the content no longer supports."""
        learner = self.learner
        if learner.consented_at is None:
            learner.phase = Phase.CONSENT
            return self._ask_consent(again=True)
        track = self._track()
        if track is None:
            learner.phase = Phase.TRACK
            return self._ask_track()
        phase = learner.phase
        if phase is Phase.AGE:
            return self._ask_age()
        if phase is Phase.PARENT:
            return [text(t.ASK_PARENT, [button(t.PARENT_YES, "parent")])]
        if phase is Phase.REVIEW and self._review_question() is not None:
            return [self._show_question()]
        if phase is Phase.REMINDER_TIME:
            # Moving on without choosing keeps the time already set (19:00 unless changed).
            return self._set_reminder_time(learner.remind_minute, kept=True)
        if phase is Phase.CONFIRM_DELETE:
            learner.phase = learner.resume_phase or Phase.MODULE_DONE
        lesson = self._lesson()
        if learner.phase in (Phase.CARD, Phase.QUESTION) and lesson is not None:
            if learner.phase is Phase.CARD and learner.step < len(lesson.module.cards):
                return [self._show_card()]
            if learner.phase is Phase.QUESTION and learner.step < len(lesson.questions):
                return [self._show_question()]
        following = records.next_lesson(self.session, self.content, learner, track)
        return self._start_lesson(following) if following else self._track_done()

    def _card_buttons(self) -> list[Button]:
        buttons = [button(t.NEXT, "next")]
        if self._large:
            buttons.append(button(t.READ_AGAIN, "again"))
        return [*buttons, button(t.MENU_LABEL, "menu")]

    def _show_card(self) -> MessageJSON:
        lesson = self._lesson()
        assert lesson is not None
        cards = lesson.module.cards
        step = min(self.learner.step, len(cards) - 1)
        title = self._module_title(lesson) if step == 0 else None
        footer = t.CARD_FOOTER.format(index=step + 1, total=len(cards))
        return card(cards[step].text, title=title, footer=footer, large=self._large, buttons=self._card_buttons())

    def _module_title(self, lesson: Lesson) -> str:
        track = self._track()
        number = track.modules.index(lesson.id) + 1 if track and lesson.id in track.modules else 1
        return t.MODULE_TITLE.format(number=number, title=lesson.module.title)

    def _next(self) -> Messages:
        learner = self.learner
        lesson = self._lesson()
        if learner.phase is not Phase.CARD or lesson is None:
            return self._resume()
        learner.step += 1
        cheer = self._record_study()
        shown = [text(cheer)] if cheer else []
        if learner.step < len(lesson.module.cards):
            return [*shown, self._show_card()]
        learner.phase, learner.step = Phase.QUESTION, 0
        return [*shown, self._show_question()]

    def _again(self) -> Messages:
        if self.learner.phase is Phase.CARD and self._lesson() is not None:
            return [self._show_card()]
        if self.learner.phase in (Phase.QUESTION, Phase.REVIEW) and self._current_question() is not None:
            return [self._show_question()]
        return self._resume()

    # ----- questions ----------------------------------------------------------------------------------------

    def _review_question(self) -> tuple[Lesson, Question] | None:
        return self.content.questions.get(self.learner.review_question_id or "")

    def _current_question(self) -> tuple[Lesson, Question] | None:
        if self.learner.phase is Phase.REVIEW:
            return self._review_question()
        lesson = self._lesson()
        if self.learner.phase is not Phase.QUESTION or lesson is None or self.learner.step >= len(lesson.questions):
            return None
        return lesson, lesson.questions[self.learner.step]

    def _question_buttons(self, question: Question) -> list[Button]:
        buttons = [
            button(option.button, "ans", q=question.id, i=index) for index, option in enumerate(question.options)
        ]
        buttons.append(button("ไม่แน่ใจ", "ans", q=question.id, i="unsure"))
        if self._large:
            buttons.append(button(t.READ_AGAIN, "again"))
        return buttons

    def _show_question(self, *, header: bool = True) -> MessageJSON:
        current = self._current_question()
        assert current is not None
        lesson, question = current
        if self.learner.phase is Phase.REVIEW:
            title = f"🔁 {lesson.module.title}"
        else:
            title = t.QUESTION_HEADER.format(index=self.learner.step + 1, total=len(lesson.questions))
        choices = "\n".join(f"{index}. {option.text}" for index, option in enumerate(question.options, start=1))
        body = f"{question.prompt}\n\n{choices}"
        return card(body, title=title if header else None, large=self._large, buttons=self._question_buttons(question))

    def _answer_button(self, params: dict[str, str]) -> Messages:
        current = self._current_question()
        if current is None or params.get("q") != current[1].id:
            # An old button, pressed again: never score twice.
            shown = [self._show_question()] if current else self._resume()
            return [text(t.STALE_ANSWER), *shown]
        raw = params.get("i", "")
        if raw == "unsure":
            return self._score(None)
        if not raw.isdigit() or int(raw) >= len(current[1].options):
            return [text(t.WHICH_ONE), self._show_question(header=False)]
        return self._score(int(raw))

    def _typed_answer(self, message: str) -> Messages:
        current = self._current_question()
        if current is None:
            return self._resume()
        question = current[1]
        options = [option.text for option in question.options]
        # A button's label is what LINE shows as the learner's words, so typing it must count too.
        aliases = [[*option.aliases, *([option.label] if option.label else [])] for option in question.options]
        reading = answers.classify(message, options, aliases)
        if reading.kind == "choice" and reading.index is not None:
            return self._score(reading.index)
        if reading.kind == "unsure":
            return self._score(None)
        if reading.kind == "ambiguous":
            return [text(t.WHICH_ONE), self._show_question(header=False)]
        return [text(t.NOT_AN_ANSWER), self._show_question(header=False)]

    def _score(self, choice: int | None) -> Messages:
        """Record the answer, say right or not and why, then move on."""
        learner = self.learner
        lesson, question = self._current_question()  # type: ignore[misc]
        correct = choice == question.answer
        in_review = learner.phase is Phase.REVIEW
        self.session.add(
            Attempt(
                learner_id=learner.id,
                module_id=lesson.id,
                question_id=question.id,
                choice=-1 if choice is None else choice,
                correct=correct,
                review=in_review,
                answered_at=self.now,
            )
        )
        review.record_answer(self.session, learner_id=learner.id, question_id=question.id, correct=correct,
                             now=self.now, scheduler=REVIEW_SCHEDULER)
        right_answer = question.options[question.answer].text
        if correct:
            verdict = t.RIGHT
        elif choice is None:
            verdict = t.UNSURE.format(answer=right_answer)
        else:
            verdict = t.WRONG.format(answer=right_answer)
        cheer = self._record_study()
        feedback = text(f"{verdict}\n{question.explanation}" + (f"\n\n{cheer}" if cheer else ""))
        if in_review:
            return [feedback, *self._next_review()]
        learner.module_correct += int(correct)
        learner.step += 1
        if learner.step < len(lesson.questions):
            return [feedback, self._show_question()]
        return [feedback, *self._finish_lesson(lesson)]

    def _finish_lesson(self, lesson: Lesson) -> Messages:
        learner = self.learner
        total = len(lesson.questions)
        self.session.flush()  # the answer just given counts in the result below
        records.record_result(self.session, learner, lesson.id, learner.module_correct, total, self.now)
        self.session.flush()
        track = self._track()
        following = records.next_lesson(self.session, self.content, learner, track) if track else None
        lines = [t.MODULE_DONE.format(title=lesson.module.title, correct=learner.module_correct, total=total)]
        lines.append(t.MODULE_DONE_PRAISE if learner.module_correct == total else t.MODULE_DONE_REVIEW)
        if self._large:
            lines.append(t.HABIT)
        if following is None:
            learner.phase = Phase.TRACK_DONE
            return [text("\n".join(lines)), text(t.TRACK_DONE, self._menu_buttons())]
        learner.phase = Phase.MODULE_DONE
        lines.append(t.NEXT_MODULE.format(title=following.module.title))
        return [text("\n".join(lines), self._menu_buttons())]

    def _track_done(self) -> Messages:
        self.learner.phase = Phase.TRACK_DONE
        return [text(t.TRACK_DONE, self._menu_buttons())]

    # ----- review -------------------------------------------------------------------------------------------

    def _start_review(self) -> Messages:
        """"ทบทวน": the questions due today, one by one; if none are due yet, when they will be."""
        learner = self.learner
        if learner.consented_at is None or self._track() is None:
            return self._resume()
        due = self._due_reviews()
        if not due:
            upcoming = review.next_due(self.session, learner.id)
            if upcoming is None:
                return [text(t.REVIEW_EMPTY, self._menu_buttons())]
            days = (reminders.local_date(upcoming) - reminders.local_date(self.now)).days
            when = t.REVIEW_TOMORROW if days <= 1 else t.REVIEW_IN_DAYS.format(days=days)
            return [text(t.REVIEW_NOT_YET.format(when=when), self._menu_buttons())]
        if learner.phase is not Phase.REVIEW:
            learner.resume_phase = learner.phase
        learner.phase = Phase.REVIEW
        learner.review_question_id = due[0][1].id
        return [text(t.REVIEW_START.format(count=len(due))), self._show_question()]

    def _due_reviews(self) -> list[tuple[Lesson, Question]]:
        """Review cards due now whose question still exists in the content."""
        ids = review.due_question_ids(self.session, self.learner.id, self.now)
        return [self.content.questions[qid] for qid in ids if qid in self.content.questions]

    def _next_review(self) -> Messages:
        """The next question due; the menu when this round is done (answered cards move to a later day)."""
        learner = self.learner
        self.session.flush()
        remaining = self._due_reviews()
        if remaining:
            learner.review_question_id = remaining[0][1].id
            return [self._show_question()]
        learner.phase = learner.resume_phase or Phase.MODULE_DONE
        learner.resume_phase = learner.review_question_id = None
        return [text(t.REVIEW_DONE, self._menu_buttons())]

    # ----- menu, progress, delete ---------------------------------------------------------------------------

    def _menu_buttons(self) -> list[Button]:
        return [
            button(t.CONTINUE, "continue"),
            button(t.PROGRESS, "progress"),
            button(t.REVIEW, "review"),
            button(t.SET_REMINDER, "set_reminder"),
            button(t.HELP_LABEL, "help"),
            button(t.DELETE_LABEL, "delete"),
        ]

    def _context_buttons(self) -> list[Button]:
        phase = self.learner.phase if self.learner else Phase.CONSENT
        if phase is Phase.CARD and self._lesson() is not None:
            return self._card_buttons()
        if phase is Phase.REMINDER_TIME:
            return self._reminder_time_buttons()
        if phase in (Phase.CONSENT, Phase.DECLINED):
            return [button(t.CONSENT_YES, "consent", v="yes"), button(t.CONSENT_NO, "consent", v="no")]
        return self._menu_buttons()

    def _menu(self) -> Messages:
        return [text(t.MENU, self._menu_buttons())]

    def _not_understood(self) -> Messages:
        return [text(t.NOT_UNDERSTOOD, self._context_buttons())]

    def _progress(self) -> Messages:
        track = self._track()
        if self.learner.consented_at is None or track is None:
            return [text(t.NOT_STARTED), *self._resume()]
        report = records.progress(self.session, self.content, self.learner, track)
        lines = [t.PROGRESS_MODULES.format(done=report.done, total=report.total)]
        if report.answered:
            lines.append(t.PROGRESS_SCORE.format(percent=report.percent_correct))
        if report.to_review:
            lines.append(t.PROGRESS_REVIEW.format(count=report.to_review))
        if report.next_lesson:
            lines.append(t.PROGRESS_NEXT.format(title=report.next_lesson.module.title))
        else:
            lines.append(t.PROGRESS_FINISHED)
        streak = reminders.current_streak(self.learner, self.now)
        if streak:
            lines.append(t.PROGRESS_STREAK.format(days=streak))
        title = f"{t.PROGRESS_TITLE} · {track.title}"
        return [progress_card(title=title, lines=lines, percent=report.percent_done, buttons=self._menu_buttons())]

    def _ask_delete(self) -> Messages:
        learner = self.learner
        if learner.phase is not Phase.CONFIRM_DELETE:
            learner.resume_phase = learner.phase
        learner.phase = Phase.CONFIRM_DELETE
        buttons = [button(t.DELETE_YES, "delete_confirm", v="yes"), button(t.DELETE_NO, "delete_confirm", v="no")]
        return [text(t.CONFIRM_DELETE, buttons)]

    def _confirm_delete(self, params: dict[str, str]) -> Messages:
        learner = self.learner
        if learner.phase is not Phase.CONFIRM_DELETE:
            return self._resume()
        if params.get("v") == "yes":
            records.erase(self.session, learner)
            self.learner = None
            return [text(t.DELETED)]
        learner.phase = learner.resume_phase or Phase.MODULE_DONE
        learner.resume_phase = None
        return [text(t.DELETE_CANCELLED, self._menu_buttons())]

    # ----- classes ------------------------------------------------------------------------------------------

    def _class_request(self, request: classes.JoinRequest) -> Messages:
        """"เข้าห้อง 4K7Q" joins a trainer's class (once consent is given); "ออกจากห้อง 4K7Q" leaves it."""
        classroom = classes.find_by_code(self.session, request.code)
        if classroom is None:
            return [text(t.CLASS_NOT_FOUND.format(code=request.code), self._context_buttons())]
        if request.kind == "leave":
            if self.learner is None or not classes.leave(self.session, learner_id=self.learner.id,
                                                           classroom=classroom):
                return [text(t.CLASS_NOT_MEMBER.format(code=request.code), self._context_buttons())]
            return [text(t.CLASS_LEFT.format(name=classroom.name), self._context_buttons())]
        new_friend = self.learner is None
        if new_friend:
            self._create()
            self.session.flush()
        learner = self.learner
        added = classes.join(
            self.session, learner_id=learner.id, classroom=classroom, nickname=request.nickname, now=self.now
        )
        trainer = classes.trainer_name(self.session, classroom)
        if learner.consented_at is None:
            # Members who have not agreed yet stay invisible to the trainer until they do.
            learner.phase = Phase.CONSENT
            pending = text(
                t.CLASS_AFTER_CONSENT.format(code=classroom.code, name=classroom.name, trainer=trainer)
            )
            welcome, privacy = self._ask_consent()
            return [welcome, pending, privacy] if new_friend else [pending, privacy]
        if not added:
            said = (t.CLASS_RENAMED.format(name=classroom.name, nickname=request.nickname) if request.nickname
                    else t.CLASS_ALREADY.format(name=classroom.name))
            return self._carry_on(said)
        shown = (t.CLASS_SHOWN_AS.format(nickname=request.nickname) if request.nickname
                 else t.CLASS_NO_NAME.format(code=classroom.code))
        return self._carry_on(
            t.CLASS_JOINED.format(name=classroom.name, trainer=trainer, shown=shown, code=classroom.code)
        )

    def _carry_on(self, said: str) -> Messages:
        """Say something, then show again what the learner was doing (or the menu between lessons)."""
        if self.learner.phase in (Phase.MODULE_DONE, Phase.TRACK_DONE):
            return [text(said, self._menu_buttons())]
        return [text(said), *self._resume()]

    # ----- reminders and streaks ----------------------------------------------------------------------------

    def _record_study(self) -> str | None:
        """Count today as a study day; a gentle cheer when the streak reaches 3, 7 or 30 days."""
        milestone = reminders.record_study(self.learner, self.now)
        return t.STREAK_CHEERS.get(milestone) if milestone else None

    def _reminder_time_buttons(self) -> list[Button]:
        return [button(label, "remind", m=minute) for label, minute, _ in REMINDER_CHOICES]

    def _ask_reminder_time(self) -> Messages:
        """The learner is asked what time of day suits them, with three buttons (or a typed time)."""
        learner = self.learner
        if learner.consented_at is None or self._track() is None:
            return self._resume()
        if learner.phase is not Phase.REMINDER_TIME:
            # A detour from review or a pending delete ends it; anything else is picked up afterwards.
            if learner.phase not in (Phase.REVIEW, Phase.CONFIRM_DELETE):
                learner.resume_phase = learner.phase
            learner.phase = Phase.REMINDER_TIME
        return [text(t.ASK_REMINDER_TIME, self._reminder_time_buttons())]

    def _typed_reminder_time(self, message: str) -> Messages:
        """A typed time ("18:30") or one of the offered words ("เย็น") sets the reminder."""
        minute = reminders.parse_time(message)
        if minute is None:
            labels = [label for label, _, _ in REMINDER_CHOICES]
            words = [words for _, _, words in REMINDER_CHOICES]
            index = answers.read_choice(message, labels, words)
            minute = REMINDER_CHOICES[index][1] if index is not None else None
        if minute is None:
            return [text(t.ASK_REMINDER_TIME_AGAIN, self._reminder_time_buttons())]
        return self._set_reminder_time(minute)

    def _choose_reminder_time(self, params: dict[str, str]) -> Messages:
        """A reminder-time button was pressed: the time is kept and the learner carries on."""
        raw = params.get("m", "")
        if self.learner.consented_at is None or not raw.isdigit() or int(raw) >= reminders.DAY:
            return self._resume()
        return self._set_reminder_time(int(raw))

    def _set_reminder_time(self, minute: int, *, kept: bool = False) -> Messages:
        learner = self.learner
        learner.remind_minute = minute
        learner.reminders_stopped = False
        said = (t.REMINDER_KEPT if kept else t.REMINDER_SET).format(time=reminders.format_time(minute))
        if learner.phase is not Phase.REMINDER_TIME:
            return [text(said, self._menu_buttons())]
        if learner.resume_phase is None:  # onboarding: the first lesson starts now
            return [text(said), *self._begin_track(self._track())]
        learner.phase, learner.resume_phase = learner.resume_phase, None
        return [text(said, self._menu_buttons())]

    def _snooze(self) -> Messages:
        """"พรุ่งนี้ค่อยเตือน": no more reminders today; tomorrow as usual."""
        learner = self.learner
        if learner.consented_at is None:
            return self._resume()
        learner.snoozed_until = reminders.local_date(self.now) + timedelta(days=1)
        learner.ignored_reminders = 0  # an answer, not silence
        return [text(t.SNOOZED, self._menu_buttons())]

    def _stop_reminders(self) -> Messages:
        """"หยุดเตือน": no reminders at all until the learner asks for them again."""
        if self.learner.consented_at is None:
            return self._resume()
        self.learner.reminders_stopped = True
        return [text(t.REMINDERS_STOPPED, self._menu_buttons())]

    def _restart_reminders(self) -> Messages:
        """"เปิดเตือน": daily reminders again, at the time chosen before."""
        learner = self.learner
        if learner.consented_at is None:
            return self._resume()
        learner.reminders_stopped = False
        learner.snoozed_until = None
        learner.ignored_reminders = 0
        when = reminders.format_time(learner.remind_minute)
        return [text(t.REMINDERS_RESTARTED.format(time=when), self._menu_buttons())]
