"""What the CIZ feed (store/register.py) and the zorgkantoor and zorgaanbieder feeds
(store/zorgfeed.py) share: the result of applying one (the counts, the errors and the
warnings), and reading its parsed lines into a staging table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection

from store.bulk import Row, bulk_insert
from store.meldingen import Melding, Meldingen

BATCH = 20_000  # staged lines per bulk insert
R = TypeVar("R")


@dataclass(kw_only=True)
class FeedResultaat:
    """One applied (or rejected) feed; rejected means any error, and then nothing changed."""

    initieel: bool
    aantal_regels: int = 0
    toegevoegd: int = 0
    vervangen: int = 0
    verwijderd: int = 0
    fouten: Meldingen = field(default_factory=Meldingen)
    waarschuwingen: Meldingen = field(default_factory=Meldingen)
    load_id: int | None = None

    @property
    def geaccepteerd(self) -> bool:
        return not self.fouten

    def load_kolommen(self, bestandsnaam: str) -> dict[str, Any]:
        """The values of the columns every load table has (models.LoadKolommen), now."""
        return {
            "bestandsnaam": bestandsnaam[:255],
            "initieel": self.initieel,
            "verwerkt_op": datetime.now(UTC),
            "aantal_regels": self.aantal_regels,
            "toegevoegd": self.toegevoegd,
            "vervangen": self.vervangen,
            "verwijderd": self.verwijderd,
            "waarschuwingen": self.waarschuwingen.totaal,
        }


def stage(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    items: Iterable[R | Melding],
    res: FeedResultaat,
    row: Callable[[R], Row],
) -> None:
    """Count every line and collect every error; put the lines (`row` gives each one's values
    in `columns` order) into the staging table in batches until the first error, after which
    nothing more is staged."""
    batch: list[Row] = []
    for item in items:
        if isinstance(item, Melding):
            res.fouten.add(item)
            batch.clear()
            continue
        res.aantal_regels += 1
        if not res.fouten:
            batch.append(row(item))
            if len(batch) >= BATCH:
                bulk_insert(conn, table, columns, batch)
                batch.clear()
    if not res.fouten:
        bulk_insert(conn, table, columns, batch)
    if res.aantal_regels == 0 and not res.fouten:
        res.fouten.add(Melding(None, None, "de levering bevat geen regels"))
