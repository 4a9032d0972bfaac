"""Fixed-window rate limits kept in the cache (Redis in production), keyed by hashed identity."""

import hashlib

from django.core.cache import cache


class RateLimitUnavailable(Exception):
    """The cache could not be reached; callers decide whether to fail open or closed."""


def _key(scope, identity):
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope, identity, limit, window_seconds):
    """Count one attempt; True while the identity is within `limit` attempts per window."""
    key = _key(scope, identity)
    try:
        if cache.add(key, 1, timeout=window_seconds):
            return True
        return cache.incr(key) <= limit
    except ValueError:
        # The key expired between add() and incr(): start a new window.
        cache.set(key, 1, timeout=window_seconds)
        return True
    except Exception as error:  # connection errors differ by cache backend
        raise RateLimitUnavailable(str(error)) from error


def client_ip(request):
    """The client address as seen by Django (REMOTE_ADDR; the proxy sets it correctly)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
