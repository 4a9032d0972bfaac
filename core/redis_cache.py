"""Django's Redis cache, reusing one client per connection pool, behind a circuit breaker.

Django builds a new redis.Redis object for every cache call, and redis-py fills a table of
~170 response callbacks in each constructor: about 0.2 ms of CPU per call, the largest cost of
serving a cached page. The client is thread-safe (connections come from the pool), so one per
pool is enough.

A Redis that accepts connections but never answers would make every cache call wait for the
socket timeout. After one failed call the breaker bypasses Redis for BYPASS_SECONDS: callers
get CacheBypassed at once (pages render uncached, rate-limited forms pause), and the first call
after that tries the server again.
"""

import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

DEFAULT_BYPASS_SECONDS = 30
# The cache methods that talk to Redis; the rest of BaseCache is built on these.
GUARDED_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class CacheBypassed(RedisConnectionError):
    """Redis failed recently, so this call was not even tried."""


class CircuitBreaker:
    def __init__(self, bypass_seconds):
        self.bypass_seconds = bypass_seconds
        self._open_until = 0.0
        self._lock = threading.Lock()

    def call(self, function, *args, **kwargs):
        if time.monotonic() < self._open_until:
            raise CacheBypassed(f"Redis bypassed for up to {self.bypass_seconds} s after a failure")
        try:
            return function(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError):
            with self._lock:
                self._open_until = time.monotonic() + self.bypass_seconds
            raise


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class ReusingRedisCache(RedisCache):
    """RedisCache with a reused client; BYPASS_SECONDS (beside OPTIONS) sets the breaker."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self.breaker = CircuitBreaker(params.get("BYPASS_SECONDS", DEFAULT_BYPASS_SECONDS))


def _guarded(name):
    method = getattr(RedisCache, name)

    def guarded(self, *args, **kwargs):
        return self.breaker.call(method, self, *args, **kwargs)

    guarded.__name__ = name
    guarded.__doc__ = method.__doc__
    return guarded


for _name in GUARDED_METHODS:
    setattr(ReusingRedisCache, _name, _guarded(_name))
