"""Jeugdwet aanleverrechten: every gemeente delivers its Jw population for the gemeenten it
already delivers its Wmo population for.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

From now on `org add` and `org set --samenwerking` set the aanleverrechten of both wetten
(README "Jeugdwet"); this step gives the gemeenten registered before it the same, so that a
gemeente can deliver its Jw population without being registered again. A gemeentecode that
already has a Jeugdwet aanleverende gemeente keeps it. Data only: no table changes.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COPY = """
INSERT INTO aanleverrecht (organisatie_id, wet, gemeentecode)
SELECT organisatie_id, 'jw', gemeentecode FROM aanleverrecht AS wmo
WHERE wmo.wet = 'wmo' AND NOT EXISTS (
    SELECT 1 FROM aanleverrecht AS jw WHERE jw.wet = 'jw' AND jw.gemeentecode = wmo.gemeentecode
)
"""


def upgrade() -> None:
    op.execute(_COPY)


def downgrade() -> None:
    # The rows are valid at 0006 as well (its Wet already knows jw): nothing to undo.
    pass
