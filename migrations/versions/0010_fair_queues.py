"""Fair queues (issue 18): the presence code's settings, the fair start's pending draw, entries
that joined with a code or wait for the draw, and the draw in the queue's history.

Queues that exist already keep their behaviour: no presence code, no fair start (a new queue
gets a 30-second fair start).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "'joined', 'left', 'frozen', 'unfrozen', 'called', 'accepted', 'returned', "
    "'skipped', 'removed', 'opened', 'closed', 'paused', 'cleared', 'settings', 'restored'"
)
CHECK = "ck_queue_events_queue_event_kind"


def upgrade() -> None:
    with op.batch_alter_table("queues") as batch:
        batch.add_column(
            sa.Column("presence_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("presence_secret", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("presence_window_seconds", sa.Integer(), nullable=False, server_default="180")
        )
        batch.add_column(
            sa.Column("fair_start_seconds", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("draw_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("queue_entries") as batch:
        batch.add_column(
            sa.Column("joined_with_code", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("in_draw", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("queue_events") as batch:
        batch.add_column(sa.Column("details", sa.Text(), nullable=True))
    _kinds(f"kind IN ({KINDS}, 'drawn')")


def downgrade() -> None:
    op.execute("DELETE FROM queue_events WHERE kind = 'drawn'")
    _kinds(f"kind IN ({KINDS})")
    with op.batch_alter_table("queue_events") as batch:
        batch.drop_column("details")
    with op.batch_alter_table("queue_entries") as batch:
        batch.drop_column("in_draw")
        batch.drop_column("joined_with_code")
    with op.batch_alter_table("queues") as batch:
        for column in (
            "draw_at",
            "opened_at",
            "fair_start_seconds",
            "presence_window_seconds",
            "presence_secret",
            "presence_required",
        ):
            batch.drop_column(column)


def _kinds(condition: str) -> None:
    # SQLite cannot alter a CHECK constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("queue_events", recreate="always") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), condition)
