import re

import pytest
from django.db import connection

from tests import content_factories as make
from tests.factories import HardwareFactory

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


def all_results(html):
    """Result titles in page order, across groups."""
    import re

    return re.findall(
        r'<li><a href="[^"]+">([^<]+)</a>',
        "".join(re.findall(r'<ul class="search-results">(.*?)</ul>', html, re.S)),
    )


def snippet_of(html, title):
    part = html.split(f">{title}</a>", 1)[1]
    return part.split('<span class="muted">', 1)[1].split("</span></li>", 1)[0]


def test_snippets_show_the_text_a_reader_sees(client):
    HardwareFactory(slug="snippet-card", memory_gb=24)
    make.article(
        slug="plain-snippet",
        title="Snippet hygiene",
        summary="",
        body=(
            "## Zebrafinch heading\n\nA **zebrafinch** runs on {{hw:snippet-card.memory_gb}} with "
            "[the Q4_K_M file](https://example.org/x.gguf) and `--ctx-size 4096`."
        ),
    )
    html = client.get("/search/", {"q": "zebrafinch"}).content.decode()
    snippet = snippet_of(html, "Snippet hygiene")
    assert "24 GB" in snippet  # the shortcode's value, as the page shows it
    assert "Q4_K_M" in snippet and "--ctx-size 4096" in snippet
    for markup in ("{{", "**", "](", "##", "`", "example.org"):
        assert markup not in snippet


def test_highlighting_marks_whole_words_only(client):
    make.article(
        slug="whole-words",
        title="Highlight test",
        summary="",
        body="Concatenating tensors is not the same as a tensorcat; tensors move in blocks.",
    )
    html = client.get("/search/", {"q": "tensor"}).content.decode()
    snippet = snippet_of(html, "Highlight test")
    assert "<mark>tensors</mark>" in snippet
    assert "<mark>tensorcat</mark>" in snippet  # a word starting with the query is a match
    assert "Concatenating" in snippet and "Concatena<mark>" not in snippet


def test_snippet_starts_and_ends_at_a_word(client):
    filler = " ".join(f"word{n}" for n in range(60))
    make.article(
        slug="long-snippet",
        title="Long body",
        summary="",
        body=f"{filler} the marmoset appears here {filler}",
    )
    html = client.get("/search/", {"q": "marmoset"}).content.decode()
    snippet = snippet_of(html, "Long body")
    assert "<mark>marmoset</mark>" in snippet
    inner = snippet.removeprefix("… ").removesuffix(" …")
    first, last = inner.split()[0], inner.split()[-1]
    assert first.startswith("word") and first[4:].isdigit(), first
    assert last.startswith("word") and last[4:].isdigit(), last
    assert snippet.startswith("… ") and snippet.endswith(" …")


def test_pasted_error_leads_with_its_entry_and_few_others(client):
    make.error(
        slug="bind-test",
        title="Quokkad: cannot marshal the zebra ring",
        message="quokkad: cannot marshal zebra ring buffer (frobnication depth 7)",
        symptoms="The quokka daemon exits at start-up.",
    )
    pasted = "quokkad[2211]: cannot marshal zebra ring buffer (frobnication depth 7) at boot"
    html = client.get("/search/", {"q": pasted}).content.decode()
    titles = all_results(html)
    assert titles[0] == "Quokkad: cannot marshal the zebra ring"
    assert len(titles) <= 6, titles


def test_every_app_registers_what_search_finds():
    from core.search import registered

    assert [kind.key for kind in registered()] == [
        *("hardware", "models", "tools", "glossary", "errors", "guides", "learn", "answers"),
    ]


def test_a_body_under_a_summary_keeps_its_headings_out_of_the_snippet(client):
    make.article(
        slug="summary-then-heading",
        title="Heading after summary",
        summary="A short summary about the okapi.",
        body="## Okapi facts\n\nThe okapi is a forest giraffe.",
    )
    html = client.get("/search/", {"q": "okapi facts"}).content.decode()
    assert "##" not in snippet_of(html, "Heading after summary")


def test_a_short_query_word_marks_itself_and_its_plural_only(client):
    make.article(
        slug="short-words",
        title="Short word test",
        summary="",
        body="The yak output stops when yaks run out of hay.",
    )
    html = client.get("/search/", {"q": "yak out"}).content.decode()
    snippet = snippet_of(html, "Short word test")
    assert "<mark>yak</mark>" in snippet and "<mark>yaks</mark>" in snippet
    assert "<mark>out</mark> of hay" in snippet
    assert "<mark>output</mark>" not in snippet and "output" in snippet


def test_the_entry_titled_with_the_typed_words_leads(client):
    make.error(slug="wombat-oom", title="Wombat out of burrow", symptoms="It happens.")
    make.error(
        slug="wombat-oom-long",
        title="Zeta: wombat out of burrow while capturing wombat graphs",
        symptoms="Wombat out of burrow, wombat burrow, wombat again.",
    )
    html = client.get("/search/", {"q": "wombat out of burrow"}).content.decode()
    assert result_titles(html, "errors")[:2] == [
        "Wombat out of burrow",
        "Zeta: wombat out of burrow while capturing wombat graphs",
    ]


def test_a_card_is_described_by_its_specs_not_its_editors_notes(client):
    HardwareFactory(
        name="Capybara X1",
        slug="capybara-x1",
        memory_gb=24,
        memory_type="GDDR7",
        bandwidth_gb_s=960,
        launch_year=2025,
        notes="tdp_w is board power; fp16_tflops = dense tensor rate",
    )
    html = client.get("/search/", {"q": "capybara"}).content.decode()
    snippet = snippet_of(html, "Capybara X1")
    assert "24 GB GDDR7" in snippet and "960 GB/s" in snippet
    assert "tdp_w" not in snippet


def dropdown_titles(client, query):
    html = client.get(
        "/search/", {"q": query}, headers={"HX-Request": "true", "HX-Target": "search-dropdown"}
    ).content.decode()
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)


def test_the_type_ahead_offers_the_best_few_not_every_group(client):
    for n in range(10):
        make.term(slug=f"quetzal-{n}", name=f"Quetzal feather {n}")
    offered = dropdown_titles(client, "quetzal feather")
    assert len(offered) == 8 and all(title.startswith("Quetzal feather") for title in offered)

    make.term(slug="zorilla-stripe", name="Zorilla stripe", abbreviation="")
    make.article(
        slug="zorilla-aside",
        title="Animals of the dry savanna",
        summary="",
        body="Somewhere in a long article a zorilla is mentioned once, in passing.",
    )
    assert dropdown_titles(client, "zorilla stripe") == ["Zorilla stripe"]
    full = client.get("/search/", {"q": "zorilla stripe"}).content.decode()
    assert "Animals of the dry savanna" in full  # the full results page still lists it
