"""Which version of the Wlz signalen file a (aanleverende gemeente, wet) gets: the one place
that chooses, for the CLI export and the REST download alike.

doorontwikkeling-2023.md section 6: Jeugdwet files are always version 2, Wmo files version 1
unless the gemeente chose version 2. Version 2 (the zorg columns) is not built yet, so for now
every file, Jeugdwet included, is version 1; version 2 plugs in here (and in the writer's
columns, adapters/files/signaalbestanden.py), nowhere else.
"""

from __future__ import annotations

from sqlalchemy import Connection

VERSIE_1 = 1


def versie(conn: Connection, organisatie_id: int, wet: str) -> int:
    """The file version for this gemeente's signals of this wet (version 1 until version 2
    exists; the connection is there for the gemeente's own choice, which version 2 reads)."""
    return VERSIE_1
