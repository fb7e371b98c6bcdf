"""The one place that turns errors into application/problem+json (RFC 9457).

Every 4xx and 5xx answer carries `type`, `title`, `status`, `detail` and `invalidParams` (a list
of every validation error for 400, null otherwise). Texts are fixed Dutch sentences: nothing the
caller sent is repeated (a BSN could be in it), and no stack trace ever leaves the service.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import falcon
from sqlalchemy import exc as sa_exc

from adapters.rest.headers import COMMON, PROBLEM_JSON
from store.auth import CHALLENGE, NietGeauthenticeerd
from store.db import DatabaseUnavailable
from store.populatie import AanleveringFout
from store.registertoets import BsnOngeldig, GeenToegang
from store.registertoets_2023 import WetOngeldig
from store.toetslimiet import TeVeelVerzoeken
from store.verslag import Verslag
from store.zorgfeed import NietGeregistreerd, ZorginformatieUit

TYPE_PREFIX = "urn:samenloop:probleem:"

_log = logging.getLogger("samenloop.rest")

# status -> (type slug, title)
SOORTEN: dict[int, tuple[str, str]] = {
    400: ("ongeldige-invoer", "Ongeldige invoer"),
    401: ("niet-geauthenticeerd", "Niet geauthenticeerd"),
    403: ("geen-toegang", "Geen toegang"),
    404: ("niet-gevonden", "Niet gevonden"),
    405: ("methode-niet-toegestaan", "Methode niet toegestaan"),
    406: ("niet-aanvaardbaar", "Antwoordformaat niet beschikbaar"),
    413: ("te-groot", "Verzoek te groot"),
    415: ("mediatype-niet-ondersteund", "Mediatype niet ondersteund"),
    429: ("te-veel-verzoeken", "Te veel verzoeken"),
    500: ("interne-fout", "Interne fout"),
    503: ("niet-beschikbaar", "Dienst niet beschikbaar"),
}

_DB_FAILURES = (
    DatabaseUnavailable,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
)


@dataclass(frozen=True)
class InvalidParam:
    name: str
    reason: str


@dataclass(eq=False)
class Problem(Exception):
    """An answer the REST adapter decided on itself (a 400, 406, 415, ...)."""

    status: int
    detail: str
    invalid_params: Sequence[InvalidParam] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        slug, title = SOORTEN.get(self.status, (f"http-{self.status}", "Fout"))
        invalid = [{"name": p.name, "reason": p.reason} for p in self.invalid_params]
        return {
            "type": TYPE_PREFIX + slug,
            "title": title,
            "status": self.status,
            "detail": self.detail,
            "invalidParams": invalid or None,
        }

    def body(self) -> bytes:
        return json.dumps(self.document(), ensure_ascii=False).encode("utf-8")


@dataclass(eq=False)
class Afgekeurd(Problem):
    """400 for a rejected aanlevering: every error with its line, and the verwerkingsverslag."""

    verslag: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        document = super().document()
        document["invalidParams"] = _regel_fouten(self.verslag)
        document["verwerkingsverslag"] = self.verslag
        return document


def _regel_fouten(verslag: dict[str, Any]) -> list[dict[str, Any]]:
    fouten = [
        {"name": f["veld"] or "bestand", "regel": f["regel"], "reason": f["melding"]}
        for f in verslag["fouten"]
    ]
    rest = verslag["aantalFouten"] - len(fouten)
    if rest > 0:
        reason = f"... en nog {rest} (totaal {verslag['aantalFouten']})"
        fouten.append({"name": "bestand", "regel": None, "reason": reason})
    return fouten


def afgekeurd(verslag: Verslag) -> Afgekeurd:
    """The answer for an aanlevering with errors (also a controle): nothing was changed."""
    n = verslag.fouten.totaal
    if verslag.controle:
        detail = f"De controle vond {n} fout(en); er is niets gewijzigd of bewaard."
    else:
        detail = (
            f"De aanlevering is afgekeurd: {n} fout(en); er is niets gewijzigd. Herstel de "
            "fouten en lever het hele bestand opnieuw aan."
        )
    return Afgekeurd(400, detail, verslag=verslag.as_dict())


@dataclass(eq=False)
class LeveringAfgekeurd(Problem):
    """400 for a rejected zorg feed: every error with its line and field, and the warnings."""

    rapport: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        document = super().document()
        document["invalidParams"] = _regel_fouten(self.rapport)
        document["waarschuwingen"] = self.rapport["waarschuwingen"]
        return document


def levering_afgekeurd(rapport: dict[str, Any]) -> LeveringAfgekeurd:
    """The answer for a zorgkantoor or zorgaanbieder feed with errors: nothing was changed."""
    detail = (
        f"De levering is afgekeurd: {rapport['aantalFouten']} fout(en); er is niets gewijzigd. "
        "Herstel de fouten en lever het hele bestand opnieuw aan."
    )
    return LeveringAfgekeurd(400, detail, rapport=rapport)


def invalid_input(detail: str, params: Sequence[InvalidParam]) -> Problem:
    return Problem(400, detail, tuple(params))


def _bsn_ongeldig(exc: Exception) -> Problem:
    # BsnOngeldig reads "BSN ongeldig: <reden from store.bsn.bsn_fout>"; never the BSN itself.
    reason = str(exc).partition(": ")[2] or "ongeldig BSN"
    detail = f"Het BSN is ongeldig: {reason}."
    return invalid_input(detail, [InvalidParam("bsn", reason)])


def _wet_ongeldig(exc: Exception) -> Problem:
    # WetOngeldig reads "wet ongeldig: <reden from store.registertoets_2023.wet_fout>".
    reason = str(exc).partition(": ")[2] or "ongeldige wet"
    return invalid_input(f"De wet is ongeldig: {reason}.", [InvalidParam("wet", reason)])


def _niet_geauthenticeerd(_: Exception) -> Problem:
    detail = (
        "Geen of onjuiste inloggegevens. Gebruik HTTP Basic (gebruiker: de code van de "
        "organisatie, zoals de gemeentecode, zorgkantoorcode of AGB-code; wachtwoord: het token) "
        "of Authorization: Bearer <token>."
    )
    return Problem(401, detail, headers={"WWW-Authenticate": CHALLENGE})


def _geen_toegang(_: Exception) -> Problem:
    return Problem(403, "Deze organisatie mag deze bewerking niet uitvoeren.")


def _zorginformatie_uit(_: Exception) -> Problem:
    # 403: the service may not take this in at all (no legal basis yet), whatever is sent.
    detail = (
        "Zorginformatie staat uit in deze dienst: de wettelijke grondslag is nog niet van "
        "kracht, dus zorgkantoor- en zorgaanbiederleveringen worden niet aangenomen. Er is niets "
        "opgeslagen."
    )
    return Problem(403, detail)


def _geen_aanleverende_gemeente(_: Exception) -> Problem:
    return Problem(403, "Deze organisatie is niet geregistreerd als aanleverende gemeente.")


def _te_veel_verzoeken(exc: TeVeelVerzoeken) -> Problem:
    detail = (
        f"Te veel registertoetsen: deze organisatie mag er {exc.limiet} per minuut doen. "
        f"Probeer het over {exc.wacht} seconde(n) opnieuw."
    )
    return Problem(429, detail, headers={"Retry-After": str(exc.wacht)})


# Seconds a client should wait before it tries again: about what a database restart or a
# failover takes. Clients that honour it do not hammer a service that is waiting for its database.
RETRY_AFTER = 30


def _niet_beschikbaar(_: Exception) -> Problem:
    detail = "De database is niet bereikbaar. Probeer het later opnieuw."
    return Problem(503, detail, headers={"Retry-After": str(RETRY_AFTER)})


def _from_falcon(exc: falcon.HTTPError) -> Problem:
    status = int(exc.status_code)
    raw = exc.headers or ()
    pairs = raw.items() if isinstance(raw, Mapping) else raw
    headers = {k: v for k, v in pairs if k.lower() == "allow"}
    details = {
        404: "Deze URL bestaat niet. Let op: paden eindigen nooit op een '/'.",
        405: "Deze methode is hier niet toegestaan; zie de Allow-header.",
    }
    return Problem(
        status, details.get(status, "Het verzoek kan niet worden verwerkt."), (), headers
    )


_MAPPERS: tuple[
    tuple[type[Exception] | tuple[type[Exception], ...], Callable[..., Problem]], ...
] = (
    (NietGeauthenticeerd, _niet_geauthenticeerd),
    (GeenToegang, _geen_toegang),
    (AanleveringFout, _geen_aanleverende_gemeente),
    (ZorginformatieUit, _zorginformatie_uit),
    (NietGeregistreerd, _geen_toegang),
    (BsnOngeldig, _bsn_ongeldig),
    (WetOngeldig, _wet_ongeldig),
    (TeVeelVerzoeken, _te_veel_verzoeken),
    (_DB_FAILURES, _niet_beschikbaar),
    (falcon.HTTPError, _from_falcon),
)


def problem_for(exc: Exception) -> Problem:
    """The answer for any exception; unexpected ones are logged (without their message)."""
    if isinstance(exc, Problem):
        return exc
    for kinds, mapper in _MAPPERS:
        if isinstance(exc, kinds):
            return mapper(exc)
    _log_unexpected(exc)
    return Problem(500, "Er ging iets mis in de dienst. De fout is vastgelegd.")


def _chain(exc: BaseException | None) -> Iterable[str]:
    while exc is not None:
        yield type(exc).__qualname__
        exc = exc.__cause__ or exc.__context__


def _log_unexpected(exc: Exception) -> None:
    # The message of a database error can carry the query parameters, a BSN among them: only
    # the exception types and the code locations are logged.
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    _log.error("onverwachte fout (%s); melding weggelaten\n%s", " <- ".join(_chain(exc)), frames)


def handle(
    req: falcon.Request, resp: falcon.Response, exc: Exception, params: dict[str, Any]
) -> None:
    """Falcon error handler for Exception (and so for every HTTPError)."""
    problem = problem_for(exc)
    resp.status = problem.status
    resp.content_type = PROBLEM_JSON
    resp.data = problem.body()
    if problem.headers:
        resp.set_headers(problem.headers)


def wsgi_answer(
    problem: Problem,
    start_response: Callable[..., Any],
    extra: Iterable[tuple[str, str]] = (),
    exc_info: Any = None,
) -> list[bytes]:
    """A problem answered outside Falcon (plain WSGI)."""
    body = problem.body()
    headers = [("Content-Type", PROBLEM_JSON), ("Content-Length", str(len(body)))]
    headers += [*problem.headers.items(), *extra]
    start_response(falcon.code_to_http_status(problem.status), headers, exc_info)
    return [body]


def too_large_app(
    max_body: Callable[[dict[str, Any]], int],
) -> Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]:
    """The WSGI answer of adapters.bodylimit when a body exceeds this request's maximum."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        detail = f"Het verzoek is groter dan het maximum van {max_body(environ)} bytes."
        return wsgi_answer(Problem(413, detail), start_response, COMMON)

    return app
