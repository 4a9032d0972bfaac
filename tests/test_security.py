"""Headers on every page type, redirects that stay on site, and no debug leaks."""

import pytest
from django.test import override_settings

from tests.factories import (
    BenchmarkFactory,
    HardwareFactory,
    ModelFactory,
    RuntimeFactory,
    RuntimeInstallFactory,
)

pytestmark = pytest.mark.django_db

PAGE_TYPES = [
    "/",
    "/hardware/",
    "/hardware/sec-card/",
    "/models/",
    "/models/sec-model/",
    "/tools/",
    "/tools/sec-tool/",
    "/benchmarks/",
    "/will-it-run/",
    "/compare/?hw=sec-card,sec-card-2",
    "/methodology/",
    "/glossary/",
    "/errors/",
    "/learn/",
    "/pulse/",
    "/quick-answers/",
    "/prompting-kits/",
    "/search/?q=security+card",
    "/contact/",
    "/benchmarks/submit/",
    "/sitemap/",
    "/no-such-page/",
]


# Pages that are never cached (forms with per-visitor state, error pages).
UNCACHED = {"/contact/", "/benchmarks/submit/", "/no-such-page/"}


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html


@pytest.fixture
def pages():
    """The rows behind the detail pages above."""
    card = HardwareFactory(slug="sec-card", name="Security Card")
    HardwareFactory(slug="sec-card-2")
    model = ModelFactory(slug="sec-model")
    tool = RuntimeFactory(slug="sec-tool", name="Security Tool")
    RuntimeInstallFactory(runtime=tool)
    BenchmarkFactory(hardware=card, model=model, runtime=tool)


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_security_headers_on_every_page_type_fresh_and_cached(client, pages, url):
    fresh, again = client.get(url), client.get(url)
    expected = 404 if url == "/no-such-page/" else 200
    assert fresh.status_code == expected and again.status_code == expected
    if url not in UNCACHED:
        assert again["X-Page-Cache"] == "hit"
    assert_security_headers(fresh)
    assert_security_headers(again)


@pytest.mark.parametrize("url", ["/", "/hardware/sec-card/", "/glossary/"])
def test_cached_page_refuses_an_unknown_host_like_a_fresh_one(client, pages, url):
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert client.get(url, HTTP_HOST="evil.example.com").status_code == 400


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "BREW"])
def test_unknown_methods_get_405(client, method):
    for url in ["/", "/hardware/", "/contact/"]:
        client.get(url)  # cached where the page is cacheable
        response = client.generic(method, url)
        assert response.status_code == 405
        assert "POST" in response["Allow"]


@override_settings(SECURE_SSL_REDIRECT=False)
def test_hsts_and_secure_cookies_in_production_settings(client, settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    response = client.get("/", secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_no_debug_page_or_secret_on_errors(client):
    html = client.get("/models/definitely-missing/").content.decode()
    assert "Traceback" not in html and "SECRET_KEY" not in html and "Page not found" in html


def test_admin_login_next_parameter_refuses_off_site(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "a-strong-password-1")
    response = client.post(
        "/admin/login/?next=https://evil.example.com/",
        {
            "username": "root",
            "password": "a-strong-password-1",
            "next": "https://evil.example.com/",
        },
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


@pytest.mark.parametrize("url", ["/benchmarks/?quant=%00", "/search/?q=a%00b", "/compare/?hw=%00"])
def test_null_bytes_are_refused_with_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "null character" in response.content.decode()


def test_admin_login_with_an_overlong_username_is_a_form_error(client):
    from axes.models import AccessAttempt

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "a" * 300, "password": "whatever", "next": "/admin/"},
    )
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_admin_login_with_unsafe_next_lands_on_the_admin_index(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "a-strong-password-1")
    response = client.post(
        "/admin/login/?next=https://evil.example.com/",
        {"username": "root", "password": "a-strong-password-1", "next": "//evil.example.com/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_failures_across_usernames_lock_the_address(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "a-strong-password-1")
    for number in range(5):
        client.post("/admin/login/", {"username": f"guess{number}", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "root", "password": "a-strong-password-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    other_address = client.post(
        "/admin/login/",
        {"username": "root", "password": "a-strong-password-1"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other_address.status_code == 302
