"""Headers on every REST response (NL API Design Rules), computed once."""

from __future__ import annotations

API_VERSION = "1.1.0"  # 1.1: the registertoets's wet and 2023 fields, GET /advies-regels

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"

# /core/version-header and /transport/security-headers, with the extras the rules recommend
# for HTML as defence in depth (the API never returns HTML).
COMMON: tuple[tuple[str, str], ...] = (
    ("API-Version", API_VERSION),
    ("Cache-Control", "no-store"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)
