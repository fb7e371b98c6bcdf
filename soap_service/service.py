"""spyne: the wire models with the contract's names and the three thin @rpc methods.

Each method calls the core once (`store.registertoets.registertoets`) and maps the
Toetsuitslag to the wire model; errors propagate to soap_service.faults, the one place that
maps them. The engine and the caller's credentials travel in `ctx.udc` (an `Aanroep`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple, TypeVar

from spyne import Application, ComplexModel, Date, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11
from sqlalchemy import Engine

from soap_service.contract import TNS
from store.advies import Advies, Leveringsvorm
from store.auth import Credentials
from store.datums import vandaag
from store.registertoets import Operatie, Seen, Toetsuitslag, registertoets
from store.registertoets_2023 import Samenloopuitslag, Schakelaars, registertoets_samenloop

M = TypeVar("M")

# Required: present, not nillable. Optional: left out when empty, never xsi:nil.
_REQUIRED = Unicode(min_occurs=1, nillable=False)
_OPTIONAL = Unicode(min_occurs=0, nillable=False)
_OPTIONAL_DATE = Date(min_occurs=0, nillable=False)
_REQUIRED_DATE = Date(min_occurs=1, nillable=False)


class Aanroep(NamedTuple):
    """What a method needs besides its arguments: set by the transport as ctx.udc."""

    engine: Engine
    credentials: Credentials | None
    limiet: int  # registertoetsen per organisation per minute (0: none)
    seen: Seen | None = None  # told who is calling once the core knows (the request log)
    schakelaars: Schakelaars = Schakelaars()  # the legal-basis switches
    today: Callable[[], date] = vandaag  # the peildatum of RegistertoetsSamenloop


# Each answer's fields are its predecessor's followed by its own: shared as tuples, not by
# subclassing, because spyne writes a ComplexModel subclass as an xs:extension of its parent
# (checked with spyne 2.14), a type hierarchy the frozen contract does not have: its three
# answer types are flat, independent sequences.
_VELDEN_2015: tuple[tuple[str, Any], ...] = (
    ("samenloop", _REQUIRED),
    ("melding", _OPTIONAL),
    ("bsn", _OPTIONAL),
    ("wlzStatus", _OPTIONAL),
)
_UITGEBREID: tuple[tuple[str, Any], ...] = (
    *_VELDEN_2015,
    ("afgiftedatum", _OPTIONAL_DATE),
    ("ingangsdatum", _OPTIONAL_DATE),
    ("einddatum", _OPTIONAL_DATE),
)


class RegistertoetsAntwoord(ComplexModel):  # type: ignore[misc]
    __namespace__ = TNS
    __type_name__ = "RegistertoetsAntwoord"
    _type_info = _VELDEN_2015


class RegistertoetsUitgebreidAntwoord(ComplexModel):  # type: ignore[misc]
    __namespace__ = TNS
    __type_name__ = "RegistertoetsUitgebreidAntwoord"
    _type_info = _UITGEBREID


class LeveringsvormModel(ComplexModel):  # type: ignore[misc]
    __namespace__ = TNS
    __type_name__ = "Leveringsvorm"
    _type_info = (
        ("code", _REQUIRED),
        ("omschrijving", _REQUIRED),
        ("startdatum", _REQUIRED_DATE),
        ("einddatum", _OPTIONAL_DATE),
    )


class AdviesModel(ComplexModel):  # type: ignore[misc]
    __namespace__ = TNS
    __type_name__ = "Advies"
    _type_info = (
        ("waarde", _REQUIRED),
        ("regel", _REQUIRED),
        ("regelversie", _REQUIRED),
        ("toelichting", _REQUIRED),
        ("perDatum", _OPTIONAL_DATE),
    )


class RegistertoetsSamenloopAntwoord(ComplexModel):  # type: ignore[misc]
    __namespace__ = TNS
    __type_name__ = "RegistertoetsSamenloopAntwoord"
    _type_info = (
        *_UITGEBREID,  # the 2021 fields, as in the 2021 operation
        (
            "leveringsvorm",
            LeveringsvormModel.customize(min_occurs=0, max_occurs="unbounded", nillable=False),
        ),
        ("startdatumZorg", _OPTIONAL_DATE),
        ("bronStartdatumZorg", _OPTIONAL),
        ("advies", AdviesModel.customize(min_occurs=0, nillable=False)),
    )


def _samenloop(uitslag: Toetsuitslag) -> dict[str, Any]:
    """The 2015 fields: melding only for NEE, bsn and wlzStatus only for JA."""
    if not uitslag.samenloop:
        return {"samenloop": "NEE", "melding": uitslag.melding}
    return {"samenloop": "JA", "bsn": uitslag.bsn, "wlzStatus": uitslag.wlz_status}


def antwoord(uitslag: Toetsuitslag) -> RegistertoetsAntwoord:
    return RegistertoetsAntwoord(**_samenloop(uitslag))


def _uitgebreid(uitslag: Toetsuitslag) -> dict[str, Any]:
    velden = _samenloop(uitslag)
    if uitslag.samenloop:
        velden["afgiftedatum"] = uitslag.afgiftedatum
        velden["ingangsdatum"] = uitslag.ingangsdatum
        velden["einddatum"] = uitslag.einddatum
    return velden


def uitgebreid_antwoord(uitslag: Toetsuitslag) -> RegistertoetsUitgebreidAntwoord:
    return RegistertoetsUitgebreidAntwoord(**_uitgebreid(uitslag))


def _wire(model: type[M], **velden: Any) -> M:
    """A wire model without spyne's generic __init__ (about 30 µs per model, and this answer
    has several): every declared field set, None where not given, as __init__ leaves a model
    without defaults. tests/soap compare the answers with spyne's own serializer."""
    wire = model.__new__(model)
    wire.__dict__.update(dict.fromkeys(model._type_info), **velden)  # type: ignore[attr-defined]
    return wire


def _leveringsvorm(lv: Leveringsvorm) -> LeveringsvormModel:
    return _wire(
        LeveringsvormModel,
        code=lv.code,
        omschrijving=lv.omschrijving,
        startdatum=lv.startdatum,
        einddatum=lv.einddatum,
    )


def _advies(advies: Advies) -> AdviesModel:
    return _wire(
        AdviesModel,
        waarde=advies.waarde.value,
        regel=advies.regel,
        regelversie=advies.regelversie,
        toelichting=advies.toelichting,
        perDatum=advies.per_datum,
    )


def _zorg(uitslag: Samenloopuitslag) -> dict[str, Any]:
    """The 2023 fields: only for samenloop JA with zorg information aan; empty ones left out."""
    zorg, advies = uitslag.zorg, uitslag.advies
    if zorg is None or advies is None:
        return {}
    return {
        "leveringsvorm": [_leveringsvorm(lv) for lv in zorg.leveringsvormen] or None,
        "startdatumZorg": zorg.startdatum_zorg,
        "bronStartdatumZorg": zorg.bron.value if zorg.bron else None,
        "advies": _advies(advies),
    }


def samenloop_antwoord(uitslag: Samenloopuitslag) -> RegistertoetsSamenloopAntwoord:
    velden = _uitgebreid(uitslag.uitslag)
    return _wire(RegistertoetsSamenloopAntwoord, **velden, **_zorg(uitslag))


def _result(model: type[Any]) -> Any:
    """The result element is required and never nil, as in the contract."""
    return model.customize(min_occurs=1, nillable=False)


def _toets(ctx: Any, bsn: str | None, operatie: Operatie) -> Toetsuitslag:
    aanroep: Aanroep = ctx.udc
    return registertoets(
        aanroep.engine,
        aanroep.credentials,
        bsn or "",
        operatie,
        aanroep.seen,
        limiet=aanroep.limiet,
    )


def _toets_samenloop(ctx: Any, bsn: str | None, wet: str | None) -> Samenloopuitslag:
    aanroep: Aanroep = ctx.udc
    return registertoets_samenloop(
        aanroep.engine,
        aanroep.credentials,
        bsn or "",
        wet or "",
        aanroep.today(),
        aanroep.seen,
        limiet=aanroep.limiet,
        schakelaars=aanroep.schakelaars,
    )


class RegistertoetsService(ServiceBase):  # type: ignore[misc]
    @rpc(_REQUIRED, _returns=_result(RegistertoetsAntwoord), _body_style="wrapped")  # type: ignore[untyped-decorator]
    def Registertoets(ctx: Any, bsn: str | None) -> RegistertoetsAntwoord:
        return antwoord(_toets(ctx, bsn, Operatie.REGISTERTOETS))

    @rpc(  # type: ignore[untyped-decorator]
        _REQUIRED, _returns=_result(RegistertoetsUitgebreidAntwoord), _body_style="wrapped"
    )
    def RegistertoetsUitgebreid(ctx: Any, bsn: str | None) -> RegistertoetsUitgebreidAntwoord:
        return uitgebreid_antwoord(_toets(ctx, bsn, Operatie.UITGEBREID))

    @rpc(  # type: ignore[untyped-decorator]
        _REQUIRED,
        _REQUIRED,
        _returns=_result(RegistertoetsSamenloopAntwoord),
        _body_style="wrapped",
    )
    def RegistertoetsSamenloop(
        ctx: Any, bsn: str | None, wet: str | None
    ) -> RegistertoetsSamenloopAntwoord:
        return samenloop_antwoord(_toets_samenloop(ctx, bsn, wet))


def application() -> Application:
    """The spyne Application: SOAP 1.1 in and out, and no spyne validator (the contract's own
    schema checks input in soap_service.app, without echoing values as spyne's would). The
    transport calls the methods directly (soap_service.dispatch); tests/soap run this full
    spyne pipeline as the reference that the transport's answers must equal."""
    return Application(
        [RegistertoetsService],
        tns=TNS,
        name="RegistertoetsService",
        in_protocol=Soap11(validator=None),
        out_protocol=Soap11(cleanup_namespaces=True),
    )


@functools.cache
def shared_application() -> Application:
    """The service's Application, built once per process (tests build their own)."""
    return application()


def tame_spyne_logging() -> None:
    """spyne logs every client fault with a traceback, and a parse error with the whole
    request (BSN included): those loggers stay silent; faults are logged by soap_service."""
    for name in (
        "spyne.application.client",
        "spyne.protocol.soap.soap11.invalid",
        "spyne.protocol.xml.invalid",
        "spyne.server._base",
    ):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
