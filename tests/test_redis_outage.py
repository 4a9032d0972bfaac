"""A Redis that is down or hung costs at most one short timeout: pages stay fast and uncached,
and the rate-limited forms pause with a 503 instead of storing anything or saying "too many".

"Fast" is pinned without a clock: Redis is tried at most once (each try can cost one socket
timeout), and a page makes no more database queries than with a working cache (the catalog
snapshot is built once per request, not once per use)."""

import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from redis.exceptions import TimeoutError as RedisTimeoutError

from catalog.models import Benchmark
from config.settings import redis_cache
from core.redis_cache import CacheBypassed, CircuitBreaker
from editorial.models import ContactMessage
from tests.factories import HardwareFactory, ModelFactory, QuantFormatFactory, RuntimeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hung_redis_url():
    """A server on loopback that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0), backlog=64)
    server.settimeout(0.1)
    stop, accepted = threading.Event(), []

    def accept():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for accepted_socket in accepted:
        accepted_socket.close()
    server.close()


@pytest.fixture
def down_redis_url():
    """A loopback port with nothing listening (connections are refused)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def redis_tries(monkeypatch):
    """How many cache calls really went to Redis (not bypassed by the breaker)."""
    tries = []
    call = CircuitBreaker.call

    def counting_call(breaker, function, *args, **kwargs):
        if time.monotonic() >= breaker._open_until:
            tries.append(function.__name__)
        return call(breaker, function, *args, **kwargs)

    monkeypatch.setattr(CircuitBreaker, "call", counting_call)
    return tries


@pytest.fixture(params=["hung", "down"])
def broken_redis(request, redis_tries):
    url = request.getfixturevalue(f"{request.param}_redis_url")
    with override_settings(CACHES={"default": redis_cache(url)}):
        yield redis_tries


def test_after_one_timeout_the_cache_is_bypassed_at_once(hung_redis_url):
    with override_settings(CACHES={"default": redis_cache(hung_redis_url)}):
        started = time.monotonic()
        with pytest.raises(RedisTimeoutError):
            cache.get("anything")
        first = time.monotonic() - started
        started = time.monotonic()
        with pytest.raises(CacheBypassed):
            cache.get("anything")
        assert time.monotonic() - started < 0.05
    assert first < 1.0


@pytest.fixture(autouse=True)
def rows():
    """The board, model, format and tool the pages and the submission below name."""
    HardwareFactory(slug="outage-card")
    ModelFactory(slug="outage-model")
    QuantFormatFactory(name="Q4_K_M")
    RuntimeFactory(slug="llama-cpp")


@pytest.mark.parametrize("url", ["/", "/hardware/", "/hardware/outage-card/", "/glossary/"])
@pytest.mark.parametrize("broken", ["hung", "down"])
def test_pages_stay_fast_and_uncached_while_redis_is_broken(
    client, request, redis_tries, django_assert_max_num_queries, broken, url
):
    with CaptureQueriesContext(connection) as healthy:  # a cold page with a working cache
        assert client.get(url).status_code == 200
    redis_url = request.getfixturevalue(f"{broken}_redis_url")
    with override_settings(CACHES={"default": redis_cache(redis_url)}):
        for _ in range(3):
            with django_assert_max_num_queries(len(healthy)):
                response = client.get(url)
            assert response.status_code == 200
            assert response.get("X-Page-Cache") is None
    assert len(redis_tries) == 1


CONTACT = {
    "name": "Ada",
    "email": "ada@example.com",
    "subject": "Hello",
    "message": "A question about the hardware page.",
}
SUBMISSION = {
    "hardware": "outage-card",
    "gpu_count": "1",
    "model": "outage-model",
    "quant": "Q4_K_M",
    "runtime": "llama-cpp",
    "source_url": "https://example.com/outage-results",
    "decode_tok_s": "99.5",
    "context_tokens": "128",
    "submit": "1",
}


@pytest.mark.parametrize(
    "url,data,model",
    [("/contact/", CONTACT, ContactMessage), ("/benchmarks/submit/", SUBMISSION, Benchmark)],
)
def test_rate_limited_forms_pause_with_503_while_redis_is_broken(
    client, broken_redis, url, data, model
):
    before = model.objects.count()
    response = client.post(url, data)
    assert len(broken_redis) == 1
    assert response.status_code == 503
    html = response.content.decode()
    assert "This form is paused" in html and "several messages" not in html
    assert model.objects.count() == before


def test_newsletter_signup_pauses_too(client, broken_redis):
    response = client.post("/newsletter/", {"email": "reader@example.com", "source_page": "/"})
    assert response.status_code == 503
    assert "paused" in response.content.decode()
