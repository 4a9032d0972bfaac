import copy

import pytest

from catalog.models import Benchmark, Hardware, Model, Runtime, RuntimeInstall
from core.caching import bump_content_version

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/hardware/", "/models/", "/tools/", "/benchmarks/"])
def test_list_pages_render(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<main" in response.content


def test_home_shows_catalog_counts_from_the_database(client):
    response = client.get("/")
    html = response.content.decode()
    assert "Will this model run on my machine" in html
    assert f"<strong>{Hardware.objects.count()}</strong>" in html
    assert f"<strong>{Model.objects.count()}</strong>" in html


def test_every_detail_page_renders(client):
    for obj in [*Hardware.objects.all(), *Model.objects.all(), *Runtime.objects.all()]:
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj.get_absolute_url()


def test_hardware_detail_shows_specs_with_source_and_measurements(client):
    html = client.get("/hardware/rtx-4090/").content.decode()
    assert "1008 GB/s" in html
    assert "https://www.nvidia.com/" in html
    measured = Benchmark.objects.filter(
        hardware__slug="rtx-4090",
        gpu_count=1,
        context_tokens=512,
        model__slug="llama-3-8b",
        quant__name="Q4_K_M",
    ).get()
    assert f"{measured.decode_tok_s:.1f}" in html


def test_apple_memory_configuration_is_reachable(client):
    response = client.get("/hardware/apple-m4-max-40c-64gb/")
    assert response.status_code == 200
    assert "(64 GB)" in response.content.decode()
    assert client.get("/hardware/apple-m4-max-40c-65gb/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/hardware/no-such-card/", "/models/no-such-model/", "/tools/no-such-tool/"]
)
def test_unknown_slugs_get_the_styled_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"site-header" in response.content


def test_draft_hardware_is_hidden(client):
    Hardware.objects.filter(slug="rtx-4090").update(status="draft")
    assert client.get("/hardware/rtx-4090/").status_code == 404
    assert b"GeForce RTX 4090<" not in client.get("/hardware/").content


def clone(row, **fields):
    """An unsaved copy of a model instance with some fields changed."""
    made = copy.copy(row)
    made.pk = made.id = None
    for name, value in fields.items():
        setattr(made, name, value)
    return made


def duplicate_catalog(times):
    """Add `times` copies of every hardware, model, runtime (with its install routes) and
    benchmark row. Bulk inserts keep this quick; bumping the content version afterwards does
    what saving each row would have done to the page cache."""
    hardware, models = list(Hardware.objects.all()), list(Model.objects.all())
    runtimes = list(Runtime.objects.prefetch_related("installs"))
    benchmarks = list(Benchmark.objects.all())
    numbered = [(n, row) for n in range(times) for row in runtimes]
    new_runtimes = Runtime.objects.bulk_create(
        [clone(row, slug=f"{row.slug}-copy{n}") for n, row in numbered]
    )
    RuntimeInstall.objects.bulk_create(
        [
            clone(route, runtime=new)
            for new, (_n, row) in zip(new_runtimes, numbered, strict=True)
            for route in row.installs.all()
        ]
    )
    for table, rows in ((Hardware, hardware), (Model, models)):
        table.objects.bulk_create(
            [clone(row, slug=f"{row.slug}-copy{n}") for n in range(times) for row in rows]
        )
    fresh_hw = list(Hardware.objects.filter(slug__contains="-copy"))
    Benchmark.objects.bulk_create(
        [
            clone(row, hardware=fresh_hw[i % len(fresh_hw)], context_tokens=100_000 + i)
            for i, row in enumerate(benchmarks * times)
        ],
        batch_size=500,
    )
    bump_content_version()


@pytest.mark.parametrize("url", ["/", "/hardware/", "/models/", "/tools/", "/benchmarks/"])
def test_list_page_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(6):
        client.get(url)
    duplicate_catalog(times=9)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


DETAIL_PAGES = ["/hardware/rtx-4090/", "/models/llama-3-8b/", "/tools/llama-cpp/"]


@pytest.mark.parametrize("url", DETAIL_PAGES)
def test_detail_pages_stay_under_ten_queries_as_rows_grow(
    client, django_assert_max_num_queries, url
):
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    duplicate_catalog(times=9)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_every_link_in_the_site_frame_leads_to_a_page(client):
    import re

    html = client.get("/").content.decode()
    links = sorted(set(re.findall(r'href="(/[^"#?]*)"', html)) - {"/static/css/site.css"})
    broken = [url for url in links if client.get(url).status_code != 200]
    assert not broken, broken
