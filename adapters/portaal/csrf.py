"""CSRF tokens on every state-changing form (portaal.md), checked with hmac.compare_digest.

Behind the login the token is the session's own (random, kept with the session in the
store). The two forms before it (Inloggen, Wachtwoord instellen) use a double-submit token: a
random value in a cookie of its own (HttpOnly, SameSite=Lax) that the form repeats. A form
posted without the right token is refused with 403 before its page runs: nothing changes.
"""

from __future__ import annotations

import hmac
import secrets

VELD = "csrf"
COOKIE = "samenloop_formulier"


class FormulierVerlopen(Exception):
    """403: the form's token is missing or wrong (an old page, or another site's form)."""


def nieuw() -> str:
    return secrets.token_urlsafe(32)


def klopt(verwacht: str | None, gegeven: list[str]) -> bool:
    """Exactly one token posted, and it is the expected one (compared in constant time)."""
    if not verwacht or len(gegeven) != 1:
        return False
    return hmac.compare_digest(verwacht.encode("utf-8"), gegeven[0].encode("utf-8"))
