"""Every shipped glossary term reads like the seed site's term pages: a short definition, the
three longer sections, a named reviewer with a date, and a sidebar that sends the visitor on to a
buyer guide or a troubleshooting entry. The troubleshooting entries written for those sidebars are
found when their message is pasted into site search."""

import json
import re
from pathlib import Path

import pytest

from editorial.shortcodes import MISSING, SHORTCODE, References, render_content
from glossary.models import Term

pytestmark = pytest.mark.django_db

ERRORS_JSON = Path(__file__).resolve().parent.parent / "editorial" / "data" / "errors.json"
NEW_ERROR_SLUGS = [
    "output-repeats-endless-loop",
    "gibberish-output-low-bit-quant",
    "reasoning-model-never-stops-thinking",
    "vision-model-ignores-image-no-mmproj",
    "embedding-dimension-mismatch",
    "garbage-past-trained-context",
]
SECTION_HEADINGS = ["Definition", "Deeper dive", "Practical example", "Workflow example"]
REVIEWED = re.compile(
    r'Reviewed by <a href="(/author/[^"]+/)">([^<]+)</a> on (\d{1,2} [A-Z][a-z]+ \d{4})'
)
# Abbreviations that end in a full stop without ending a sentence.
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|vs|etc|approx|cf)\.", re.IGNORECASE)
# A sentence may start in lower case ("llama.cpp ...", "`ollama create` ..."), so any word after
# end punctuation and a space starts a new one.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')]*\s+(?=\S)")


def sentences(text):
    """The sentences of a definition: split after . ! ? and a space, abbreviations aside."""
    text = ABBREVIATIONS.sub(lambda m: m.group(1), text.strip())
    return [part for part in SENTENCE_END.split(text) if part.strip()]


def test_sentence_counter_counts_what_a_reader_counts():
    assert len(sentences("One thing. Another (e.g. this one). A third! Done?")) == 4
    assert len(sentences("A 4.5 bpw file. Q4_K_M vs. Q8_0 is a trade-off.")) == 2
    assert len(sentences("GGUF is a format. llama.cpp reads it. `ollama create` too.")) == 3


def main_column(html):
    return html.split('class="term-main"', 1)[1].split('<aside class="term-aside"', 1)[0]


def sidebar(html):
    return html.split('<aside class="term-aside"', 1)[1].split("</aside>", 1)[0]


def section_body(main, heading):
    part = main.split(f">{heading}</h2>", 1)[1]
    return part.split("</section>", 1)[0]


def test_every_term_page_has_the_four_sections_a_reviewer_and_a_useful_sidebar(client):
    terms = list(Term.objects.published().order_by("slug"))
    assert len(terms) >= 135
    sidebar_targets = set()
    for term in terms:
        response = client.get(term.get_absolute_url())
        assert response.status_code == 200, term.slug
        html = response.content.decode()
        main = main_column(html)
        for heading in SECTION_HEADINGS:
            body = re.sub(r"<[^>]+>", "", section_body(main, heading)).strip()
            assert len(body) > 40, f"{term.slug}: '{heading}' is empty"
        reviewed = REVIEWED.search(main)
        assert reviewed, f"{term.slug}: no named reviewer with a date"
        assert reviewed.group(2).strip()
        aside = sidebar(html)
        links = re.findall(r'<a href="(/(?:guides|errors)/[a-z0-9-]+/)">', aside)
        assert links, f"{term.slug}: sidebar has no buyer guide or error link"
        assert "Buyer guides" in aside or "When it doesn't work" in aside
        sidebar_targets.update(links)
    for url in sorted(sidebar_targets):
        assert client.get(url).status_code == 200, url


def test_definitions_are_two_or_three_sentences():
    counts = {term.slug: len(sentences(term.definition)) for term in Term.objects.all()}
    assert {slug: n for slug, n in counts.items() if not 2 <= n <= 3} == {}


def test_every_practical_example_uses_catalog_numbers_that_resolve():
    refs = References()
    for term in Term.objects.all():
        assert SHORTCODE.search(term.practical_example), f"{term.slug}: no catalog shortcode"
        rendered = str(render_content(term.practical_example, refs))
        assert MISSING not in rendered, f"{term.slug}: a shortcode names nothing in the catalog"
        assert "{{" not in rendered, term.slug


def test_sidebar_lists_the_new_troubleshooting_entry_for_sampling(client):
    html = client.get("/glossary/temperature/").content.decode()
    aside = sidebar(html)
    assert "When it doesn't work" in aside
    assert 'href="/errors/output-repeats-endless-loop/"' in aside


def new_error_entries():
    entries = {entry["slug"]: entry for entry in json.loads(ERRORS_JSON.read_text())}
    return [entries[slug] for slug in NEW_ERROR_SLUGS]


@pytest.mark.parametrize("entry", new_error_entries(), ids=NEW_ERROR_SLUGS)
def test_new_error_entry_renders_with_its_fixes_and_sources(client, entry):
    response = client.get(f"/errors/{entry['slug']}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert entry["title"].replace("<", "&lt;").replace(">", "&gt;") in html
    for url in entry["sources"]:
        assert url in html
    assert "Reviewed by" in html


@pytest.mark.parametrize("entry", new_error_entries(), ids=NEW_ERROR_SLUGS)
def test_pasting_the_message_finds_the_new_entry_first(client, entry):
    # What a visitor pastes: the whole message, and its first line alone.
    for line in (entry["message"], entry["message"].splitlines()[0]):
        html = client.get("/search/", {"q": line}).content.decode()
        results = html.split('id="main"', 1)[1]
        errors = re.findall(r'href="/errors/([a-z0-9-]+)/"', results)
        assert errors and errors[0] == entry["slug"], line


# A site path written out in prose ("See /learn/vram-math/.") instead of a link: the reader sees
# the path and cannot click it. Paths inside link targets, words or file names do not count.
BARE_SITE_PATH = re.compile(
    r"(?<![(\w/.`-])/(?:glossary|guides|learn|errors|will-it-run|tools|models|hardware)/"
)
CODE = re.compile(r"```.*?```|`[^`]*`", re.S)


def test_pages_a_term_sends_the_reader_to_are_links_not_bare_paths():
    from glossary.views import SECTIONS

    bare = [
        f"{term.slug}.{name}: …{text[max(0, m.start() - 30) : m.end() + 20]}…"
        for term in Term.objects.published()
        for name in SECTIONS
        if (text := CODE.sub(" ", getattr(term, name)))
        for m in BARE_SITE_PATH.finditer(text)
    ]
    assert not bare, "\n".join(bare)
