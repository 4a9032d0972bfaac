"""The editors' stale list: what it lists, why, the links it gives and who may see it."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import Benchmark, Model, PricePoint
from tests.content_factories import pulse
from tests.factories import BenchmarkFactory, HardwareFactory, ModelFactory

pytestmark = pytest.mark.django_db

URL = "/admin/stale/"


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def section(html, title):
    """The HTML of one section of the stale page, from its caption to the next section."""
    start = html.index(title)
    end = html.find('<div class="module"', start)
    return html[start:] if end == -1 else html[start:end]


def test_anonymous_visitors_and_non_staff_are_sent_to_the_admin_login(client, django_user_model):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    member = django_user_model.objects.create_user("reader", "r@example.com", "a-long-password-1")
    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_index_links_to_the_stale_list(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert f'href="{URL}"' in html and "Stale entries" in html


def test_content_past_its_review_date_is_listed_with_its_edit_link(editor_client):
    old = pulse(slug="stale-old", reviewed_on=days_ago(400))
    never = pulse(slug="stale-never", reviewed_on=None)
    current = pulse(slug="stale-current", reviewed_on=days_ago(10))

    html = section(editor_client.get(URL).content.decode(), "Content past its review date")
    assert f"/admin/editorial/pulseentry/{old.pk}/change/" in html
    assert f"reviewed {old.reviewed_on.strftime('%-d %b %Y')}" in html
    assert f"/admin/editorial/pulseentry/{never.pk}/change/" in html and "never reviewed" in html
    assert f"/admin/editorial/pulseentry/{current.pk}/change/" not in html
    assert editor_client.get(f"/admin/editorial/pulseentry/{old.pk}/change/").status_code == 200


def test_only_the_newest_price_of_each_condition_counts_and_only_when_stale(editor_client):
    hardware = HardwareFactory(name="Stale Card 24")
    source = "https://example.org/listing"
    superseded = PricePoint.objects.create(
        hardware=hardware,
        price_usd=900,
        observed_on=days_ago(200),
        condition="used",
        retailer="eBay",
        source_url=source,
    )
    fresh_used = PricePoint.objects.create(
        hardware=hardware,
        price_usd=700,
        observed_on=days_ago(5),
        condition="used",
        retailer="eBay",
        source_url=source,
    )
    stale_new = PricePoint.objects.create(
        hardware=hardware,
        price_usd=1499,
        observed_on=days_ago(91),
        condition="new",
        retailer="Shop",
        source_url=source,
    )
    html = section(editor_client.get(URL).content.decode(), "Prices past freshness")
    assert f"/admin/catalog/pricepoint/{stale_new.pk}/change/" in html
    assert "Stale Card 24 · new at Shop" in html and "$1,499 seen" in html
    assert f"/admin/catalog/pricepoint/{superseded.pk}/change/" not in html
    assert f"/admin/catalog/pricepoint/{fresh_used.pk}/change/" not in html


def test_a_stale_or_undated_street_price_is_listed(editor_client):
    HardwareFactory(name="Stale Old Street", street_price_usd=1899, street_price_date=days_ago(120))
    HardwareFactory(name="Stale Undated Street", street_price_usd=999, street_price_date=None)
    HardwareFactory(name="Stale Fresh Street", street_price_usd=549, street_price_date=days_ago(3))
    html = section(editor_client.get(URL).content.decode(), "Prices past freshness")
    assert "Stale Old Street" in html and "$1,899" in html
    assert "Stale Undated Street" in html and "undated" in html
    assert "Stale Fresh Street<" not in html


def test_models_without_a_verified_measurement_are_listed(editor_client):
    unmeasured = ModelFactory(name="Stale Unmeasured")
    benchmark = BenchmarkFactory(model=ModelFactory(name="Stale Measured"), verified=True)
    measured = Benchmark.objects.verified().values_list("model_id", flat=True)
    html = section(editor_client.get(URL).content.decode(), "Models with no measurement")
    assert f"/admin/catalog/model/{unmeasured.pk}/change/" in html
    assert f"/admin/catalog/model/{benchmark.model.pk}/change/" not in html
    count = Model.objects.published().exclude(pk__in=measured).count()
    assert f"Models with no measurement ({count})" in html
