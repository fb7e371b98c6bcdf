"""Passwords of the portal's users: argon2id (argon2-cffi), at least 12 characters.

argon2-cffi's PasswordHasher defaults to RFC 9106's second recommended profile (argon2id,
64 MiB, 3 passes, 4 lanes): memory-hard, about 50 ms on this machine. A hash made with other
parameters is replaced by one with the current ones at the next successful login.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MINIMUM = 12
# A passphrase of a few sentences fits; longer input only costs hashing time.
MAXIMUM = 256

_HASHER = PasswordHasher()


def hasher() -> PasswordHasher:
    return _HASHER


def gebruik(nieuwe: PasswordHasher) -> None:
    """Use other parameters from now on (the tests choose argon2-cffi's cheapest profile)."""
    global _HASHER  # noqa: PLW0603 - one process-wide choice
    _HASHER = nieuwe


@functools.cache
def _zonder_gebruiker(hasher: PasswordHasher) -> str:
    """Verified against when there is no user or no password: a login takes as long either way."""
    return hasher.hash("geen gebruiker met dit adres")


def wachtwoord_fout(wachtwoord: str) -> str | None:
    """Why this password cannot be used (plain Dutch, never repeating it), or None."""
    if len(wachtwoord) < MINIMUM:
        return f"Het wachtwoord moet minstens {MINIMUM} tekens hebben."
    if len(wachtwoord) > MAXIMUM:
        return f"Het wachtwoord mag hoogstens {MAXIMUM} tekens hebben."
    if not wachtwoord.strip():
        return "Het wachtwoord mag niet alleen uit spaties bestaan."
    return None


def maak_hash(wachtwoord: str) -> str:
    return _HASHER.hash(wachtwoord)


def klopt(opgeslagen: str | None, wachtwoord: str) -> bool:
    """True when the password matches the stored hash; without a hash, the same work is done
    against a fixed one (and False returned), so that timing tells nothing."""
    try:
        gelijk = _HASHER.verify(opgeslagen or _zonder_gebruiker(_HASHER), wachtwoord)
        return gelijk and opgeslagen is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verouderd(opgeslagen: str) -> bool:
    """The hash was made with other parameters than the current ones."""
    return _HASHER.check_needs_rehash(opgeslagen)
