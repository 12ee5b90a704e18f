"""A small fixed-window limit for the public application form: without it anyone could create
accounts in bulk. Counts live in the cache (Redis in production), keyed by client address."""

from django.conf import settings
from django.core.cache import cache

from parkflow.core import clock
from parkflow.core.security import client_ip

WINDOW_SECONDS = 3600


def allow(request, scope: str) -> bool:
    """Count one attempt; False once the address has used up this hour's attempts."""
    limit = getattr(settings, "PARKFLOW_PORTAL_APPLY_PER_HOUR", 10)
    window = int(clock.now().timestamp()) // WINDOW_SECONDS
    # The real client behind a declared proxy, else REMOTE_ADDR: never a spoofable header.
    key = f"throttle:{scope}:{client_ip(request) or ''}:{window}"
    if cache.add(key, 1, WINDOW_SECONDS):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        return True
