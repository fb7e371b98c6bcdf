"""Fixtures for the portal: the demo set, cheap password hashing, users with a password."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapters.bodylimit import WsgiApp
from adapters.metrics import RequestMetrics
from adapters.portaal.app import create_portaal_app
from adapters.requestlog import observe
from store import demo, wachtwoorden
from store.gebruikers import Gebruikersrecht, voeg_toe_aan_gemeente
from store.settings import Settings
from store.wachtwoordlinks import stel_in

PEILDATUM = date(2026, 3, 1)
NU = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WACHTWOORD = "correct paard batterij"
BEHEERDER = "beheer@amsterdam.example"
MEDEWERKER = "wmo-loket@amsterdam.example"
ROTTERDAMMER = "beheer@rotterdam.example"


@pytest.fixture(autouse=True)
def cheap_hashing() -> Iterator[None]:
    """argon2id with argon2-cffi's cheapest parameters: a login costs microseconds, not 50 ms
    and 64 MiB (the production parameters are checked on their own)."""
    production = wachtwoorden.hasher()
    wachtwoorden.gebruik(PasswordHasher.from_parameters(profiles.CHEAPEST))
    yield
    wachtwoorden.gebruik(production)


@pytest.fixture
def demo_set(engine: Engine, sessions: sessionmaker[Session]) -> demo.DemoSet:
    return demo.fill(engine, sessions, PEILDATUM, zorg=True)


@dataclass(frozen=True)
class Gebruikers:
    """Users with the password WACHTWOORD: 0363's beheerder (every right, its first user),
    0363's medewerker (registertoets only) and 0599's beheerder."""

    beheerder: int
    medewerker: int
    rotterdammer: int


def met_wachtwoord(
    engine: Engine, code: str, email: str, rechten: tuple[Gebruikersrecht, ...] = ()
) -> int:
    nieuw = voeg_toe_aan_gemeente(engine, code, email, rechten, NU)
    stel_in(engine, nieuw.token, WACHTWOORD, NU)
    return nieuw.gebruiker.id


@pytest.fixture
def gebruikers(engine: Engine, demo_set: demo.DemoSet) -> Gebruikers:
    return Gebruikers(
        met_wachtwoord(engine, "0363", BEHEERDER),
        met_wachtwoord(engine, "0363", MEDEWERKER, (Gebruikersrecht.REGISTERTOETS,)),
        met_wachtwoord(engine, "0599", ROTTERDAMMER),
    )


class Klok:
    """The portal's clock (UTC), moved on by the tests."""

    def __init__(self) -> None:
        self.nu = NU

    def __call__(self) -> datetime:
        return self.nu

    def verder(self, **delta: float) -> None:
        self.nu += timedelta(**delta)


BASE_URL = "http://samenloop.test"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_uit(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


class Bezoeker:
    """A browser without JavaScript: cookies, forms posted with the page's CSRF token, no
    redirect followed unless asked."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any], *, csrf: str | None = None) -> httpx.Response:
        """Post a form; its CSRF token from the page at `path` (GET) unless given."""
        token = csrf if csrf is not None else csrf_uit(self.get(_form_page(path)).text)
        return self.client.post(path, data={**data, "csrf": token})

    def login(self, email: str, wachtwoord: str = WACHTWOORD) -> httpx.Response:
        return self.post(INLOGGEN, {"email": email, "wachtwoord": wachtwoord})


INLOGGEN = "/portaal/inloggen"


def _form_page(path: str) -> str:
    """The page whose form posts to `path` (the same page, or the user page for its actions)."""
    if path == "/portaal/uitloggen":
        return "/portaal/"
    parts = path.split("/")
    if len(parts) == 4 and parts[2] == "instellingen":  # /portaal/instellingen/<formulier>
        return "/".join(parts[:3])
    if len(parts) == 5 and parts[2] == "gebruikers":  # /portaal/gebruikers/{id}/<actie>
        return "/".join(parts[:4])
    return path


@pytest.fixture
def klok() -> Klok:
    return Klok()


@pytest.fixture
def portaal_app(settings: Settings, engine: Engine, demo_set: demo.DemoSet, klok: Klok) -> WsgiApp:
    """The portal in-process behind the request log (as adapters.wsgi serves it)."""
    app = create_portaal_app(settings, engine, nu=klok, vandaag=lambda: PEILDATUM)
    return observe(app, RequestMetrics().observe)


@pytest.fixture
def bezoeker(portaal_app: WsgiApp) -> Iterator[Bezoeker]:
    transport = httpx.WSGITransport(app=portaal_app)
    with httpx.Client(transport=transport, base_url=BASE_URL) as client:
        yield Bezoeker(client)


@pytest.fixture
def nieuwe_bezoeker(portaal_app: WsgiApp) -> Iterator[Callable[[], Bezoeker]]:
    """More browsers (each with its own cookies), closed after the test."""
    with contextlib.ExitStack() as stack:

        def make() -> Bezoeker:
            transport = httpx.WSGITransport(app=portaal_app)
            client = httpx.Client(transport=transport, base_url=BASE_URL)
            return Bezoeker(stack.enter_context(client))

        yield make


@pytest.fixture
def beheerder(bezoeker: Bezoeker, gebruikers: Gebruikers) -> Bezoeker:
    """Logged in as 0363's first user (every right)."""
    assert bezoeker.login(BEHEERDER).status_code == 303
    return bezoeker
