"""Buyer guides: editor verdicts beside live catalog numbers, /guides/ and /best-gpu/."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from catalog.models import Hardware, Model, QuantFormat
from editorial.models import BuyerGuide, GuidePick
from tests.content_factories import reviewed
from tests.factories import HardwareFactory, ModelFactory, PricePointFactory, mac

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rows():
    """The test's own cards (a 24 GB one at a $1,499 launch price, a 16 GB one, a 12 GB one,
    a fourth card and a Mac) and two reference models."""
    return {
        "gd-big": HardwareFactory(slug="gd-big", memory_gb=24, launch_msrp_usd=Decimal("1499")),
        "gd-mid": HardwareFactory(slug="gd-mid", memory_gb=16, launch_msrp_usd=Decimal("399")),
        "gd-small": HardwareFactory(slug="gd-small", memory_gb=12),
        "gd-fourth": HardwareFactory(slug="gd-fourth", memory_gb=24, backend="rocm"),
        "gd-mac": mac(slug="gd-mac"),
        "gd-8b": ModelFactory(slug="gd-8b"),
        "gd-14b": ModelFactory(slug="gd-14b", params_b=14.8, layers=48, hidden_size=5120),
    }


def make_guide(slug="best-gpu-for-local-ai", picks=("gd-big", "gd-mid"), **fields):
    """A guide of our own, replacing any seeded guide with the same slug."""
    BuyerGuide.objects.filter(slug=slug).delete()
    values = {
        "title": "Best GPU for local AI",
        "summary": "The cards we would buy.",
        "intro": "Memory decides what runs; bandwidth decides how fast.",
        "quant": QuantFormat.objects.get(name="Q4_K_M"),
        **reviewed(),
        **fields,
    }
    guide = BuyerGuide.objects.create(slug=slug, **values)
    guide.reference_models.set(Model.objects.filter(slug__in=["gd-8b", "gd-14b"]))
    for order, hardware in enumerate(picks):
        GuidePick.objects.create(
            guide=guide,
            hardware=Hardware.objects.get(slug=hardware),
            label=f"Pick {order + 1}",
            verdict=f"Our verdict on the **{hardware}**: {{{{hw:{hardware}.memory_gb}}}} of memory",
            order=order,
        )
    return guide


def test_guide_list_shows_every_published_guide_with_its_date_and_reviewer(client):
    BuyerGuide.objects.all().delete()
    make_guide()
    make_guide(slug="test-budget-gpu", title="Test budget GPU", picks=("gd-small",))
    make_guide(slug="test-draft-guide", title="A draft guide", status=BuyerGuide.Status.DRAFT)
    response = client.get("/guides/")
    body = response.content.decode()
    assert response.status_code == 200
    counts = {guide.slug: guide.pick_count for guide in response.context["guides"]}
    assert counts == {"best-gpu-for-local-ai": 2, "test-budget-gpu": 1}
    assert "A draft guide" not in body
    assert "reviewed by Test Desk" in body
    assert "2 picks" in body and "1 pick " in body


def test_pick_table_renders_live_catalog_numbers_beside_the_verdict(client):
    guide = make_guide()
    response = client.get(guide.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "$1,499" in body and "launch MSRP" in body  # gd-big's launch price
    assert "24 GB" in body
    assert "Our verdict on the <strong>gd-big</strong>: 24 GB of memory" in body
    rows = response.context["rows"]
    assert [row.hardware.slug for row in rows] == ["gd-big", "gd-mid"]
    for row in rows:
        assert [model.slug for model, _result in row.cells] == ["gd-8b", "gd-14b"]
        for _model, result in row.cells:
            assert result.decode.basis in {"measured", "community", "scaled", "estimated"}
    assert "Reviewed by" in body and "Updated " in body


def test_guides_show_the_new_price_after_an_editor_changes_one(client):
    guide = make_guide()
    assert "$1,499" in client.get(guide.get_absolute_url()).content.decode()
    hardware = Hardware.objects.get(slug="gd-big")
    hardware.street_price_usd = Decimal("749.00")
    hardware.street_price_date = datetime.date(2026, 11, 20)
    hardware.street_price_source_url = "https://example.org/gd-big-listing"
    hardware.save()
    for url in (guide.get_absolute_url(), "/best-gpu/"):
        body = client.get(url).content.decode()
        assert "$749" in body and "$1,499" not in body
        assert "street price, 20 Nov 2026" in body
        assert "https://example.org/gd-big-listing" in body


def test_a_saved_price_change_replaces_the_cached_guide_at_once(client):
    guide = make_guide()
    url = guide.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    hardware = Hardware.objects.get(slug="gd-mid")
    hardware.launch_msrp_usd = Decimal("459.00")
    hardware.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "$459" in response.content.decode()


def test_best_gpu_renders_the_best_gpu_guide(client):
    make_guide()
    response = client.get("/best-gpu/")
    assert response.status_code == 200
    assert response.context["guide"].slug == "best-gpu-for-local-ai"
    assert [name for name, _path in response.context["crumbs"]] == ["Home", "Best GPU"]
    # Both URLs show the guide; both name the guide's own URL as the canonical one.
    canonical = f'<link rel="canonical" href="{settings.SITE_URL}/guides/best-gpu-for-local-ai/">'
    assert canonical in response.content.decode()
    assert canonical in client.get("/guides/best-gpu-for-local-ai/").content.decode()


def test_best_gpu_is_404_until_the_guide_exists(client):
    BuyerGuide.objects.filter(slug="best-gpu-for-local-ai").delete()
    assert client.get("/best-gpu/").status_code == 404


def test_unknown_and_draft_guides_are_404_for_visitors_but_editors_can_preview(
    client, editor_client
):
    guide = make_guide(slug="test-draft-guide", status=BuyerGuide.Status.DRAFT)
    assert client.get("/guides/nope/").status_code == 404
    from django.test import Client

    assert Client().get(guide.get_absolute_url()).status_code == 404
    assert editor_client.get(guide.get_absolute_url()).status_code == 200


def test_guide_page_queries_are_fetched_up_front(client, django_assert_max_num_queries):
    guide = make_guide(picks=("gd-big", "gd-mid", "gd-fourth", "gd-mac"))
    client.get(guide.get_absolute_url())  # builds the catalog snapshot and the calibration
    with django_assert_max_num_queries(6):
        response = client.get(guide.get_absolute_url() + "?again=1")
    assert response.status_code == 200


def test_guide_picks_show_fresh_affiliate_offers(client):
    import datetime

    from catalog.models import Offer

    guide = make_guide()
    hardware = guide.picks.first().hardware
    Offer.objects.create(
        hardware=hardware,
        retailer="Example Shop",
        url="https://shop.example.com/x",
        price=999,
        last_checked=datetime.date.today(),
    )
    Offer.objects.create(
        hardware=hardware,
        retailer="Stale Shop",
        url="https://stale.example.com/x",
        price=1,
        last_checked=datetime.date.today() - datetime.timedelta(days=40),
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    assert 'rel="sponsored nofollow">Check price at Example Shop</a>' in html
    assert "Stale Shop" not in html


def test_a_pick_shows_its_latest_used_price_beside_the_new_one(client):
    guide = make_guide()
    card = Hardware.objects.get(slug="gd-big")
    today = datetime.date.today()
    for days, price in ((40, 899), (10, 849)):
        PricePointFactory(
            hardware=card, condition="used", price_usd=price,
            observed_on=today - datetime.timedelta(days=days), retailer="eBay (sold)",
            source_url=f"https://example.org/used-{price}",
        )  # fmt: skip
    body = client.get(guide.get_absolute_url()).content.decode()
    assert "$1,499" in body  # still the new price, as launch MSRP
    assert "$849" in body and "https://example.org/used-849" in body and "used, " in body
    assert "$899" not in body
