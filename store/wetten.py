"""Which wetten this service works for now: the Wmo always, the Jeugdwet while its switch is aan.

doorontwikkeling-2023.md sections 1 and 5: Jeugdwet samenloop rests on a change of the law, so
`SAMENLOOP_JEUGDWET=uit` makes `jw` a client error everywhere (nothing of it is stored) and the
nightly run makes no Jeugdwet signals. Every transport asks this module, never the setting.
"""

from __future__ import annotations

from store.rollen import Wet
from store.settings import Settings

NAAM = {Wet.WMO: "Wmo", Wet.JW: "Jeugdwet"}


class WetUit(ValueError):
    """A known wet that this service does not work for now; the message is plain Dutch."""


def actief(settings: Settings) -> tuple[Wet, ...]:
    """The wetten this service works for, in their fixed order (Wmo first)."""
    return tuple(w for w in Wet if w is not Wet.JW or settings.jeugdwet)


def toegestaan(settings: Settings) -> str:
    """The active wetten as the short list a message names: `wmo, jw`."""
    return ", ".join(w.value for w in actief(settings))


def uit_melding(wet: Wet, aan: tuple[Wet, ...]) -> str:
    """The one message for a wet that is switched off, naming what is allowed."""
    toegestaan = ", ".join(w.value for w in aan)
    return f"de {NAAM[wet]} ({wet.value}) staat uit in deze service; toegestaan: {toegestaan}"


def controleer(settings: Settings, wet: Wet) -> Wet:
    """The wet itself when it is active; WetUit (naming what is allowed) when it is not."""
    if wet not in actief(settings):
        raise WetUit(uit_melding(wet, actief(settings)))
    return wet
