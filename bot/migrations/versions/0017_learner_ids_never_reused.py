"""learner IDs are never reused; batches forget learners who erased their data

On SQLite a table without AUTOINCREMENT may give a deleted row's ID to the next row, so a batch still
holding the ID of a learner who erased their data could reach whoever followed next. The learner table is
rebuilt with AUTOINCREMENT (PostgreSQL's sequences never reuse an ID: nothing to do there).

On both databases every batch drops the IDs of learners who are gone: erasures before this revision left
them there. (An ID freed before this revision may still be given out once more; nothing refers to it now.)

The downgrade rebuilds the SQLite table without AUTOINCREMENT; the IDs dropped from batches stay dropped.

Revision ID: 0017_learner_ids_never_reused
Revises: 0016_outbox_reply_landed
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_learner_ids_never_reused"
down_revision: str | Sequence[str] | None = "0016_outbox_reply_landed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each batch's learner IDs, in order, without those no longer in the learner table.
_STILL_HERE = {
    "sqlite": "UPDATE outbox_batch SET learner_ids = (SELECT json_group_array(j.value)"
    " FROM json_each(outbox_batch.learner_ids) AS j WHERE j.value IN (SELECT id FROM learner))"
    " WHERE EXISTS (SELECT 1 FROM json_each(outbox_batch.learner_ids) AS j"
    " WHERE j.value NOT IN (SELECT id FROM learner))",
    "postgresql": "UPDATE outbox_batch SET learner_ids = (SELECT coalesce(json_agg(j.id::integer ORDER BY j.n),"
    " '[]'::json) FROM json_array_elements_text(outbox_batch.learner_ids) WITH ORDINALITY AS j(id, n)"
    " WHERE j.id::integer IN (SELECT id FROM learner))"
    " WHERE EXISTS (SELECT 1 FROM json_array_elements_text(outbox_batch.learner_ids) AS j(id)"
    " WHERE j.id::integer NOT IN (SELECT id FROM learner))",
}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _rebuild_learner(autoincrement=True)
    connection.execute(sa.text(_STILL_HERE[connection.dialect.name]))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_learner(autoincrement=False)


def _rebuild_learner(*, autoincrement: bool) -> None:
    """Copy the learner table into a new one declared with (or without) AUTOINCREMENT, keeping its IDs.

    The old table is dropped on the way: with foreign keys enforced, that would delete every answer, card
    and class membership by cascade, so this refuses to go on unless enforcement is off (as it is on the
    migrations' own connections, which do not turn it on).
    """
    connection = op.get_bind()
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction, hence:
        if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError(
                "rebuilding the learner table needs SQLite's foreign keys off (PRAGMA foreign_keys)"
            )
    with op.batch_alter_table(
        "learner", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
