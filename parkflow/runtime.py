"""Start-up helpers for ``settings.py``: nothing here may import Django models or settings."""

import contextlib
import ipaddress
import os
import secrets
from pathlib import Path

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def load_or_create_secret_key(path: Path) -> str:
    """The key kept in ``path`` (mode 0600), generated on first use.

    Several processes start at once under ``make run`` (web workers and the huey worker): the new
    key is written to a private temporary file and hard-linked into place, so exactly one key wins
    and every process reads that one.
    """
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(64) + "\n")
        # Another process may have won the race: then its key is the one read below.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def is_loopback_host(host: str) -> bool:
    host = host.strip().lower()
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def only_loopback(hosts: list[str]) -> bool:
    """True when the site can only be reached from this machine (``make run``'s default)."""
    return all(is_loopback_host(h) for h in hosts)
