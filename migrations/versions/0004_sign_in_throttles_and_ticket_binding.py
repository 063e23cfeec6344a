"""Sign-in throttle counters replace the log of failed attempts; tickets are bound to a browser.

The failed-attempt rows are dropped: they only ever counted the last 15 minutes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttles")),
    )
    op.drop_index("ix_login_attempts_username_at", table_name="login_attempts")
    op.drop_index("ix_login_attempts_address_at", table_name="login_attempts")
    op.drop_table("login_attempts")
    # Tickets live two minutes: the ones outstanding during the upgrade are simply dropped.
    op.execute("DELETE FROM login_tickets")
    with op.batch_alter_table("login_tickets") as batch:
        batch.add_column(
            sa.Column("binding_hash", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("login_tickets") as batch:
        batch.alter_column("binding_hash", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("login_tickets") as batch:
        batch.drop_column("binding_hash")
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(
        "ix_login_attempts_address_at", "login_attempts", ["address", "at"], unique=False
    )
    op.create_index(
        "ix_login_attempts_username_at", "login_attempts", ["username", "at"], unique=False
    )
    op.drop_table("sign_in_throttles")
