"""Headers on every portal answer (portaal.md "Security a municipal security officer will
check"), computed once."""

from __future__ import annotations

from urllib.parse import urlsplit

HTML = "text/html; charset=utf-8"

# No script at all (the portal uses none), styles and images from the service only, forms
# posted only to it, never framed.
CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

ALTIJD: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
)
# Pages may hold personal data (a registertoets's answer): never kept by a browser or proxy.
GEEN_OPSLAG = ("Cache-Control", "no-store")
# The stylesheet is the same for everyone.
STATISCH = ("Cache-Control", "public, max-age=3600")
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def is_https(public_url: str) -> bool:
    """Cookies are Secure (and HSTS is sent) unless the service is reached over plain http,
    which is for development only."""
    return urlsplit(public_url).scheme != "http"
