"""The staff PIN: kept only as a scrypt hash, checked in constant time, locked after repeated failures.

A stored hash is one string, ``scrypt$<n>$<r>$<p>$<salt base64>$<hash base64>``. The PIN itself is
never logged, printed or written anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from kiosk.ops.toml_edit import set_table_value

log = logging.getLogger(__name__)

SCHEME = "scrypt"
#: 2**14 x 8 x 1 costs 16 MiB and about 50 ms per check: cheap for staff, dear for guessing.
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
# Bounds for parameters read back from a config file, so a bad file cannot make a check take minutes.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16
PIN_PATTERN = re.compile(r"[0-9]{4,8}")

Attempt = Literal["ok", "wrong", "locked"]


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # scrypt needs 128 * n * r * p bytes; the margin covers OpenSSL's own bookkeeping.
    maxmem = 128 * n * r * p + 2**20
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=maxmem)


def hash_pin(pin: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> str:
    """A fresh salted scrypt hash of ``pin``, as one string for the config file."""
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(pin, salt, n, r, p, HASH_BYTES)
    encode = base64.b64encode
    return f"{SCHEME}${n}${r}${p}${encode(salt).decode()}${encode(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True if ``pin`` matches ``stored``; False for a wrong PIN and for a malformed hash."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        log.warning("the stored staff PIN hash is not in the scrypt$n$r$p$salt$hash format")
        return False
    try:
        n, r, p = (int(value) for value in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        log.warning("the stored staff PIN hash cannot be decoded")
        return False
    sane_length = 16 <= len(expected) <= 64
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= _MAX_R and 0 < p <= _MAX_P and sane_length):
        log.warning("the stored staff PIN hash has scrypt parameters out of range")
        return False
    try:
        actual = _scrypt(pin, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):
        log.warning("the stored staff PIN hash cannot be checked on this machine")
        return False
    return hmac.compare_digest(actual, expected)


class PinGuard:
    """Checks PIN attempts; after ``max_failures`` wrong ones in a row, refuses all for ``lockout``."""

    def __init__(
        self,
        stored_hash: str | None,
        clock: Callable[[], datetime],
        *,
        max_failures: int = 5,
        lockout: timedelta = timedelta(minutes=5),
    ) -> None:
        self._stored = stored_hash
        self._clock = clock
        self._max_failures = max_failures
        self._lockout = lockout
        self._failures = 0
        self._locked_until: datetime | None = None

    @property
    def locked_until(self) -> datetime | None:
        """When attempts are accepted again; None when they are accepted now."""
        if self._locked_until is not None and self._clock() >= self._locked_until:
            self._locked_until = None
            self._failures = 0
        return self._locked_until

    @property
    def attempts_left(self) -> int:
        """Wrong PINs still allowed before the lock."""
        return 0 if self.locked_until else self._max_failures - self._failures

    def attempt(self, pin: str) -> Attempt:
        """Check one PIN: "ok", "wrong", or "locked" (also for the wrong PIN that starts the lock)."""
        if self.locked_until is not None:
            return "locked"
        if self._stored is None:
            log.warning("a staff PIN was tried but none is set; run `kiosk staff set-pin`")
        elif verify_pin(pin, self._stored):
            self._failures = 0
            return "ok"
        self._failures += 1
        if self._failures >= self._max_failures:
            self._locked_until = self._clock() + self._lockout
            log.warning(
                "staff PIN locked until %s after %d wrong attempts",
                self._locked_until.isoformat(timespec="seconds"),
                self._failures,
            )
            return "locked"
        log.info("wrong staff PIN (%d of %d)", self._failures, self._max_failures)
        return "wrong"


def write_pin_hash(path: Path, pin_hash: str) -> None:
    """Store ``pin_hash`` as ``[staff] pin_hash`` in the TOML file, keeping everything else in it."""
    set_table_value(path, "staff", "pin_hash", pin_hash)
