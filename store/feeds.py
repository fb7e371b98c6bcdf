"""What applying a feed tells, for the CIZ feed (store/register.py) and the zorgkantoor and
zorgaanbieder feeds (store/zorgfeed.py) alike: the counts, the errors and the warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.meldingen import Meldingen


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
