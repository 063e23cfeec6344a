"""A called student's acknowledgement is kept; a left place can be restored (event "restored").

Calls already made when upgrading count as acknowledged: they were alerted live, and raising
them again on every page would be noise.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "'joined', 'left', 'frozen', 'unfrozen', 'called', 'accepted', 'returned', "
    "'skipped', 'removed', 'opened', 'closed', 'paused', 'cleared', 'settings'"
)
CHECK = "ck_queue_events_queue_event_kind"


def upgrade() -> None:
    with op.batch_alter_table("queue_entries") as batch:
        batch.add_column(
            sa.Column("call_acknowledged_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE queue_entries SET call_acknowledged_at = called_at WHERE status = 'called'")
    _kinds(f"kind IN ({KINDS}, 'restored')")


def downgrade() -> None:
    op.execute("DELETE FROM queue_events WHERE kind = 'restored'")
    _kinds(f"kind IN ({KINDS})")
    with op.batch_alter_table("queue_entries") as batch:
        batch.drop_column("call_acknowledged_at")


def _kinds(condition: str) -> None:
    # SQLite cannot alter a CHECK constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("queue_events", recreate="always") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), condition)
