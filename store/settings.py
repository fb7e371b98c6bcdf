"""Settings, read from the environment in this one module (every variable is in the README)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_DATABASE_URL = "sqlite:///" + str(Path("var") / "samenloop.db")


class SettingsError(ValueError):
    """A setting has a value the service cannot use."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise SettingsError(f"{name} moet een positief geheel getal zijn, niet {raw!r}")
    return int(raw)


def _networks(env: Mapping[str, str], name: str) -> tuple[IpNetwork, ...]:
    raw = env.get(name, "")
    try:
        return tuple(ipaddress.ip_network(p.strip()) for p in raw.split(",") if p.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from exc


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in ("", "0", "1", "true", "false", "ja", "nee", "aan", "uit"):
        raise SettingsError(f"{name} moet aan of uit zijn, niet {raw!r}")
    return raw in ("1", "true", "ja", "aan")


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A legal-basis switch: `aan` or `uit` (also 1/0, true/false, ja/nee); empty: the default."""
    raw = env.get(name, "").strip()
    return default if not raw else _bool(env, name)


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes; an empty host means mail is not configured (mails stay queued)."""

    host: str = ""
    port: int = 25
    starttls: bool = False
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = "samenloop@localhost"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings:
        return cls(
            host=env.get("SAMENLOOP_SMTP_HOST", "").strip(),
            port=_int(env, "SAMENLOOP_SMTP_PORT", cls.port),
            starttls=_bool(env, "SAMENLOOP_SMTP_STARTTLS"),
            user=env.get("SAMENLOOP_SMTP_USER", "").strip(),
            password=env.get("SAMENLOOP_SMTP_PASSWORD", ""),
            sender=env.get("SAMENLOOP_MAIL_FROM", "").strip() or cls.sender,
        )


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = "http://127.0.0.1:8080"
    db_timeout: int = 5
    statement_timeout: int = 10
    job_timeout: int = 3600
    pool_size: int = 5
    max_body: int = 64 * 1024
    oin_header: str = "X-Samenloop-OIN"
    trusted_proxies: tuple[IpNetwork, ...] = field(default_factory=tuple)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    # Registertoetsen per organisation per minute (0: no limit); see store/toetslimiet.py.
    registertoets_limiet: int = 60
    # Retention in months (0: keep everything of that kind); see store/bewaartermijn.py.
    bewaar_audit: int = 24
    bewaar_signalen: int = 24
    # /metrics answers only when one of these is set (adapters.metrics; README "Logs and metrics").
    metrics_token: str = field(default="", repr=False)
    metrics_from: tuple[IpNetwork, ...] = field(default_factory=tuple)
    # Legal-basis switches (doorontwikkeling-2023.md section 1): Jeugdwet samenloop, and the
    # zorgkantoor/zorgaanbieder zorg information with the advies. `uit`: nothing of it is
    # stored or shown. An operator keeps them uit until the legal basis is in force.
    jeugdwet: bool = True
    zorginformatie: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("SAMENLOOP_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            public_url=(env.get("SAMENLOOP_PUBLIC_URL", "").strip() or cls.public_url).rstrip("/"),
            db_timeout=_int(env, "SAMENLOOP_DB_TIMEOUT", cls.db_timeout),
            statement_timeout=_int(env, "SAMENLOOP_STATEMENT_TIMEOUT", cls.statement_timeout),
            job_timeout=_int(env, "SAMENLOOP_JOB_TIMEOUT", cls.job_timeout),
            pool_size=_int(env, "SAMENLOOP_POOL_SIZE", cls.pool_size),
            max_body=_int(env, "SAMENLOOP_MAX_BODY", cls.max_body),
            oin_header=env.get("SAMENLOOP_OIN_HEADER", "").strip() or cls.oin_header,
            trusted_proxies=_networks(env, "SAMENLOOP_TRUSTED_PROXIES"),
            smtp=SmtpSettings.from_env(env),
            registertoets_limiet=_int(
                env, "SAMENLOOP_REGISTERTOETS_LIMIET", cls.registertoets_limiet
            ),
            bewaar_audit=_int(env, "SAMENLOOP_BEWAAR_AUDIT", cls.bewaar_audit),
            bewaar_signalen=_int(env, "SAMENLOOP_BEWAAR_SIGNALEN", cls.bewaar_signalen),
            metrics_token=env.get("SAMENLOOP_METRICS_TOKEN", "").strip(),
            metrics_from=_networks(env, "SAMENLOOP_METRICS_FROM"),
            jeugdwet=_switch(env, "SAMENLOOP_JEUGDWET", cls.jeugdwet),
            zorginformatie=_switch(env, "SAMENLOOP_ZORGINFORMATIE", cls.zorginformatie),
        )
