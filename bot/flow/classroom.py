"""Joining and leaving a trainer's class by its code."""

from __future__ import annotations

from bot.flow.base import Messages, TutorState
from bot.storage.models import Phase
from bot.trainers import classes
from bot.voice import texts as t
from bot.voice.ui import text


class Classroom(TutorState):
    """Joining and leaving a trainer's class by its code."""

    def _class_request(self, request: classes.JoinRequest) -> Messages:
        """ "เข้าห้อง 4K7Q" joins a trainer's class (once consent is given); "ออกจากห้อง 4K7Q" leaves it.
        Too many codes that match no class make the learner wait a few minutes."""
        lookup = classes.lookup_code(
            self.session, request.code, sources=[classes.user_source(self.user_id)], now=self.now
        )
        if lookup.wait is not None:
            return [text(t.CODE_WAIT.format(minutes=lookup.wait_minutes), self._context_buttons())]
        classroom = lookup.classroom
        if classroom is None:
            return [text(t.CLASS_NOT_FOUND.format(code=request.code), self._context_buttons())]
        if request.kind == "leave":
            if self.learner is None or not classes.leave(
                self.session, learner_id=self.learner.id, classroom=classroom
            ):
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
        if learner.consented_at is None:
            # Members who have not agreed yet stay invisible to the trainer until they do; the class and
            # trainer are named once they agree (see `_classes_joined`).
            learner.phase = Phase.CONSENT
            pending = text(t.CLASS_AFTER_CONSENT.format(code=classroom.code))
            welcome, privacy = self._ask_consent()
            return [welcome, pending, privacy] if new_friend else [pending, privacy]
        if classes.awaiting_parent(learner):
            return self._carry_on(t.CLASS_AFTER_PARENT.format(code=classroom.code))
        trainer = classes.trainer_name(self.session, classroom)
        if not added:
            said = (
                t.CLASS_RENAMED.format(name=classroom.name, nickname=request.nickname)
                if request.nickname
                else t.CLASS_ALREADY.format(name=classroom.name)
            )
            return self._carry_on(said)
        shown = (
            t.CLASS_SHOWN_AS.format(nickname=request.nickname)
            if request.nickname
            else t.CLASS_NO_NAME.format(code=classroom.code)
        )
        return self._carry_on(
            t.CLASS_JOINED.format(name=classroom.name, trainer=trainer, shown=shown, code=classroom.code)
        )

    def _classes_joined(self) -> Messages:
        """Once the learner (or a child's parent) agrees: the classes they asked to join, now named."""
        joined = classes.joined_classes(self.session, self.learner.id)
        if not joined:
            return []
        lines = [t.CLASS_NOW_IN.format(name=classroom.name, trainer=trainer) for classroom, trainer in joined]
        return [text("\n".join(lines))]

    def _carry_on(self, said: str) -> Messages:
        """Say something, then show again what the learner was doing (or the menu between lessons)."""
        if self.learner.phase in (Phase.MODULE_DONE, Phase.TRACK_DONE):
            return [text(said, self._menu_buttons())]
        return [text(said), *self._resume()]
