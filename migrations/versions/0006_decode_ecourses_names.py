"""Names imported from eCourses are stored decoded: Moodle sent them escaped for HTML.

Until now eCourses' answers were stored as sent, so an account read "O&#039;Brien" and a subject
"Сети &amp; протоколы". This decodes, in what came from eCourses only — the first and last names
of accounts with an eCourses id, the names of subjects linked to a course and of tasks made from
an assignment — exactly what Moodle escapes: ``&amp; &lt; &gt; &quot; &#039;`` and numeric
entities, in one pass. A numeric entity for a control or invisible character stays as it is,
and so does a subject or task whose decoded name another one of its workspace or subject
already has (the unique names hold). Rows without an ``&`` are not touched, so running the
decoding on names that hold no entities changes nothing.

The decoder is a copy, not an import of ``equeue_ui.ecourses.text``: a revision is frozen
history. Downgrading keeps the decoded names (the escaping cannot be told back from them).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:00:00
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


def upgrade() -> None:
    connection = op.get_bind()
    users = connection.execute(
        sa.text(
            "SELECT id, first_name, last_name FROM users "
            "WHERE ecourses_user_id IS NOT NULL "
            "AND (first_name LIKE '%&%' OR last_name LIKE '%&%')"
        )
    ).all()
    for user_id, first_name, last_name in users:
        connection.execute(
            sa.text("UPDATE users SET first_name = :first, last_name = :last WHERE id = :id"),
            {"first": decode(first_name), "last": decode(last_name), "id": user_id},
        )
    _decode_names("subjects", "workspace_id", "ecourses_course_id")
    _decode_names("tasks", "subject_id", "ecourses_id")


def downgrade() -> None:
    pass


def decode(text: str) -> str:
    return _ENTITY.sub(_decoded, text) if "&" in text else text


def _decoded(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code > 0x10FFFF or unicodedata.category(chr(code)) in _INVISIBLE:
        return match.group(0)
    return chr(code)


def _decode_names(table: str, scope: str, ecourses_key: str) -> None:
    """Decode the eCourses-sourced names of ``table``, which are unique within ``scope``."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(f"SELECT id, {scope}, name, {ecourses_key} FROM {table} ORDER BY id")
    ).all()
    taken = {(owner, name) for _, owner, name, _ in rows}
    for row_id, owner, name, ecourses_id in rows:
        if ecourses_id is None or "&" not in name:
            continue
        decoded = decode(name)
        if decoded == name or (owner, decoded) in taken:
            continue
        connection.execute(
            sa.text(f"UPDATE {table} SET name = :name WHERE id = :id"),
            {"name": decoded, "id": row_id},
        )
        taken.discard((owner, name))
        taken.add((owner, decoded))
