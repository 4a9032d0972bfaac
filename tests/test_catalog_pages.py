import pytest

from catalog.models import Hardware, Model
from tests.factories import (
    BenchmarkFactory,
    HardwareFactory,
    ModelFactory,
    QuantFormatFactory,
    RuntimeFactory,
    RuntimeInstallFactory,
    grow_catalog,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/hardware/", "/models/", "/tools/", "/benchmarks/"])
def test_list_pages_render(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<main" in response.content


def test_home_shows_catalog_counts_from_the_database(client):
    HardwareFactory.create_batch(3)
    ModelFactory()
    response = client.get("/")
    html = response.content.decode()
    assert "Will this model run on my machine" in html
    assert f"<strong>{Hardware.objects.count()}</strong>" in html
    assert f"<strong>{Model.objects.count()}</strong>" in html


def test_list_pages_show_a_new_row(client):
    HardwareFactory(name="Test Board Nine")
    ModelFactory(name="Test Model Nine")
    RuntimeFactory(slug="test-tool", name="Test Tool Nine")
    hardware = client.get("/hardware/", {"vendor": "test-vendor"}).content.decode()
    assert "Test Board Nine" in hardware
    assert "Test Model Nine" in client.get("/models/", {"family": "test-family"}).content.decode()
    assert "Test Tool Nine" in client.get("/tools/").content.decode()


def test_hardware_detail_shows_specs_with_source_and_measurements(client):
    card = HardwareFactory(
        slug="test-card", bandwidth_gb_s=1234, source_url="https://vendor.example.com/test-card"
    )
    measured = BenchmarkFactory(
        hardware=card,
        model=ModelFactory(name="Test Model 8B"),
        quant=QuantFormatFactory(name="Q4_K_M"),
        context_tokens=512,
        decode_tok_s=87.6,
    )
    html = client.get("/hardware/test-card/").content.decode()
    assert "1234 GB/s" in html
    assert "https://vendor.example.com/test-card" in html
    assert "Test Model 8B" in html
    assert f"{measured.decode_tok_s:.1f}" in html


def test_a_memory_configuration_is_reachable(client):
    HardwareFactory(slug="test-chip", name="Test Chip", memory_options_gb=[48, 64, 128])
    response = client.get("/hardware/test-chip-64gb/")
    assert response.status_code == 200
    assert "(64 GB)" in response.content.decode()
    assert client.get("/hardware/test-chip-65gb/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/hardware/no-such-card/", "/models/no-such-model/", "/tools/no-such-tool/"]
)
def test_unknown_slugs_get_the_styled_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"site-header" in response.content


def test_draft_hardware_is_hidden(client):
    card = HardwareFactory(slug="test-card", name="Test Card Draft")
    assert client.get("/hardware/test-card/").status_code == 200
    card.status = "draft"
    card.save()
    assert client.get("/hardware/test-card/").status_code == 404
    assert "Test Card Draft" not in client.get("/hardware/").content.decode()


# The home page reads the latest Pulse entries too: one query more, whatever the row count.
LIST_BUDGETS = {"/": 7, "/hardware/": 6, "/models/": 6, "/tools/": 6, "/benchmarks/": 6}


@pytest.mark.parametrize("url", list(LIST_BUDGETS))
def test_list_page_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(LIST_BUDGETS[url]):
        client.get(url)
    grow_catalog(rows=100)
    with django_assert_max_num_queries(LIST_BUDGETS[url]):
        assert client.get(url).status_code == 200


@pytest.fixture
def detail_rows():
    """A board, a model and a tool with their own measurements and install routes."""
    card = HardwareFactory(slug="test-card")
    model = ModelFactory(slug="test-model")
    tool = RuntimeFactory(slug="test-tool", name="Test Tool")
    for os_name in ("linux", "macos", "windows"):
        RuntimeInstallFactory(runtime=tool, os=os_name)
    BenchmarkFactory(hardware=card, model=model, runtime=tool)
    return card, model, tool


# A hardware page reads its dated new/used prices, a model page its published file sizes:
# one query each on top of the ten, constant as rows grow.
DETAIL_BUDGETS = {"/hardware/test-card/": 11, "/models/test-model/": 11, "/tools/test-tool/": 10}


@pytest.mark.parametrize("url", list(DETAIL_BUDGETS))
def test_detail_pages_stay_within_budget_as_rows_grow(
    client, django_assert_max_num_queries, detail_rows, url
):
    with django_assert_max_num_queries(DETAIL_BUDGETS[url]):
        assert client.get(url).status_code == 200
    card, model, tool = detail_rows
    grow_catalog(hardware=card, model=model, runtime=tool, rows=100)
    with django_assert_max_num_queries(DETAIL_BUDGETS[url]):
        assert client.get(url).status_code == 200


def test_every_link_in_the_site_frame_leads_to_a_page(client):
    import re

    html = client.get("/").content.decode()
    links = sorted(set(re.findall(r'href="(/[^"#?]*)"', html)) - {"/static/css/site.css"})
    broken = [url for url in links if client.get(url).status_code != 200]
    assert not broken, broken
