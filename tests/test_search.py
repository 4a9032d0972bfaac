import pytest
from django.db import connection

from tests import content_factories as make

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text and trigram search need PostgreSQL"
)


def result_titles(html, section):
    part = html.split(f'id="sr-{section}"', 1)[1].split("</section>", 1)[0]
    import re

    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', part)


def test_empty_query_helps_the_visitor(client):
    html = client.get("/search/").content.decode()
    assert "Paste an error message" in html


def test_exact_title_ranks_first(client):
    html = client.get("/search/", {"q": "GeForce RTX 4090"}).content.decode()
    assert result_titles(html, "hardware")[0] == "GeForce RTX 4090"


@postgres_only
def test_typo_still_finds_the_card(client):
    html = client.get("/search/", {"q": "rtx 4900"}).content.decode()
    assert "GeForce RTX 4090" in result_titles(html, "hardware")


def test_pasted_error_message_finds_the_entry(client):
    make.error(
        slug="cuda-oom-test",
        title="CUDA out of memory (test)",
        message="torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    )
    pasted = (
        "Traceback (most recent call last): ... torch.OutOfMemoryError: CUDA out of memory. "
        "Tried to allocate 1.50 GiB. GPU 0 has a total capacity of 23.64 GiB"
    )
    html = client.get("/search/", {"q": pasted}).content.decode()
    assert "CUDA out of memory (test)" in result_titles(html, "errors")


def test_no_results_page_suggests_what_to_try(client):
    html = client.get("/search/", {"q": "zzqxv wvvqz"}).content.decode()
    assert "Nothing matched" in html


def test_dropdown_partial_versus_full_page(client):
    dropdown = client.get(
        "/search/", {"q": "4090"}, headers={"HX-Request": "true", "HX-Target": "search-dropdown"}
    ).content.decode()
    assert dropdown.lstrip().startswith('<div id="search-dropdown"')
    assert "GeForce RTX 4090" in dropdown and "<header" not in dropdown
    full = client.get("/search/", {"q": "4090"}).content.decode()
    assert "<header" in full and "GeForce RTX 4090" in full


def test_search_snippets_escape_content(client):
    make.error(
        slug="xss-test",
        title="Script error",
        message="<script>alert(1)</script> failed",
        symptoms="<script>alert(1)</script> failed to load",
    )
    html = client.get("/search/", {"q": "script failed"}).content.decode()
    assert "<script>alert(1)</script>" not in html
