"""learner.finished_modules: the IDs of the modules a learner finished, kept on their row

The reminder sweep works out each learner's next module from the modules they finished. Gathering those
from `moduleresult` for every learner due was half the sweep's reading; the row now carries them (a copy
kept by the flow whenever a module is finished). Filled in here from `moduleresult`.

Revision ID: 0015_learner_finished_modules
Revises: 0014_reminder_day
Create Date: 2026-11-21

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_learner_finished_modules"
down_revision: str | Sequence[str] | None = "0014_reminder_day"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finished_modules", sa.Text(), nullable=True))
    joined = "string_agg" if op.get_bind().dialect.name == "postgresql" else "group_concat"
    op.execute(
        f"UPDATE learner SET finished_modules = (SELECT {joined}(module_id, ',') FROM"
        " (SELECT module_id FROM moduleresult WHERE moduleresult.learner_id = learner.id ORDER BY"
        " completed_at, id) AS finished)"
    )


def downgrade() -> None:
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("finished_modules")
