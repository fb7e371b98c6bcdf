"""The WSGI application for /soap/registertoets: the WSDL on GET, the operations on POST.

POST, in this order: credentials present (else 401, the body unread), body within the maximum
(adapters.bodylimit, chunked included: else 413), the envelope read once with a safe parser
(soap_service.envelope), the operation element checked against the frozen schema, then the
spyne method, which calls the core; the core identifies the caller before it looks anything up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from sqlalchemy import Engine

from adapters.bodylimit import limit_body
from adapters.requestinfo import name_operation, organisation_setter
from soap_service import dispatch, envelope, faults
from soap_service.contract import SERVICE_PATH, schema, served_wsdl
from soap_service.faults import Code, SoapFout
from soap_service.service import Aanroep, shared_application, tame_spyne_logging
from store.auth import CHALLENGE, Credentials, credentials
from store.datums import vandaag
from store.registertoets_2023 import Schakelaars
from store.settings import Settings

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

XML = "text/xml; charset=utf-8"
_USAGE = (
    "Wlz registertoets, SOAP 1.1 (document/literal).\n"
    f"POST een SOAP-envelop naar {SERVICE_PATH}; de WSDL staat op {SERVICE_PATH}?wsdl\n"
).encode()


def _send(start: StartResponse, status: str, body: bytes, *extra: tuple[str, str]) -> list[bytes]:
    headers = [("Content-Type", XML), ("Content-Length", str(len(body))), *extra]
    start(status, headers)
    return [body]


def _send_fault(start: StartResponse, fout: SoapFout, message_id: str | None = None) -> list[bytes]:
    extra = [("WWW-Authenticate", CHALLENGE)] if fout.code is Code.NIET_GEAUTHENTICEERD else []
    extra += fout.headers
    return _send(start, fout.status, envelope.fault(fout, message_id), *extra)


def _plain(start: StartResponse, status: str, text: bytes, *extra: tuple[str, str]) -> list[bytes]:
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(text)))]
    start(status, [*headers, *extra])
    return [text]


def _wants_wsdl(environ: Environ) -> bool:
    query = str(environ.get("QUERY_STRING") or "")
    first = query.split("&", 1)[0].split("=", 1)[0]
    return first.lower() == "wsdl"


def _credentials(environ: Environ, settings: Settings) -> Credentials | None:
    oin_key = "HTTP_" + settings.oin_header.upper().replace("-", "_")
    return credentials(
        environ.get("HTTP_AUTHORIZATION"),
        environ.get(oin_key),
        environ.get("REMOTE_ADDR"),
        settings,
    )


_CREDENTIALS = "samenloop.credentials"  # environ key: checked before the body is read

# The request log's operation name (adapters.requestinfo) until the body element names one of
# the contract's operations: then `soap.<Operation>`.
_SOAP = "soap"


class _Checkers(threading.local):
    """lxml validators are not shared between threads (parsers are made per request)."""

    def __init__(self) -> None:
        self.schema = schema()


class _Soap:
    """The POST handler, after the credentials check and the body limit."""

    def __init__(self, engine: Engine, settings: Settings, today: Callable[[], date]) -> None:
        self.engine = engine
        self.limiet = settings.registertoets_limiet
        self.schakelaars = Schakelaars(settings.jeugdwet, settings.zorginformatie)
        self.today = today
        self.checkers = _Checkers()
        self.operations = dispatch.operations(shared_application())
        self.names = {op.name: f"{_SOAP}.{op.name}" for op in self.operations.values()}

    def _operation(self, element: etree._Element, environ: Environ) -> dispatch.Operation:
        operation = dispatch.find(self.operations, element)
        name_operation(environ, self.names[operation.name])  # the body element decides
        if not self.checkers.schema.validate(element):
            # lxml's message would quote the value: the fault names the rule only.
            raise faults.client(Code.NIET_CONFORM_XSD, "het bericht voldoet niet aan de XSD")
        return operation

    def _answer(self, verzoek: envelope.Verzoek, environ: Environ) -> bytes:
        operation = self._operation(verzoek.operatie, environ)
        aanroep = Aanroep(
            self.engine,
            environ[_CREDENTIALS],
            self.limiet,
            organisation_setter(environ),
            self.schakelaars,
            self.today,
        )
        model = dispatch.call(operation, verzoek.operatie, aanroep)
        body = dispatch.response_xml(operation, model)
        return envelope.answer(body, verzoek.message_id, operation.action)

    def post(self, environ: Environ, start: StartResponse) -> list[bytes]:
        message_id = None
        try:
            verzoek = envelope.read(environ["wsgi.input"].read())
            message_id = verzoek.message_id
            return _send(start, "200 OK", self._answer(verzoek, environ))
        except Exception as exc:  # every error is answered as a fault
            return _send_fault(start, faults.from_exception(exc), message_id)


def _too_large(_environ: Environ, start: StartResponse) -> list[bytes]:
    return _send_fault(start, faults.TE_GROOT)


def _authenticated(settings: Settings, post: WsgiApp) -> WsgiApp:
    """401 without reading the body when no credentials came; the core checks them."""

    def check(environ: Environ, start: StartResponse) -> Iterable[bytes]:
        creds = _credentials(environ, settings)
        if creds is None:
            return _send_fault(start, faults.NIET_GEAUTHENTICEERD)
        environ[_CREDENTIALS] = creds
        return post(environ, start)

    return check


def create_soap_app(
    settings: Settings, engine: Engine, today: Callable[[], date] = vandaag
) -> WsgiApp:
    """`today`: the peildatum of RegistertoetsSamenloop (Europe/Amsterdam; tests fix it)."""
    tame_spyne_logging()
    wsdl = served_wsdl(settings.public_url)
    limited = limit_body(
        _Soap(engine, settings, today).post,
        lambda _env: settings.max_body,
        _too_large,
    )
    post = _authenticated(settings, limited)

    def app(environ: Environ, start: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SERVICE_PATH:
            name_operation(environ, _SOAP)
            return _plain(start, "404 Not Found", b"Niet gevonden\n")
        name_operation(environ, _SOAP, SERVICE_PATH)
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST":
            return post(environ, start)
        if method not in ("GET", "HEAD"):
            return _plain(start, "405 Method Not Allowed", _USAGE, ("Allow", "GET, HEAD, POST"))
        # For HEAD the server sends the headers only (PEP 3333 leaves that to it).
        if _wants_wsdl(environ):
            name_operation(environ, "soap.wsdl")
            return _send(start, "200 OK", wsdl)
        return _plain(start, "200 OK", _USAGE)

    return app
