"""The family around the learner (issue 16 section 3): sharing a lesson to a family chat, inviting a trusted
person ("ลูกหลาน") who gets a weekly note and can send encouragement, ending the link, and the family
code-word card against deepfake calls.

Two kinds of people talk to this part. The learner (consented) asks for a code, accepts or declines, and
may end the link. The relative may be anyone following the bot, learner or not, consented to lessons or
not: what they type and press is read by `typed_by_anyone` and `OPEN_ACTIONS` in bot/flow/machine.py
before any learner is made for them, and no learner row is made for them here. Messages for the other side
go out as pushes through the outbox (purpose "family"), in the same transaction as the change.

Rules and storage: bot/learning/family.py; texts: bot/voice/family.py; the weekly notes:
scheduler/family_notes.py.
"""

from __future__ import annotations

from bot import answers
from bot.content import Audience, Lesson
from bot.flow import views
from bot.flow.turn import Params, Step, Turn, resuming, say
from bot.gateway import MessageJSON
from bot.help import code_word_card
from bot.learning import family as rules
from bot.learning import membership
from bot.limits import fit
from bot.storage.models import FamilyLink, Learner, LinkStatus, Outbox, Phase
from bot.storage.outbox import pending_row
from bot.voice import family as f
from bot.voice.ui import Button, LinkButton, button, card, share_link, text, with_buttons

PURPOSE = "family"  # the outbox purpose of pushes to the other side of a link
# Modules whose end offers the family code-word card (deepfake and fake-relative calls).
CODE_WORD_MODULES = frozenset({"deepfake-calls", "elderly-deepfake-calls", "elderly-fake-family"})

# Words anyone may type (learner or not), read before the learner's own commands.
OPEN_WORDS: dict[str, tuple[str, ...]] = {
    "family_end": (f.END_LABEL, "เลิกเชื่อม", "ยกเลิกการเชื่อมต่อ", "หยุดรับบันทึก", "เลิกรับบันทึก"),
    "family_cheer": (f.CHEER_LABEL, "ให้กำลังใจ"),
    "family_decline": (f.DECLINE,),
    "family_accept": (f.ACCEPT,),
    "code_word": (f.CODE_WORD_LABEL, "คำลับ", "รหัสลับครอบครัว", "คำลับครอบครัว"),
}


# ----- sending to the other side -------------------------------------------------------------------------


def push(turn: Turn, chat_id: str, *messages: MessageJSON) -> None:
    """Messages for someone other than the one who acted: a push, written with the turn's changes."""
    turn.session.add(Outbox(**pending_row(chat_id, fit(list(messages)), turn.now, purpose=PURPOSE)))


def _learner_of(turn: Turn, link: FamilyLink) -> Learner | None:
    return turn.session.get(Learner, link.learner_id)


def _large(turn: Turn, learner: Learner | None) -> bool:
    track = turn.content.track(learner.track_id) if learner else None
    return track is not None and track.audience is Audience.ELDERLY


def _audience(turn: Turn) -> Audience:
    track = turn.track() if turn.found is not None else None
    return track.audience if track else Audience.GENERAL


def _back(turn: Turn, said: MessageJSON) -> Step:
    """Say something to a learner, then carry on where they were (the menu between lessons); to a
    relative who is no learner, just say it."""
    if turn.found is None or turn.found.consented_at is None:
        return say(said)
    if turn.found.phase in (*views.ANSWERING, Phase.CARD):
        return resuming(said)
    return say(with_menu(said))


def with_menu(message: MessageJSON) -> MessageJSON:
    if "quickReply" not in message:
        return text(message["text"], views.menu_buttons()) if message.get("type") == "text" else message
    return message


# ----- sharing -------------------------------------------------------------------------------------------


def share_lesson(lesson: Lesson) -> LinkButton:
    """ "ส่งต่อให้ครอบครัว": LINE's share screen with the lesson's title and summary."""
    module = lesson.module
    summary = module.summary or module.cards[0].text.splitlines()[0]
    return share_link(f.SHARE_LABEL, f.SHARE_LESSON.format(title=module.title, summary=summary))


def after_module_buttons(lesson: Lesson) -> list[Button | LinkButton]:
    """What the end of a module offers besides the menu: share it, and the code-word card after a deepfake
    lesson. (Drills can offer `share_link(f.SHARE_LABEL, ...)` the same way.)"""
    extra: list[Button | LinkButton] = []
    if lesson.id in CODE_WORD_MODULES:
        extra.append(button(f.CODE_WORD_LABEL, "code_word"))
    extra.append(share_lesson(lesson))
    return extra


def code_word(turn: Turn) -> Step:
    """The family code-word card, with a button to share it to the family chat."""
    audience = _audience(turn)
    shown = code_word_card(audience)
    # What the card says (its alt text: title and lines), to send on to the family chat.
    title, _, lines = code_word_card(Audience.GENERAL)["altText"].partition("\n")
    share = share_link(f.SHARE_LABEL, f.SHARE_CODE_WORD.format(title=title, lines=lines))
    buttons: list[Button | LinkButton] = [share]
    if turn.found is not None and turn.found.consented_at is not None:
        buttons += views.menu_buttons()[:2]
    return say(with_buttons(shown, buttons))


# ----- the learner invites -------------------------------------------------------------------------------


def invite(turn: Turn) -> Step:
    """ "ชวนลูกหลาน": a code and a button that shares the invitation to the relative's chat."""
    learner = turn.learner
    if learner.consented_at is None or turn.track() is None:
        return resuming(text(f.INVITE_NOT_YET))
    if membership.awaiting_parent(learner):
        return resuming(text(f.INVITE_PARENT_FIRST))
    link = rules.invite(turn.session, learner.id or 0, turn.now)
    if link is None:
        return _back(turn, text(f.INVITE_TOO_MANY.format(count=rules.MAX_LINKS)))
    hours = int(rules.CODE_TTL.total_seconds() // 3600)
    site = turn.site
    chat, add_friend = site.chat_url(link.code), site.add_friend_url
    message = (
        f.INVITE_MESSAGE_LINKS.format(code=link.code, chat=chat, add_friend=add_friend)
        if chat and add_friend
        else f.INVITE_MESSAGE.format(code=link.code)
    )
    shared = share_link(f.INVITE_SHARE_LABEL, message)
    return say(text(f.INVITE.format(code=link.code, hours=hours), [shared, *views.menu_buttons()[:2]]))


# ----- the relative types the code -----------------------------------------------------------------------


def enter_code(turn: Turn, code: str) -> Step:
    use = rules.use_code(turn.session, code, turn.user_id, turn.now)
    if use.wait is not None:
        return say(text(f.CODE_WAIT.format(minutes=use.wait_minutes)))
    link = use.link
    if link is None:
        return say(text(f.CODE_NOT_FOUND.format(code=code)))
    learner = _learner_of(turn, link)
    if learner is None:  # erased since (its links go with it): cannot happen, but never push to no one
        return say(text(f.CODE_NOT_FOUND.format(code=code)))
    if learner.line_user_id == turn.user_id:
        return _back(turn, text(f.CODE_IS_YOURS.format(code=code)))
    rules.ask(link, turn.user_id, turn.now)
    decide = [
        button(f.ACCEPT, "family_accept", l=link.id, v="yes"),
        button(f.DECLINE, "family_accept", l=link.id, v="no"),
    ]
    large = _large(turn, learner)  # the elderly track: large type
    push(turn, learner.line_user_id, card(f.ASK_LEARNER.format(code=code), large=large, buttons=decide))
    return say(text(f.RELATIVE_WAITING))


# ----- the learner decides -------------------------------------------------------------------------------


def decide(turn: Turn, params: Params) -> Step:
    """ "ยอมรับ" / "ไม่ยอมรับ" a relative's request (buttons carry the link; typed words answer the oldest)."""
    learner = turn.learner
    raw = params.get("l", "")
    link = (
        turn.session.get(FamilyLink, int(raw))
        if raw.isdecimal()
        else rules.asked_of(turn.session, learner.id or 0)
    )
    if link is None or link.learner_id != learner.id or link.status is not LinkStatus.ASKED:
        return _back(turn, text(f.NOTHING_TO_DECIDE))
    relative = link.relative_user_id or ""
    if params.get("v") == "yes":
        rules.accept(link, turn.now)
        push(turn, relative, text(f.ACCEPTED_RELATIVE.format(code=link.code), cheer_buttons(link)))
        return _back(turn, text(f.ACCEPTED_LEARNER))
    rules.end(link, turn.now)  # and the relative's ID is not kept
    push(turn, relative, text(f.DECLINED_RELATIVE.format(code=link.code)))
    return _back(turn, text(f.DECLINED_LEARNER))


# ----- encouragement -------------------------------------------------------------------------------------


def cheer_buttons(link: FamilyLink) -> list[Button]:
    return [button(label, "family_cheer", l=link.id, c=index) for index, (label, _) in enumerate(f.CHEERS)]


def cheer(turn: Turn, params: Params) -> Step:
    """A relative sends one of the fixed kind words; relayed to the learner by push, once a day per link."""
    links = rules.links_of_relative(turn.session, turn.user_id, (LinkStatus.ACTIVE,))
    raw = params.get("l", "")
    link = next((one for one in links if str(one.id) == raw), None) if raw else (links[-1] if links else None)
    if link is None:
        return say(text(f.NO_LINK))
    choice = params.get("c", "")
    if not choice.isdecimal() or int(choice) >= len(f.CHEERS):
        return say(text(f.CHEER_PICK, cheer_buttons(link)))
    if not rules.may_cheer(link, turn.now, turn.zone):
        return say(text(f.CHEER_LATER))
    learner = _learner_of(turn, link)
    if learner is None:
        return say(text(f.NO_LINK))
    link.last_cheer_at = turn.now
    words = f.CHEERS[int(choice)][1]
    push(turn, learner.line_user_id, text(f.CHEER_RELAYED.format(words=words)))
    return say(text(f.CHEER_SENT))


# ----- ending --------------------------------------------------------------------------------------------


def _open_links(turn: Turn) -> list[FamilyLink]:
    mine = rules.links_of_learner(turn.session, turn.found.id or 0) if turn.found and turn.found.id else []
    return mine + rules.links_of_relative(turn.session, turn.user_id)


def end_link(turn: Turn, params: Params) -> Step:
    """ "เลิกเชื่อมต่อ" from either side: one link ends at once; with several, pick which. Both are told."""
    links = _open_links(turn)
    raw = params.get("l", "")
    if raw:
        links = [link for link in links if str(link.id) == raw]
    if not links:
        return _back(turn, text(f.NO_LINK))
    if len(links) > 1:
        which = [button(f.END_BUTTON.format(code=link.code), "family_end", l=link.id) for link in links[:3]]
        return say(text(f.END_WHICH, which))
    link = links[0]
    relative = link.relative_user_id
    by_learner = relative != turn.user_id
    rules.end(link, turn.now)
    if by_learner and relative:
        push(turn, relative, text(f.ENDED_BY_LEARNER.format(code=link.code)))
    elif not by_learner and (learner := _learner_of(turn, link)) is not None:
        push(turn, learner.line_user_id, text(f.ENDED_BY_RELATIVE.format(code=link.code)))
    return _back(turn, text(f.ENDED_SELF.format(code=link.code)))


def learner_erased(turn: Turn) -> None:
    """Before a learner's data is erased: each relative linked or asking is told once (the links themselves
    are deleted by the erasure)."""
    for link in rules.links_of_learner(turn.session, turn.learner.id or 0, rules.LINKED):
        if link.relative_user_id:
            push(turn, link.relative_user_id, text(f.ERASED_LEARNER.format(code=link.code)))


def unfollowed(turn: Turn) -> None:
    """A relative blocked the bot: their links end, and each learner is told once."""
    for link in rules.links_of_relative(turn.session, turn.user_id):
        rules.end(link, turn.now)
        learner = _learner_of(turn, link)
        if learner is not None:
            push(turn, learner.line_user_id, text(f.ENDED_BY_RELATIVE.format(code=link.code)))


# ----- what anyone types ---------------------------------------------------------------------------------


def typed_by_anyone(turn: Turn, message: str) -> Step | None:
    """A family code, or a family word, from anyone (learner or not); None: not for this part."""
    if len(message) > 80:
        return None
    code = rules.read_code(message)
    if code is not None:
        return enter_code(turn, code)
    word = answers.read_command(message, OPEN_WORDS)
    if word == "code_word":
        return code_word(turn)
    if word == "family_end" and _open_links(turn):
        return end_link(turn, {})
    if word == "family_cheer" and rules.links_of_relative(turn.session, turn.user_id, (LinkStatus.ACTIVE,)):
        return cheer(turn, {})
    answering = word in ("family_accept", "family_decline") and turn.found is not None
    if answering and rules.asked_of(turn.session, turn.learner.id or 0) is not None:
        return decide(turn, {"v": "yes" if word == "family_accept" else "no"})
    return None
