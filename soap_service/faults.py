"""The one place where errors become SOAP 1.1 faults (codes, texts, HTTP status).

A fault carries `faultcode` Client, Server or VersionMismatch (never dotted, WS-I R1004) and in
`detail` the contract's `fout` element, qualified in the target namespace, with `code` and
`omschrijving`. No fault text ever contains request data (a BSN) or a stack trace.
"""

from __future__ import annotations

import logging
import traceback
from enum import StrEnum

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from store.auth import NietGeauthenticeerd
from store.registertoets import BsnOngeldig, GeenToegang
from store.registertoets_2023 import WetOngeldig
from store.toetslimiet import TeVeelVerzoeken

log = logging.getLogger("samenloop.soap")


class Code(StrEnum):
    BSN_ONGELDIG = "BSN_ONGELDIG"
    WET_ONGELDIG = "WET_ONGELDIG"
    NIET_GEAUTHENTICEERD = "NIET_GEAUTHENTICEERD"
    GEEN_GEMEENTE = "GEEN_GEMEENTE"
    TE_GROOT = "TE_GROOT"
    TE_VEEL_VERZOEKEN = "TE_VEEL_VERZOEKEN"
    ONGELDIGE_ENVELOP = "0001"
    NIET_CONFORM_XSD = "0004"
    NIET_BESCHIKBAAR = "0051"


_STATUS = {Code.NIET_GEAUTHENTICEERD: "401 Unauthorized", Code.TE_GROOT: "413 Content Too Large"}


class SoapFout(Exception):
    """A fault to answer with; `omschrijving` is safe to send (it never repeats input)."""

    def __init__(
        self,
        faultcode: str,
        code: Code,
        omschrijving: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(omschrijving)
        self.faultcode = faultcode
        self.code = code
        self.omschrijving = omschrijving
        self.headers = headers

    @property
    def status(self) -> str:
        return _STATUS.get(self.code, "500 Internal Server Error")


def client(code: Code, omschrijving: str, *headers: tuple[str, str]) -> SoapFout:
    return SoapFout("Client", code, omschrijving, headers)


def te_veel_verzoeken(exc: TeVeelVerzoeken) -> SoapFout:
    """HTTP 500 like every other fault (a SOAP 1.1 fault travels with 500, and a 429 would make
    JAX-WS and .NET clients throw a transport error without the typed `fout`); Retry-After is
    sent as well, for clients that look."""
    return client(Code.TE_VEEL_VERZOEKEN, str(exc), ("Retry-After", str(exc.wacht)))


NIET_GEAUTHENTICEERD = client(
    Code.NIET_GEAUTHENTICEERD, "niet geauthenticeerd: geen of onjuiste inloggegevens"
)
TE_GROOT = client(Code.TE_GROOT, "het bericht is groter dan toegestaan")
VERSIE = SoapFout("VersionMismatch", Code.ONGELDIGE_ENVELOP, "alleen SOAP 1.1 wordt ondersteund")
GEEN_GEMEENTE = client(Code.GEEN_GEMEENTE, "deze organisatie mag de registertoets niet uitvoeren")
NIET_BESCHIKBAAR = SoapFout(
    "Server", Code.NIET_BESCHIKBAAR, "de service is tijdelijk niet beschikbaar"
)
INTERNE_FOUT = SoapFout("Server", Code.NIET_BESCHIKBAAR, "interne fout; probeer het later opnieuw")


def _log_unexpected(exc: BaseException) -> None:
    # The type and the code lines only: a message (an SQL error's parameters) may hold a BSN.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("registertoets: onverwachte fout %s\n%s", type(exc).__name__, frames)


def _refusal(exc: Exception) -> SoapFout | None:
    """The core's refusals of what the caller sent or may do: Client faults."""
    if isinstance(exc, NietGeauthenticeerd):
        return NIET_GEAUTHENTICEERD
    if isinstance(exc, GeenToegang):
        return GEEN_GEMEENTE
    if isinstance(exc, TeVeelVerzoeken):
        return te_veel_verzoeken(exc)
    if isinstance(exc, BsnOngeldig):
        # The core's message names the reason and never repeats the value.
        return client(Code.BSN_ONGELDIG, str(exc))
    if isinstance(exc, WetOngeldig):
        return client(Code.WET_ONGELDIG, str(exc))  # never repeats the value either
    return None


def from_exception(exc: Exception) -> SoapFout:
    """Map what the core (or anything under it) raised to the fault the caller gets."""
    if isinstance(exc, SoapFout):
        return exc
    if (refusal := _refusal(exc)) is not None:
        return refusal
    if isinstance(exc, DBAPIError | PoolTimeout):
        log.error("registertoets: database niet bereikbaar (%s)", type(exc).__name__)
        return NIET_BESCHIKBAAR
    _log_unexpected(exc)
    return INTERNE_FOUT
