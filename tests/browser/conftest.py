"""Real-browser tests: Debian's Chromium, driven by Playwright, against `samenloop serve`.

They run once, in the SQLite session of `make test` (they test the pages, not the engine); the
PostgreSQL session lists them as skipped. Without /usr/bin/chromium, the Playwright package or
axe-core (all three installed by `make test`), every test here is skipped with the reason, which
`pytest -ra` prints: never silently.

Three browser contexts, each with cookies of its own:
- `js`: JavaScript on, and `bypass_csp=True`, only so that axe-core can be injected (the portal's
  CSP allows no script at all); every page visited is checked with axe and screenshotted.
- `nojs`: `java_script_enabled=False`, the CSP enforced: the portal must work without script.
- `js_csp`: JavaScript on and the CSP enforced, for the check that no page breaks its own CSP.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from store import demo
from store.db import make_engine, make_sessions
from store.gebruikers import Gebruikersrecht, voeg_toe_aan_gemeente
from store.settings import Settings
from store.wachtwoordlinks import stel_in
from tests import server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

    from tests.browser.sessie import Sessie

HIER = Path(__file__).resolve().parent
# Debian's package; SAMENLOOP_CHROMIUM names another build (or a missing one, to see the skip).
CHROMIUM = Path(os.environ.get("SAMENLOOP_CHROMIUM", "/usr/bin/chromium"))
AXE = HIER / "node_modules" / "axe-core" / "axe.min.js"
# Chromium as root, on a machine whose network reaches nothing but localhost: no sandbox, no
# GPU, and none of the background connections that would try (and fail) to reach Google.
# Playwright adds --headless and a fresh, empty user-data-dir of its own.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WACHTWOORD = "een lange zin als wachtwoord"
ALLE_RECHTEN = ("registertoets", "aanleveren", "ophalen", "rapporten", "instellingen",
                "gebruikersbeheer")  # fmt: skip


def _waarom_niet() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if os.environ.get("SAMENLOOP_TEST_DATABASE", "sqlite") != "sqlite":
        return "browser tests run in the SQLite session only"
    if importlib.util.find_spec("playwright") is None:
        return "BROWSER TESTS SKIPPED: the playwright package is missing (make test installs it)"
    if not CHROMIUM.exists():
        return (
            f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing; install Debian's chromium "
            "(make browser does, as root)"
        )
    if not AXE.exists():
        return f"BROWSER TESTS SKIPPED: {AXE} is missing; run make browser (npm ci)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reden = _waarom_niet()
    for item in items:
        if HIER in item.path.parents:
            item.add_marker(pytest.mark.browser)
            # one xdist worker for them all (make test: --dist loadgroup): one browser (a server per file)
            item.add_marker(pytest.mark.xdist_group("browser"))
            if reden:
                item.add_marker(pytest.mark.skip(reason=reden))


@dataclass(frozen=True)
class Portaal:
    """`samenloop serve` on an SQLite database with the demo set (no portal user yet)."""

    base: str
    env: dict[str, str] = field(repr=False)  # the whole environment: never in a report
    demo: demo.DemoSet = field(repr=False)

    def gebruiker_add(self, gemeente: str, email: str, rechten: tuple[str, ...] = ()) -> str:
        """`samenloop gebruiker add`, as the operator runs it: the link on its last line."""
        args = ["gebruiker", "add", "--gemeente", gemeente, "--email", email]
        args += [a for r in rechten for a in ("--recht", r)]
        return self.samenloop(*args).strip().splitlines()[-1]

    def samenloop(self, *args: str) -> str:
        """Any `samenloop` command, as the operator runs it on the server: its stdout."""
        command = [str(server.BIN / "samenloop"), *args]
        return subprocess.run(
            command, env=self.env, capture_output=True, text=True, check=True
        ).stdout

    def gebruiker_met_wachtwoord(self, gemeente: str, email: str) -> None:
        """A user with every right and the password WACHTWOORD, made by the store functions
        (quicker than the CLI and the page, for tests about something else)."""
        engine = make_engine(Settings(database_url=self.env["SAMENLOOP_DATABASE_URL"]))
        try:
            rechten = tuple(Gebruikersrecht(r) for r in ALLE_RECHTEN)
            nieuw = voeg_toe_aan_gemeente(engine, gemeente, email, rechten, datetime.now(UTC))
            stel_in(engine, nieuw.token, WACHTWOORD, datetime.now(UTC))
        finally:
            engine.dispose()

    @property
    def bsns(self) -> frozenset[str]:
        return frozenset(r.bsn for r in self.demo.register) | set(self.demo.zonder_samenloop)


@pytest.fixture(scope="module")
def portaal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portaal]:
    """A server and database of its own per test file: a file's nightly runs (each refuses a
    date before the last one) and screenshots then do not depend on which file ran before."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'portaal.db'}"
    port = server.free_port()
    env = {
        **os.environ,
        "SAMENLOOP_DATABASE_URL": url,
        "SAMENLOOP_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    samenloop = str(server.BIN / "samenloop")
    subprocess.run([samenloop, "db", "upgrade"], env=env, check=True, capture_output=True)
    engine = make_engine(Settings(database_url=url))
    try:
        demo_set = demo.fill(engine, make_sessions(engine), date.today(), zorg=True)
    finally:
        engine.dispose()
    extra = {"SAMENLOOP_PUBLIC_URL": env["SAMENLOOP_PUBLIC_URL"]}
    with server.service(url, env=extra, port=port) as running:
        yield Portaal(running.base, env, demo_set)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


Sessies = Callable[..., "Sessie"]


@pytest.fixture
def sessies(browser: Browser, portaal: Portaal) -> Iterator[Sessies]:
    """Make a Sessie in a new context: `sessies("js" | "nojs" | "js_csp", screenshots=False)`.
    Each is checked when the test ends (no BSN in a URL, the headers, no CSP violation)."""
    from tests.browser.sessie import Sessie

    gemaakt: list[tuple[Sessie, BrowserContext]] = []

    def maak(soort: str, *, screenshots: bool = False) -> Sessie:
        assert soort in {"js", "nojs", "js_csp"}, soort
        context = browser.new_context(
            viewport={"width": 1280, "height": 800},  # the screenshots' size
            locale="nl-NL",
            bypass_csp=soort == "js",  # only where axe-core is injected
            java_script_enabled=soort != "nojs",
        )
        context.set_default_timeout(10_000)
        sessie = Sessie(
            context.new_page(),
            portaal.base,
            met_axe=soort == "js",
            screenshots=screenshots,
            bsns=portaal.bsns,
        )
        gemaakt.append((sessie, context))
        return sessie

    try:
        yield maak
        for sessie, _ in gemaakt:
            sessie.controleer_verkeer()
    finally:
        for _, context in gemaakt:
            context.close()
