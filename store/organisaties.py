"""Organisations (callers), their tokens and the gemeenten each one delivers for."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.gemeenten import laad_register
from store.models import Aanleverrecht, Organisatie, OrganisatieToken
from store.rollen import Rol, Wet

_OIN_LENGTH = 20
_AGB = re.compile(r"[0-9]{8}")
_VIER_CIJFERS = re.compile(r"[0-9]{4}")


class OrganisatieFout(ValueError):
    """A refused organisation change; the message is plain Dutch."""


@dataclass(frozen=True)
class OrganisatieInfo:
    id: int
    rol: str
    code: str
    oin: str | None
    mail: str | None
    actief: bool
    levert_voor: tuple[str, ...]  # Wmo
    levert_voor_jw: tuple[str, ...] = ()
    signaalversie: int = 1  # the Wmo signal file version a gemeente chose (store/signaalversie)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def find(session: Session, rol: Rol, code: str) -> Organisatie | None:
    """The organisation of this role and code, active or not."""
    return session.scalar(
        select(Organisatie).where(Organisatie.rol == rol, Organisatie.code == code)
    )


def _require(session: Session, rol: Rol, code: str) -> Organisatie:
    org = find(session, rol, code)
    if org is None or not org.actief:
        raise OrganisatieFout(f"{rol} {code} is niet geregistreerd")
    return org


def _check_oin(session: Session, oin: str, org_id: int | None) -> None:
    if len(oin) != _OIN_LENGTH or not oin.isascii() or not oin.isdigit():
        raise OrganisatieFout(f"OIN moet {_OIN_LENGTH} cijfers zijn")
    holder = session.scalar(select(Organisatie).where(Organisatie.oin == oin))
    if holder is not None and holder.id != org_id:
        raise OrganisatieFout(f"OIN is al gekoppeld aan {holder.rol} {holder.code}")


def _check_mail(mail: str) -> None:
    local, _, domain = mail.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in mail):
        raise OrganisatieFout(f"{mail!r} is geen mailadres")


def issue_token(session: Session, org: Organisatie) -> str:
    """A new random token (256 bits); every earlier token of the organisation stops at once."""
    session.execute(delete(OrganisatieToken).where(OrganisatieToken.organisatie_id == org.id))
    token = secrets.token_urlsafe(32)
    session.add(
        OrganisatieToken(organisatie_id=org.id, digest=token_digest(token), aangemaakt_op=_now())
    )
    return token


def _set_aanleverrechten(
    session: Session, org: Organisatie, wet: Wet, codes: Iterable[str], peildatum: date
) -> None:
    wanted = sorted({org.code, *codes})
    gemeenten = laad_register(session)
    fouten = [f for f in (gemeenten.fout(code, peildatum) for code in wanted) if f]
    if fouten:
        raise OrganisatieFout("; ".join(fouten))
    taken = session.execute(
        select(Aanleverrecht.gemeentecode, Organisatie.code)
        .join(Organisatie, Organisatie.id == Aanleverrecht.organisatie_id)
        .where(Aanleverrecht.wet == wet, Aanleverrecht.gemeentecode.in_(wanted))
        .where(Aanleverrecht.organisatie_id != org.id)
    ).all()
    if taken:
        raise OrganisatieFout(
            "; ".join(
                f"voor gemeentecode {code} levert gemeente {holder} al aan ({wet})"
                for code, holder in taken
            )
        )
    session.execute(
        delete(Aanleverrecht).where(
            Aanleverrecht.organisatie_id == org.id, Aanleverrecht.wet == wet
        )
    )
    session.flush()
    session.add_all(
        Aanleverrecht(organisatie_id=org.id, wet=wet, gemeentecode=code) for code in wanted
    )


def add_gemeente(
    session: Session,
    code: str,
    *,
    samenwerking: Iterable[str] = (),
    oin: str | None = None,
    mail: str | None = None,
    peildatum: date,
    wetten: Iterable[Wet] = tuple(Wet),
) -> str:
    """Register (or re-activate) a gemeente; returns its new token.

    It delivers for itself and the samenwerking, for each of `wetten` (both, unless the operator
    names one: a gemeente whose Wmo another gemeente delivers registers for the Jeugdwet alone).
    """
    org = find(session, Rol.GEMEENTE, code)
    if org is not None and org.actief:
        raise OrganisatieFout(f"gemeente {code} is al geregistreerd; gebruik 'org set'")
    if org is None:
        org = Organisatie(rol=Rol.GEMEENTE, code=code, aangemaakt_op=_now())
        session.add(org)
    org.actief = True
    session.flush()
    _update(session, org, oin=oin, mail=mail)
    for wet in wetten:
        _set_aanleverrechten(session, org, wet, samenwerking, peildatum)
    return issue_token(session, org)


def _update(session: Session, org: Organisatie, *, oin: str | None, mail: str | None) -> None:
    if oin is not None:
        if oin:
            _check_oin(session, oin, org.id)
        org.oin = oin or None
    if mail is not None:
        if mail:
            _check_mail(mail)
        org.mail = mail or None


def set_gemeente(
    session: Session,
    code: str,
    *,
    samenwerking: Iterable[str] | None = None,
    oin: str | None = None,
    mail: str | None = None,
    peildatum: date,
    wetten: Iterable[Wet] = tuple(Wet),
) -> None:
    """Change a samenwerkingsverband (for each of `wetten`: both unless one is named), OIN or
    mail address; an empty string clears OIN or mail."""
    org = _require(session, Rol.GEMEENTE, code)
    _update(session, org, oin=oin, mail=mail)
    if samenwerking is not None:
        codes = list(samenwerking)
        for wet in wetten:
            _set_aanleverrechten(session, org, wet, codes, peildatum)


def new_token(session: Session, code: str, rol: Rol = Rol.GEMEENTE) -> str:
    return issue_token(session, _require(session, rol, code))


def remove_gemeente(session: Session, code: str) -> None:
    remove_organisatie(session, Rol.GEMEENTE, code)


def remove_organisatie(session: Session, rol: Rol, code: str) -> None:
    """Deactivate: tokens stop at once, aanleverrechten are released; its data stays."""
    org = _require(session, rol, code)
    org.actief = False
    session.execute(delete(OrganisatieToken).where(OrganisatieToken.organisatie_id == org.id))
    session.execute(delete(Aanleverrecht).where(Aanleverrecht.organisatie_id == org.id))


def _levert_voor(session: Session, org: Organisatie, wet: Wet) -> tuple[str, ...]:
    codes = session.scalars(
        select(Aanleverrecht.gemeentecode)
        .where(Aanleverrecht.organisatie_id == org.id, Aanleverrecht.wet == wet)
        .order_by(Aanleverrecht.gemeentecode)
    )
    return tuple(codes)


def describe(session: Session, rol: Rol, code: str) -> OrganisatieInfo | None:
    org = find(session, rol, code)
    if org is None:
        return None
    wmo, jw = (_levert_voor(session, org, wet) for wet in (Wet.WMO, Wet.JW))
    return OrganisatieInfo(
        org.id, org.rol, org.code, org.oin, org.mail, org.actief, wmo, jw, org.signaalversie
    )


def list_organisaties(session: Session) -> list[OrganisatieInfo]:
    rows = session.execute(select(Organisatie.rol, Organisatie.code).order_by(Organisatie.code))
    return [info for rol, code in rows if (info := describe(session, Rol(rol), code))]


@cache
def _cod001() -> dict[str, tuple[date, date | None]]:
    """iWlz COD001 zorgkantoor: code -> (ingangsdatum, expiratiedatum) (store/data)."""
    text = resources.files("store.data").joinpath("iwlz-cod001-zorgkantoor.csv")
    rows = csv.DictReader(io.StringIO(text.read_text(encoding="utf-8")))
    return {
        r["code"]: (
            date.fromisoformat(r["ingangsdatum"]),
            date.fromisoformat(r["expiratiedatum"]) if r["expiratiedatum"] else None,
        )
        for r in rows
    }


def _zorgkantoor_fout(code: str, peildatum: date) -> str | None:
    if not _VIER_CIJFERS.fullmatch(code):
        return "een zorgkantoorcode is 4 cijfers (0-9) uit iWlz COD001, bijvoorbeeld 5501"
    if (geldig := _cod001().get(code)) is None:
        return f"zorgkantoorcode {code} staat niet in iWlz COD001"
    ingang, einde = geldig
    if peildatum < ingang or (einde is not None and peildatum >= einde):
        return f"zorgkantoorcode {code} is op {peildatum.isoformat()} niet geldig in iWlz COD001"
    return None


def code_fout(rol: Rol, code: str, peildatum: date) -> str | None:
    """Why a zorgkantoor or zorgaanbieder code cannot be registered (None: it can)."""
    if rol is Rol.ZORGKANTOOR:
        return _zorgkantoor_fout(code, peildatum)
    if not _AGB.fullmatch(code):
        return "een AGB-code is 8 cijfers (0-9)"
    return None


def add_zorgpartij(
    session: Session,
    rol: Rol,
    code: str,
    *,
    oin: str | None = None,
    mail: str | None = None,
    peildatum: date,
) -> str:
    """Register (or re-activate) a zorgkantoor or zorgaanbieder; returns its new token."""
    if fout := code_fout(rol, code, peildatum):
        raise OrganisatieFout(fout)
    org = find(session, rol, code)
    if org is not None and org.actief:
        raise OrganisatieFout(f"{rol} {code} is al geregistreerd; gebruik 'org set'")
    if org is None:
        org = Organisatie(rol=rol, code=code, aangemaakt_op=_now())
        session.add(org)
    org.actief = True
    session.flush()
    _update(session, org, oin=oin, mail=mail)
    return issue_token(session, org)


def set_zorgpartij(
    session: Session, rol: Rol, code: str, *, oin: str | None = None, mail: str | None = None
) -> None:
    """Change the OIN or mail address of a zorgkantoor or zorgaanbieder."""
    _update(session, _require(session, rol, code), oin=oin, mail=mail)
