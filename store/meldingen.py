"""Errors and warnings about a line of a file, in plain Dutch, with line and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_GETOOND = 1000


@dataclass(frozen=True)
class Melding:
    regel: int | None
    veld: str | None
    tekst: str

    def __str__(self) -> str:
        where = ", ".join(
            p for p in (f"regel {self.regel}" if self.regel else None, self.veld) if p
        )
        return f"{where}: {self.tekst}" if where else self.tekst

    def as_dict(self) -> dict[str, object]:
        return {"regel": self.regel, "veld": self.veld, "melding": self.tekst}


@dataclass
class Meldingen:
    """Collects up to MAX_GETOOND messages to show and counts them all."""

    getoond: list[Melding] = field(default_factory=list)
    totaal: int = 0

    def add(self, melding: Melding) -> None:
        self.totaal += 1
        if len(self.getoond) < MAX_GETOOND:
            self.getoond.append(melding)

    def extend(self, meldingen: Iterable[Melding]) -> None:
        for melding in meldingen:
            self.add(melding)

    def __bool__(self) -> bool:
        return self.totaal > 0

    def regels(self) -> list[str]:
        lines = [str(m) for m in self.getoond]
        if self.totaal > len(self.getoond):
            lines.append(f"... en nog {self.totaal - len(self.getoond)} (totaal {self.totaal})")
        return lines
