"""Users' pictures (uploaded, or fetched from eCourses), and pictures on a subject's board.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_pictures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_url", sa.String(length=1024), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_pictures_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_pictures")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("picture_key", sa.String(length=32), nullable=True))
    with op.batch_alter_table("subjects") as batch:
        # Existing boards keep showing no pictures.
        batch.add_column(
            sa.Column("board_pictures", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("subjects") as batch:
        batch.alter_column("board_pictures", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("subjects") as batch:
        batch.drop_column("board_pictures")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("picture_key")
    op.drop_table("user_pictures")
