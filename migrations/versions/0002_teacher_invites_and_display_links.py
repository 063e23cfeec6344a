"""Teacher invite links, board display links, and per-subject board name privacy.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 22:54:03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "teacher_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_teacher_invites_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_teacher_invites_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teacher_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_teacher_invites_token_hash")),
    )
    op.create_index(
        op.f("ix_teacher_invites_subject_id"), "teacher_invites", ["subject_id"], unique=False
    )
    op.create_table(
        "display_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_display_links_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["queues.id"],
            name=op.f("fk_display_links_queue_id_queues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_display_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_display_links_token_hash")),
    )
    op.create_index(op.f("ix_display_links_queue_id"), "display_links", ["queue_id"], unique=False)
    with op.batch_alter_table("subjects") as batch_op:
        batch_op.add_column(sa.Column("board_full_names", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subjects") as batch_op:
        batch_op.drop_column("board_full_names")
    op.drop_index(op.f("ix_display_links_queue_id"), table_name="display_links")
    op.drop_table("display_links")
    op.drop_index(op.f("ix_teacher_invites_subject_id"), table_name="teacher_invites")
    op.drop_table("teacher_invites")
