"""Consent, track choice, the age check and a parent's consent: everything before the first lesson."""

from __future__ import annotations

from bot.content import Audience, Track
from bot.flow.base import Messages, TutorState
from bot.learning import progress as records
from bot.storage.models import Learner, Phase
from bot.voice import texts as t
from bot.voice.ui import button, text


class Onboarding(TutorState):
    """Consent, track choice, the age check and a parent's consent: everything before the first lesson."""

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
        return [*self._classes_joined(), *self._ask_track()]

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

    def _ask_age(self, *, again: bool = False) -> Messages:
        return [
            text(
                t.ASK_AGE_AGAIN if again else t.ASK_AGE,
                [button(t.AGE_10_PLUS, "age", v="over"), button(t.AGE_UNDER_10, "age", v="under")],
            )
        ]

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
        return [*self._classes_joined(), *self._begin_or_ask_time(self._track())]

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
