"""Body limits per route, applied before Falcon reads a request (adapters.bodylimit).

An aanlevering or a zorg feed may be up to 60 MB (the aanlevering core's maximum); every other
body stays within SAMENLOOP_MAX_BODY. An upload without any credentials is refused (401) before
a byte of its body is read, so that a stranger cannot make the service spool 60 MB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from adapters.bodylimit import Environ, StartResponse, WsgiApp, limit_body
from adapters.files.aanlevering import MAX_BYTES as UPLOAD_MAX
from adapters.rest import problems
from adapters.rest.headers import COMMON
from adapters.rest.openapi import BASE_PATH
from store.auth import NietGeauthenticeerd, credentials
from store.settings import Settings

UPLOAD_PATH = BASE_PATH + "/aanleveringen"
# The zorg feeds are files as large as an aanlevering (300,000 lines is about 10 MB).
UPLOAD_PATHS = frozenset(
    {UPLOAD_PATH, BASE_PATH + "/zorgkantoor-leveringen", BASE_PATH + "/zorgaanbieder-leveringen"}
)


def is_upload(environ: Environ) -> bool:
    return environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") in UPLOAD_PATHS


def max_body(settings: Settings) -> Callable[[Environ], int]:
    def limit(environ: Environ) -> int:
        return UPLOAD_MAX if is_upload(environ) else settings.max_body

    return limit


def _has_credentials(environ: Environ, settings: Settings) -> bool:
    oin_key = "HTTP_" + settings.oin_header.upper().replace("-", "_")
    found = credentials(
        environ.get("HTTP_AUTHORIZATION"),
        environ.get(oin_key),
        environ.get("REMOTE_ADDR"),
        settings,
    )
    return found is not None


def _credentials_first(app: WsgiApp, settings: Settings) -> WsgiApp:
    refused = problems.problem_for(NietGeauthenticeerd())

    def wrapped(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if is_upload(environ) and not _has_credentials(environ, settings):
            return problems.wsgi_answer(refused, start_response, COMMON)
        return app(environ, start_response)

    return wrapped


def limited(app: WsgiApp, settings: Settings) -> WsgiApp:
    """app behind the body limit (413 problem+json) and the upload's credentials check."""
    limit = max_body(settings)
    return _credentials_first(limit_body(app, limit, problems.too_large_app(limit)), settings)
