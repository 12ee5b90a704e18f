"""Request-level security: the client's IP address and the Permissions-Policy header (D23)."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the person at the keyboard, as far as it can be known.

    Without a declared proxy (``PARKFLOW_TRUSTED_PROXY_COUNT=0``, the default) this is
    ``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored: anyone can write that header. With ``n``
    trusted proxies in front of the application, each appends the address it saw, so the client
    is the ``n``-th entry from the right; entries further left were written by the client and are
    never believed. When ``PARKFLOW_TRUSTED_PROXY_IPS`` is set, the header is honoured only if the
    request really comes from one of those proxies. A header with fewer entries than proxies
    means the request did not pass through them all: ``REMOTE_ADDR`` is used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "PARKFLOW_TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    trusted = getattr(settings, "PARKFLOW_TRUSTED_PROXY_IPS", [])
    if trusted:
        address = _valid_ip(remote or "")
        if address is None or not any(
            ipaddress.ip_address(address) in net for net in _networks(tuple(trusted))
        ):
            return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` ({feature: [origins]};
    an empty list switches the feature off) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
