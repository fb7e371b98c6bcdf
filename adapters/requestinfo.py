"""What the transports tell the request log about a request, through the WSGI environ.

A plain WSGI utility (no transport of its own) that SOAP and REST both use, like
adapters.bodylimit: the transport names the operation (a bounded name such as
`soap.Registertoets` or `rest.aanleveringen.post`), the route (a path template, never a path
with ids) and, once the core identified the caller, the organisation's code. adapters.requestlog
reads them when the answer is done.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from store.auth import Caller

Environ = dict[str, Any]

OPERATION = "samenloop.operation"
ROUTE = "samenloop.route"
ORGANISATION = "samenloop.organisation"


def name_operation(environ: Environ, operation: str, route: str | None = None) -> None:
    environ[OPERATION] = operation
    if route is not None:
        environ[ROUTE] = route


def name_organisation(environ: Environ, caller: Caller) -> None:
    environ[ORGANISATION] = caller.code


def organisation_setter(environ: Environ) -> Callable[[Caller], None]:
    """A callback for the core: it names the caller as soon as it is identified."""
    return functools.partial(name_organisation, environ)
