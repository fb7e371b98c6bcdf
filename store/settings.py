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


def _networks(raw: str) -> tuple[IpNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(p.strip()) for p in raw.split(",") if p.strip())
    except ValueError as exc:
        raise SettingsError(f"SAMENLOOP_TRUSTED_PROXIES: {exc}") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = "http://127.0.0.1:8080"
    db_timeout: int = 5
    pool_size: int = 5
    max_body: int = 64 * 1024
    oin_header: str = "X-Samenloop-OIN"
    trusted_proxies: tuple[IpNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("SAMENLOOP_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            public_url=(env.get("SAMENLOOP_PUBLIC_URL", "").strip() or cls.public_url).rstrip("/"),
            db_timeout=_int(env, "SAMENLOOP_DB_TIMEOUT", cls.db_timeout),
            pool_size=_int(env, "SAMENLOOP_POOL_SIZE", cls.pool_size),
            max_body=_int(env, "SAMENLOOP_MAX_BODY", cls.max_body),
            oin_header=env.get("SAMENLOOP_OIN_HEADER", "").strip() or cls.oin_header,
            trusted_proxies=_networks(env.get("SAMENLOOP_TRUSTED_PROXIES", "")),
        )
