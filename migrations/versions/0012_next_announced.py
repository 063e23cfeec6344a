"""Who was last told "you are next" in each queue, so each becoming-next is pushed once.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("queues", sa.Column("next_announced_entry_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("queues", "next_announced_entry_id")
