"""Who is calling: a token (HTTP Basic or Bearer) or an OIN passed by a trusted TLS terminator.

Shared by every transport: they hand over the raw header values, this module decides.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from dataclasses import dataclass

from sqlalchemy import Connection, Select, bindparam, select

from store.models import Organisatie, OrganisatieToken
from store.organisaties import token_digest
from store.settings import Settings

CHALLENGE = 'Basic realm="Samenloop", Bearer realm="Samenloop"'


class NietGeauthenticeerd(Exception):
    """No or wrong credentials: nothing may be looked up."""


@dataclass(frozen=True)
class Credentials:
    token: str | None = None
    user: str | None = None
    oin: str | None = None
    # Set only by the portal, for the organisation of a user whose session it has just read
    # from the store (store.portaalsessies); never taken from a request.
    organisatie_id: int | None = None
    gebruiker_id: int | None = None  # the portal's user behind organisatie_id, for the audit


@dataclass(frozen=True)
class Caller:
    organisatie_id: int
    rol: str
    code: str
    gebruiker_id: int | None = None  # a portal user (Credentials.gebruiker_id)


def _basic(value: str) -> Credentials | None:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return Credentials(token=password, user=user) if sep and password else None


def _trusted(remote_addr: str | None, settings: Settings) -> bool:
    if not remote_addr or not settings.trusted_proxies:
        return False
    try:
        addr = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(addr in net for net in settings.trusted_proxies)


def credentials(
    authorization: str | None, oin: str | None, remote_addr: str | None, settings: Settings
) -> Credentials | None:
    """Read credentials from raw header values; the OIN header counts only from a trusted proxy."""
    if oin and _trusted(remote_addr, settings):
        return Credentials(oin=oin.strip())
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "basic":
        return _basic(value)
    if scheme.lower() == "bearer" and value.strip():
        return Credentials(token=value.strip())
    return None


# Built once: constructing a statement and its cache key costs more than running it.
_ACTIVE = select(Organisatie.id, Organisatie.rol, Organisatie.code).where(Organisatie.actief)
_BY_OIN = _ACTIVE.where(Organisatie.oin == bindparam("oin"))
_BY_TOKEN = _ACTIVE.join(OrganisatieToken, OrganisatieToken.organisatie_id == Organisatie.id).where(
    OrganisatieToken.digest == bindparam("digest")
)
_BY_TOKEN_AND_USER = _BY_TOKEN.where(Organisatie.code == bindparam("user"))
_BY_ID = _ACTIVE.where(Organisatie.id == bindparam("id"))


# The caller queries by kind of credential; the registertoets extends them with its lookup.
CALLER_QUERIES: dict[str, Select[int, str, str]] = {
    "oin": _BY_OIN,
    "token": _BY_TOKEN,
    "token_user": _BY_TOKEN_AND_USER,
    "id": _BY_ID,
}


def caller_params(creds: Credentials | None) -> tuple[str, dict[str, str | int]]:
    """Which caller query fits the credentials, with its parameters (or refuse at once)."""
    if creds is None:
        raise NietGeauthenticeerd
    if creds.organisatie_id is not None:
        return "id", {"id": creds.organisatie_id}
    if creds.oin is not None:
        return "oin", {"oin": creds.oin}
    if creds.token is None:
        raise NietGeauthenticeerd
    digest = token_digest(creds.token)
    if creds.user is None:
        return "token", {"digest": digest}
    return "token_user", {"digest": digest, "user": creds.user}


def identify(conn: Connection, creds: Credentials | None) -> Caller:
    """The active organisation behind the credentials (one indexed lookup), or refuse."""
    key, params = caller_params(creds)
    row = conn.execute(CALLER_QUERIES[key], params).first()
    if row is None:
        raise NietGeauthenticeerd
    return Caller(row.id, row.rol, row.code, portaalgebruiker(creds))


def portaalgebruiker(creds: Credentials | None) -> int | None:
    """The portal user behind the credentials, if a portal user it is."""
    return None if creds is None else creds.gebruiker_id
