"""Drills in the conversation ("จริงหรือหลอก?", issue 14): a module's drills, the daily "ซ้อมจับโกง" set,
drills due for review, and the placement and final checks with the learner's score card.

A round is a list of drills shown one at a time (`learner.drill_ids`, `drill_step`, `drill_context`), in one
of three phases:

- `MODULE_DRILL`: after a module's quiz, its drills (at most `MODULE_DRILLS`, genuine and scam mixed), each
  with feedback on the exact cue; then the module's summary. After the quiz, not between the cards: the cards
  teach the sign, the quiz checks the habit, and the drill asks the learner to find the sign in a message
  that looks like the real thing, which is the transfer the course is for. The module's score stays the
  quiz's, recorded before the drills, so progress and dashboards read as before.
- `DRILL`: a detour from anywhere (the daily set, typed "ซ้อมจับโกง" or from the menu; drills due for
  review, after the due questions), left for the phase it was entered from.
- `CHECK`: the placement check (offered in `CHECK_OFFER` when a track begins, before its first module) or the
  final check (offered when the track is done). No feedback per item (it measures; "ไม่มีผิด ไม่มีถูก"),
  then the score card: hits on scams and calm on genuine messages, before and after when both exist.

Answers are tapped (postback `a=drill&id=..&v=real|scam|unsure`) or typed (จริง / หลอก / ไม่แน่ใจ, digits,
typos: bot/drills/answers.py). Every verdict is stored (bot/learning/drill_answers.py); practice misses come
back in review. Sits between views and reviewing: imports views only among the parts.
"""

from __future__ import annotations

from bot import answers
from bot.content import Audience, Lesson
from bot.drills import feedback as drill_feedback
from bot.drills import render, scoring
from bot.drills.answers import Verdict, from_postback, read_verdict
from bot.drills.content import CheckKind, Drill, DrillBank
from bot.drills.selection import Attempt, daily_set
from bot.flow import certificate, family, views
from bot.flow.turn import KEEP, Keep, Messages, Params, Step, Turn, resuming, say
from bot.gateway import MessageJSON
from bot.learning import assignments, drill_answers, reminders, review
from bot.learning import progress as records
from bot.storage.models import DrillContext, Phase
from bot.voice import texts as t
from bot.voice.ui import Button, button, card, text

# The phases in which a drill is on screen and a typed reply is read as a verdict.
PHASES = (Phase.MODULE_DRILL, Phase.DRILL, Phase.CHECK)
# A module shows at most this many of its drills (a genuine and a scam first); the rest come in daily sets.
MODULE_DRILLS = 3
# Drills due for review shown in one round.
REVIEW_DRILLS = 5
SCHEDULER = review.make_scheduler()
_CHECK_CONTEXT = {CheckKind.PLACEMENT: DrillContext.PLACEMENT, CheckKind.FINAL: DrillContext.FINAL}
# Balanced accuracy from which a check result earns strong or good praise (no 🎉 below "strong").
STRONG, GOOD = 0.85, 0.7


def bank(turn: Turn) -> DrillBank:
    return turn.content.drills


# ----- the round on screen ------------------------------------------------------------------------------


def round_ids(turn: Turn) -> list[str]:
    return [i for i in (turn.learner.drill_ids or "").split(",") if i]


def current_drill(turn: Turn, phase: Phase | None = None) -> Drill | None:
    """The drill on screen in `phase` (the learner's own by default), if it still exists in the content."""
    learner = turn.learner
    ids = round_ids(turn)
    if (phase or learner.phase) not in PHASES or learner.drill_step >= len(ids):
        return None
    return bank(turn).get(ids[learner.drill_step])


def context(turn: Turn) -> DrillContext | None:
    value = turn.learner.drill_context
    return DrillContext(value) if value in set(DrillContext) else None


def audience(turn: Turn) -> Audience | None:
    track = turn.track()
    return track.audience if track is not None else None


def show(turn: Turn, phase: Phase | None = None) -> MessageJSON:
    """The drill on screen in `phase` (a part moving the learner passes the phase it moves them to), with its
    place in the round and, for the elderly, the read-again button."""
    drill = current_drill(turn, phase)
    assert drill is not None
    extra = [button(t.READ_AGAIN, "again")] if turn.large else []
    progress = t.DRILL_HEADER.format(index=turn.learner.drill_step + 1, total=len(round_ids(turn)))
    return render.drill_message(drill, audience(turn), extra_buttons=extra, progress=progress)


def begin(
    turn: Turn,
    drills: list[Drill],
    kind: DrillContext,
    *,
    to: Phase,
    intro: Messages,
    resume: Phase | Keep | None = KEEP,
) -> Step:
    learner = turn.learner
    learner.drill_ids = ",".join(d.id for d in drills)
    learner.drill_step = 0
    learner.drill_context = kind.value
    return say(*intro, show(turn, to), to=to, resume=resume)


def end_round(turn: Turn) -> None:
    learner = turn.learner
    learner.drill_ids, learner.drill_step, learner.drill_context = None, 0, None


def busy(turn: Turn) -> Step | None:
    """In the middle of a round or a check offer: the same screen again, so no round is overwritten."""
    phase = turn.learner.phase
    if phase in PHASES and current_drill(turn) is not None:
        return say(text(t.DRILL_BUSY), show(turn))
    if phase is Phase.CHECK_OFFER:
        offer = show_offer(turn)
        return say(*offer) if offer else None
    return None


def again(turn: Turn) -> Step:
    """ "อ่านอีกครั้ง": the same drill."""
    if current_drill(turn) is not None:
        return say(show(turn))
    return resuming()


def media(turn: Turn) -> Messages:
    """A sticker or photo mid-drill: a kind word and the drill again."""
    return [text(t.DRILL_NOT_AN_ANSWER), show(turn)]


# ----- answering ----------------------------------------------------------------------------------------


def answer_button(turn: Turn, params: Params) -> Step:
    drill = current_drill(turn)
    if drill is None or params.get("id") != drill.id:
        stale = text(t.DRILL_STALE)
        return say(stale, show(turn)) if drill else resuming(stale)
    verdict = from_postback(params.get("v"))
    if verdict is None:
        return say(text(t.DRILL_NOT_AN_ANSWER), show(turn))
    return answer(turn, drill, verdict)


def typed(turn: Turn, message: str) -> Step:
    drill = current_drill(turn)
    if drill is None:
        return resuming()
    verdict = read_verdict(message)
    if verdict is None:
        return say(text(t.DRILL_NOT_AN_ANSWER), show(turn))
    return answer(turn, drill, verdict)


def answer(turn: Turn, drill: Drill, verdict: Verdict) -> Step:
    learner = turn.learner
    kind = context(turn) or DrillContext.DAILY
    correct = drill_feedback.is_correct(drill, verdict)
    drill_answers.record(
        turn.session,
        learner_id=learner.id or 0,
        drill_id=drill.id,
        verdict=verdict,
        correct=correct,
        context=kind,
        now=turn.now,
        scheduler=SCHEDULER,
        zone=turn.zone,
    )
    cheer = views.record_study(turn)
    measuring = kind in (DrillContext.PLACEMENT, DrillContext.FINAL)
    if measuring:
        said: Messages = []  # a check measures: no right or wrong per item
    else:
        said = drill_feedback.feedback(drill, verdict, audience(turn), cues=bank(turn).cues)
    if cheer:
        said.append(text(cheer))
    learner.drill_step += 1
    if learner.drill_step < len(round_ids(turn)):
        if measuring:
            said.append(text(t.CHECK_NOTED))
        return say(*said, show(turn))
    turn.session.flush()  # the answer just given counts in what follows
    return say(*said) + finish(turn, kind)


def finish(turn: Turn, kind: DrillContext) -> Step:
    learner = turn.learner
    ids = round_ids(turn)
    end_round(turn)
    if kind is DrillContext.MODULE:
        lesson = turn.lesson()
        if lesson is not None:
            return module_done(turn, lesson)
        return resuming()
    if kind in (DrillContext.PLACEMENT, DrillContext.FINAL):
        check = CheckKind.PLACEMENT if kind is DrillContext.PLACEMENT else CheckKind.FINAL
        return say(score_card(turn, check)) + after_check(turn, check)
    back = learner.resume_phase or Phase.MODULE_DONE
    if kind is DrillContext.REVIEW:
        return say(text(t.DRILL_REVIEW_DONE, views.menu_buttons()), to=back, resume=None)
    answered = drill_answers.history(turn.session, learner.id or 0)
    today = {a.drill_id: a for a in answered if reminders.local_date(a.at, turn.zone) == turn.today}
    right = sum(
        1
        for drill_id in ids
        if drill_id in today
        and (drill := bank(turn).get(drill_id)) is not None
        and drill_feedback.is_correct(drill, today[drill_id].verdict)
    )
    done = t.DAILY_DONE.format(count=len(ids), right=right)
    return say(text(done, views.menu_buttons()), to=back, resume=None)


# ----- a module's drills --------------------------------------------------------------------------------


def module_drills(turn: Turn, lesson: Lesson) -> list[Drill]:
    """Up to MODULE_DRILLS of the module's practice drills, in content order (a scam and a genuine one in)."""
    track = turn.track()
    pool = bank(turn).in_module(lesson.id, track=track.id if track else None)
    chosen: list[Drill] = []
    for genuine in (False, True):
        first = next((d for d in pool if d.genuine is genuine), None)
        if first is not None:
            chosen.append(first)
    chosen += [d for d in pool if d not in chosen][: max(0, MODULE_DRILLS - len(chosen))]
    return [d for d in pool if d in chosen]


def after_quiz(turn: Turn, lesson: Lesson) -> Step:
    """The quiz is done and scored: the module's drills, if it has any, then its summary."""
    drills = module_drills(turn, lesson)
    if not drills:
        return module_done(turn, lesson)
    intro = [text(t.DRILL_MODULE_START.format(count=len(drills)))]
    return begin(turn, drills, DrillContext.MODULE, to=Phase.MODULE_DRILL, intro=intro)


def module_done(turn: Turn, lesson: Lesson) -> Step:
    """The end of a module (after its quiz and drills): the score, then the next module or the track's end."""
    learner = turn.learner
    total = len(lesson.questions)
    track = turn.track()
    following = records.next_lesson(turn.session, turn.content, learner, track) if track else None
    lines = views.summary(lesson.module.title, learner.module_correct, total, views.audience(turn))
    if turn.large:
        lines.append(t.HABIT)
    if following is None:  # the track's end (and the final check's offer) has the last word and buttons
        return say(text("\n".join(lines))) + track_done(turn)
    waiting = assignments.open_for(turn.session, turn.content, learner)  # the trainer's module goes first
    upcoming = next((item.lesson for item in waiting if not item.drills), following)
    lines.append(t.NEXT_MODULE.format(title=upcoming.module.title))
    share = family.after_module_buttons(lesson)  # share the lesson with the family, and more
    return say(text("\n".join(lines), [*views.menu_buttons(), *share]), to=Phase.MODULE_DONE)


def track_done(turn: Turn) -> Step:
    """Every module done: congratulations, and the final check while it has not been taken."""
    offer = offer_check(turn, CheckKind.FINAL, lead=t.TRACK_DONE)
    if offer is None:
        return certificate.track_end(turn, t.TRACK_DONE)
    return offer


# ----- the daily set and review -------------------------------------------------------------------------


def start_daily(turn: Turn) -> Step:
    """ "ซ้อมจับโกง": three drills for today, genuine and scam mixed, weighted to the learner's weak cues."""
    learner = turn.learner
    track = turn.track()
    if learner.consented_at is None or track is None:
        return resuming()
    waiting = busy(turn)
    if waiting is not None:
        return waiting
    history = drill_answers.history(turn.session, learner.id or 0)
    drills = _daily(turn, history)
    if not drills:
        return say(text(t.DAILY_EMPTY, views.menu_buttons()))
    resume = learner.phase if learner.phase is not Phase.DRILL else KEEP
    intro = [text(t.DAILY_START.format(count=len(drills)))]
    return begin(turn, drills, DrillContext.DAILY, to=Phase.DRILL, intro=intro, resume=resume)


def _daily(turn: Turn, history: list[Attempt]) -> list[Drill]:
    track = turn.track()
    assert track is not None
    return daily_set(bank(turn), track.id, history, today=turn.today, seed=turn.learner.line_user_id)


def due_drills(turn: Turn) -> list[Drill]:
    """Practice drills due for review that still exist (never a final-check item)."""
    reserved = bank(turn).final_ids()
    ids = drill_answers.due_drill_ids(turn.session, turn.learner.id or 0, turn.now)
    found = [bank(turn).get(i) for i in ids if i not in reserved]
    return [d for d in found if d is not None][:REVIEW_DRILLS]


def start_review(turn: Turn, *, back: Phase | Keep | None) -> Step | None:
    """The drills due for review, as a detour left for `back`; None when none are due (or a round is on)."""
    # A round under way (on screen, or to go back to after this detour) is never overwritten.
    if any(p in PHASES or p is Phase.CHECK_OFFER for p in (turn.learner.phase, back)):
        return None
    drills = due_drills(turn)
    if not drills:
        return None
    intro = [text(t.DRILL_REVIEW_START.format(count=len(drills)))]
    return begin(turn, drills, DrillContext.REVIEW, to=Phase.DRILL, intro=intro, resume=back)


# ----- the placement and final checks -------------------------------------------------------------------


def taken(turn: Turn, check: CheckKind) -> bool:
    """Whether the learner has answered any item of this track's check."""
    track = turn.track()
    if track is None:
        return False
    verdicts = drill_answers.check_verdicts(turn.session, turn.learner.id or 0, _CHECK_CONTEXT[check])
    return any(d.id in verdicts for d in bank(turn).check(track.id, check))


def show_offer(turn: Turn, lead: str | None = None) -> Messages | None:
    track = turn.track()
    value = turn.learner.drill_context
    if track is None or value not in (CheckKind.PLACEMENT.value, CheckKind.FINAL.value):
        return None
    check = CheckKind(value)
    count = len(bank(turn).check(track.id, check))
    if not count:
        return None
    words = t.CHECK_PLACEMENT_OFFER if check is CheckKind.PLACEMENT else t.CHECK_FINAL_OFFER
    buttons: list[Button] = [
        button(t.CHECK_YES, "check", k=check.value, v="yes"),
        button(t.CHECK_LATER, "check", k=check.value, v="later"),
    ]
    body = words.format(count=count)
    return [text(f"{lead}\n\n{body}" if lead else body, buttons)]


def offer_check(turn: Turn, check: CheckKind, *, lead: str | None = None) -> Step | None:
    """Offer the track's placement or final check, if it has one the learner has not taken (`lead`: words
    said first, in the same message)."""
    track = turn.track()
    if track is None or not bank(turn).check(track.id, check) or taken(turn, check):
        return None
    turn.learner.drill_ids, turn.learner.drill_step = None, 0
    turn.learner.drill_context = check.value
    offer = show_offer(turn, lead)
    assert offer is not None
    return say(*offer, to=Phase.CHECK_OFFER, resume=None)


def check_choice(turn: Turn, params: Params) -> Step:
    """A tap on "ลองดูเลย" or "ข้ามไปก่อน"."""
    learner = turn.learner
    if learner.phase is not Phase.CHECK_OFFER or params.get("k") != learner.drill_context:
        return resuming()
    return start_check(turn) if params.get("v") == "yes" else skip_check(turn)


def typed_offer(turn: Turn, message: str) -> Step:
    decision = answers.read_yes_no(message)
    reading = answers.classify(message, (t.CHECK_YES, t.CHECK_LATER), (("ลอง", "ลองเลย"), ("ข้าม", "ไว้ก่อน")))
    if decision is None and reading.kind == "choice":
        decision = reading.index == 0
    if decision is None:
        return say(text(t.CHECK_ASK_AGAIN), *(show_offer(turn) or []))
    return start_check(turn) if decision else skip_check(turn)


def start_check(turn: Turn) -> Step:
    track = turn.track()
    check = CheckKind(turn.learner.drill_context or CheckKind.PLACEMENT.value)
    drills = bank(turn).check(track.id, check) if track else []
    if not drills:
        return skip_check(turn)
    return begin(turn, drills, _CHECK_CONTEXT[check], to=Phase.CHECK, intro=[])


def skip_check(turn: Turn) -> Step:
    check = turn.learner.drill_context
    end_round(turn)
    if check == CheckKind.FINAL.value:
        return certificate.track_end(turn, t.CHECK_SKIPPED)
    return say(text(t.CHECK_SKIPPED)) + first_lesson(turn)


def after_check(turn: Turn, check: CheckKind) -> Step:
    if check is CheckKind.FINAL:
        return certificate.after_final_check(turn)
    return first_lesson(turn)


def first_lesson(turn: Turn) -> Step:
    """The track begins: its first unfinished module, picked up by the machine's resume (which starts the
    next lesson of the track when no lesson is under way)."""
    learner = turn.learner
    track = turn.track()
    learner.module_id, learner.step, learner.module_correct = None, 0, 0
    count = len(turn.content.lessons_of(track)) if track else 0
    return Step([text(t.TRACK_CHOSEN.format(count=count))], to=Phase.CARD, then_resume=True)


def score_card(turn: Turn, check: CheckKind) -> MessageJSON:
    """The learner's check result in plain Thai; after the final, before and after side by side."""
    track = turn.track()
    assert track is not None
    learner_id = turn.learner.id or 0

    def result(kind: CheckKind) -> scoring.Score:
        verdicts = drill_answers.check_verdicts(turn.session, learner_id, _CHECK_CONTEXT[kind])
        return scoring.check_score(bank(turn), track.id, kind, verdicts)

    now = result(check)
    before = result(CheckKind.PLACEMENT) if check is CheckKind.FINAL else None
    lines = []
    if before is not None and before.answered:
        lines += [
            t.CHECK_BEFORE.format(summary=before.summary_th()),
            t.CHECK_AFTER.format(summary=now.summary_th()),
        ]
    else:
        lines.append(now.summary_th())
    if now.unsure:
        lines.append(t.CHECK_UNSURE.format(count=now.unsure))
    lines.append(praise(now, before, check))
    if check is CheckKind.FINAL:
        lines.append(t.CHECK_PRACTISE)
    title = t.CHECK_TITLE_PLACEMENT if check is CheckKind.PLACEMENT else t.CHECK_TITLE_FINAL
    buttons = views.menu_buttons() if check is CheckKind.FINAL else None
    return card("\n\n".join(lines), title=title, large=turn.large, buttons=buttons)


def praise(now: scoring.Score, before: scoring.Score | None, check: CheckKind) -> str:
    """Praise that follows the result: 🎉 only for a strong score; a weak one is met kindly, never cheered."""
    accuracy = now.balanced_accuracy
    if accuracy is None:
        accuracy = 0.0
    if accuracy >= STRONG:
        words = t.CHECK_PRAISE_STRONG
    elif accuracy >= GOOD:
        words = t.CHECK_PRAISE_GOOD
    else:
        words = t.CHECK_PLACEMENT_PRAISE if check is CheckKind.PLACEMENT else t.CHECK_PRAISE_WEAK
    earlier = before.balanced_accuracy if before is not None else None
    if earlier is not None and now.balanced_accuracy is not None and now.balanced_accuracy > earlier:
        words += "\n" + t.CHECK_BETTER
    return words
