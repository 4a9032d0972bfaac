import json
import re

import pytest
from django.urls import reverse

from catalog.models import Hardware
from tests import content_factories as make
from tests.factories import BenchmarkFactory, HardwareFactory, RuntimeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rows():
    """A board with a measurement (for the benchmark feed), a draft board and a tool."""
    card = HardwareFactory(slug="seo-card", name="SEO Card")
    BenchmarkFactory(hardware=card, decode_tok_s=77.7)
    HardwareFactory(slug="seo-draft", status="draft")
    RuntimeFactory(slug="seo-tool", name="SEO Tool")
    return card


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_sitemap_lists_published_pages_and_omits_drafts(client):
    make.term(slug="published-term", name="Published term")
    make.term(slug="draft-term", name="Draft term", status="draft")
    xml = client.get("/sitemap.xml").content.decode()
    assert "/hardware/seo-card/</loc>" in xml and "<lastmod>" in xml
    assert "/glossary/published-term/" in xml
    assert "/glossary/draft-term/" not in xml
    assert "/hardware/seo-draft/" not in xml


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.parametrize(
    "url,expected_type",
    [
        ("/hardware/seo-card/", "Product"),
        ("/tools/seo-tool/", "SoftwareApplication"),
        ("/glossary/test-term/", "DefinedTerm"),
        ("/quick-answers/test-answer/", "FAQPage"),
        ("/learn/test-article/", "Article"),
    ],
)
def test_json_ld_parses_with_the_right_type_and_breadcrumbs(client, url, expected_type):
    make.term()
    make.quick_answer()
    make.article()
    html = client.get(url).content.decode()
    types = [block["@type"] for block in json_ld(html)]
    assert expected_type in types and "BreadcrumbList" in types
    assert '<link rel="canonical" href="' in html and 'property="og:title"' in html


def test_pulse_and_benchmark_feeds_are_atom(client):
    make.pulse(title="A dated release")
    pulse = client.get("/pulse/feed/")
    assert pulse["Content-Type"].startswith("application/atom+xml")
    assert "A dated release" in pulse.content.decode()
    bench = client.get("/benchmarks/feed/").content.decode()
    assert "<feed" in bench and "SEO Card" in bench and "77.7 tok/s" in bench


def test_repeat_visit_gets_304_with_matching_etag(client):
    first = client.get("/hardware/seo-card/")
    etag = first["ETag"]
    again = client.get("/hardware/seo-card/", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_anonymous_pages_are_cached_and_an_admin_edit_shows_at_once(client, admin_client, rows):
    assert client.get("/hardware/seo-card/")["X-Page-Cache"] == "miss"
    assert client.get("/hardware/seo-card/")["X-Page-Cache"] == "hit"
    hardware = rows
    change_url = reverse("admin:catalog_hardware_changelist")
    response = admin_client.post(
        change_url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(hardware.pk),
            "form-0-street_price_usd": "1777",
            "_save": "Save",
        },
        # The changelist is paginated; filter it to the one row this form edits.
        QUERY_STRING="q=seo-card",
        follow=True,
    )
    assert response.status_code == 200
    assert Hardware.objects.get(pk=hardware.pk).street_price_usd == 1777
    fresh = client.get("/hardware/seo-card/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "$1,777" in fresh.content.decode()


def test_cached_page_carries_the_visitors_own_csrf_token(client):
    from django.test import Client

    client.get("/")
    other = Client()
    page = other.get("/").content.decode()
    assert "__CSRF_TOKEN_MARKER__" not in page
    assert 'name="csrfmiddlewaretoken" value="' in page


def test_styled_500_page_renders_without_the_database():
    from core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_form_on_a_page_served_from_cache_passes_csrf():
    from django.test import Client

    Client().get("/glossary/")  # fills the page cache
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/glossary/")
    assert response["X-Page-Cache"] == "hit"
    html = response.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert "csrftoken" in response.cookies
    posted = visitor.post(
        "/contact/",
        {
            "csrfmiddlewaretoken": token,
            "name": "Ada",
            "email": "ada@example.com",
            "subject": "Hello",
            "message": "A message long enough to send.",
        },
    )
    assert posted.status_code == 200
    assert "reached the editors" in posted.content.decode()


def test_database_outage_gets_a_503_page_not_a_traceback(client, monkeypatch):
    from django.db import OperationalError

    import catalog.views

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(catalog.views.Hardware.objects, "all", broken)
    client.raise_request_exception = False
    response = client.get("/hardware/seo-card/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"Back in a moment" in response.content and b"Traceback" not in response.content


def test_cached_pages_are_answered_before_the_view_runs(client, django_assert_num_queries):
    client.get("/hardware/seo-card/")  # stored by the view
    visitor_without_session = client.__class__()
    with django_assert_num_queries(0):
        response = visitor_without_session.get("/hardware/seo-card/")
    assert response["X-Page-Cache"] == "hit" and response.status_code == 200


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
