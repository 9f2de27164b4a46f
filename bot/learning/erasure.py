"""Erasing a learner (PDPA right to erasure): everything stored about them goes, in the caller's transaction.

Their answers (to questions and drills; a class game's answers are unlinked from them), results, review
cards, reminder state, family links, certificates; their marks in the reminder bitmaps; their ID in every
outbox batch written since they came (a batch waiting to go never reaches them); their one-to-one outbox
rows; and the link from the events they sent (handled events keep only their ID, to drop replays).
May import storage and bot/learning/marks.py only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, text
from sqlmodel import Session, col, delete, update

from bot.learning import marks
from bot.storage.columns import UtcDateTime
from bot.storage.games import GameAnswer, GamePlayer
from bot.storage.models import (
    Attempt,
    Certificate,
    DrillAnswer,
    FamilyLink,
    InboxEvent,
    InboxStatus,
    Learner,
    ModuleResult,
    Outbox,
    PendingCheck,
    ReminderState,
    ReviewCard,
)

# session.info key: the LINE user ID erased by the event being handled (its answer is a farewell).
ERASED = "erased"

# The batch's learner IDs, in order, without one; only batches that hold it are rewritten.
_WITHOUT = {
    "sqlite": "UPDATE outbox_batch SET learner_ids = (SELECT json_group_array(j.value)"
    " FROM json_each(outbox_batch.learner_ids) AS j WHERE j.value <> :learner)"
    " WHERE created_at >= :since AND EXISTS (SELECT 1 FROM json_each(outbox_batch.learner_ids) AS j"
    " WHERE j.value = :learner)",
    "postgresql": "UPDATE outbox_batch SET learner_ids ="
    " (SELECT coalesce(json_agg(j.id::integer ORDER BY j.n), '[]'::json)"
    " FROM json_array_elements_text(outbox_batch.learner_ids) WITH ORDINALITY AS j(id, n)"
    " WHERE j.id::integer <> :learner)"
    " WHERE created_at >= :since AND learner_ids::jsonb @> jsonb_build_array(:learner)",
}


def erase(session: Session, learner: Learner) -> None:
    """Delete everything stored about a learner (PDPA right to erasure).

    The answer to the event that asked for it goes to their LINE user ID, so it is written as a farewell
    (`ERASED`, read by bot/inbox.py): its outbox row is deleted as soon as it is finished.
    """
    session.exec(delete(Attempt).where(col(Attempt.learner_id) == learner.id))
    session.exec(delete(DrillAnswer).where(col(DrillAnswer.learner_id) == learner.id))
    session.exec(delete(ModuleResult).where(col(ModuleResult.learner_id) == learner.id))
    session.exec(delete(ReviewCard).where(col(ReviewCard.learner_id) == learner.id))
    session.exec(delete(ReminderState).where(col(ReminderState.learner_id) == learner.id))
    session.exec(delete(FamilyLink).where(col(FamilyLink.learner_id) == learner.id))
    # Their certificates too: /verify/<code> then says it knows no such certificate.
    session.exec(delete(Certificate).where(col(Certificate.learner_id) == learner.id))
    # Class games: their answers stay in the class's counts, linked to no one; a running game forgets them.
    session.exec(update(GameAnswer).where(col(GameAnswer.learner_id) == learner.id).values(learner_id=None))
    session.exec(
        update(GamePlayer).where(col(GamePlayer.user_id) == learner.line_user_id).values(user_id=None)
    )
    if learner.id is not None:
        marks.forget(session.connection(), [learner.id])
        # Batches sent or still waiting; a day early, as another machine's clock may be a little behind.
        forget_batches(session.connection(), learner.id, since=learner.created_at - timedelta(days=1))
    session.info[ERASED] = learner.line_user_id
    session.exec(delete(Outbox).where(col(Outbox.chat_id) == learner.line_user_id))
    session.exec(delete(PendingCheck).where(col(PendingCheck.chat_id) == learner.line_user_id))
    # Handled events keep only their ID (to drop replays); unlink them from the learner too.
    session.exec(
        update(InboxEvent)
        .where(col(InboxEvent.chat_id) == learner.line_user_id, col(InboxEvent.status) != InboxStatus.PENDING)
        .values(chat_id=None)
    )
    session.delete(learner)
    # Now, not at commit: a later event in the same webhook round (bot/inbox.py) may bring them back as
    # someone new, and their row must be gone before that one is inserted.
    session.flush()


def forget_batches(connection: Connection, learner_id: int, since: datetime) -> None:
    """Take an erased learner out of every batch written since `since` (when they first came: no earlier
    batch can hold their ID). The batch's size stays: it decides push or multicast, which a retry must not
    change, and it is only a count."""
    statement = text(_WITHOUT[connection.dialect.name]).bindparams(bindparam("since", type_=UtcDateTime()))
    connection.execute(statement, {"learner": learner_id, "since": since})
