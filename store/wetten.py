"""Which wetten this service works for now: the Wmo always, the Jeugdwet while its switch is aan.

doorontwikkeling-2023.md sections 1 and 5: Jeugdwet samenloop rests on a change of the law, so
`SAMENLOOP_JEUGDWET=uit` makes `jw` a client error everywhere (nothing of it is stored) and the
nightly run makes no Jeugdwet signals. Every transport asks this module, never the setting.
"""

from __future__ import annotations

from store.rollen import Wet
from store.settings import Settings

NAAM = {Wet.WMO: "Wmo", Wet.JW: "Jeugdwet"}


class WetGeweigerd(ValueError):
    """A wet this service does not take now; the message is plain Dutch, never the value."""


class WetOnbekend(WetGeweigerd):
    """A value that is no wet at all (not `wmo` or `jw`)."""


class WetUit(WetGeweigerd):
    """A known wet that this service does not work for now."""


def actief(settings: Settings) -> tuple[Wet, ...]:
    """The wetten this service works for, in their fixed order (Wmo first)."""
    return _aan(settings.jeugdwet)


# Per position of the Jeugdwet switch, the wetten this service works for, built once: every
# registertoets 2023 asks, and iterating an Enum costs more than the check itself.
_AAN = {
    jeugdwet: tuple(w for w in Wet if w is not Wet.JW or jeugdwet) for jeugdwet in (False, True)
}
_PER_WAARDE = {w.value: w for w in Wet}


def _aan(jeugdwet: bool) -> tuple[Wet, ...]:
    return _AAN[bool(jeugdwet)]


def uit_melding(wet: Wet, aan: tuple[Wet, ...]) -> str:
    """The one message for a wet that is switched off, naming what is allowed."""
    toegestaan = ", ".join(w.value for w in aan)
    return f"de {NAAM[wet]} ({wet.value}) staat uit in deze service; toegestaan: {toegestaan}"


def kies(waarde: object, jeugdwet: bool, *, noem: tuple[Wet, ...] | None = None) -> Wet:
    """The wet `waarde` names, when this service works for it now (`jeugdwet`:
    SAMENLOOP_JEUGDWET). The one check for every transport: WetOnbekend for a value that is
    no wet, naming `noem` (default: the active wetten), WetUit for a switched-off wet."""
    aan = _aan(jeugdwet)
    wet = _PER_WAARDE.get(waarde) if isinstance(waarde, str) else None
    if wet is None:
        genoemd = ", ".join(w.value for w in (noem or aan))
        raise WetOnbekend(f"onbekende wet; toegestaan: {genoemd}")
    if wet not in aan:
        raise WetUit(uit_melding(wet, aan))
    return wet


def controleer(settings: Settings, wet: Wet) -> Wet:
    """The wet itself when it is active; WetUit (naming what is allowed) when it is not."""
    return kies(wet, settings.jeugdwet)
