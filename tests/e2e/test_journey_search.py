"""Search in Chromium, as a visitor uses it: an error message pasted into the header search
finds its entry first (in the type-ahead and on the results page, among a handful of clean
results) at desktop and phone widths; a typed question gets snippets without markup, marked on
whole words."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASTED = "Error: listen tcp 127.0.0.1:11434: bind: address already in use"
ENTRY = "Ollama: bind: address already in use (port 11434)"
# What a snippet must not show: shortcodes or Markdown.
RAW_MARKUP = ("{{", "}}", "**", "##", "](", "`")


def snippets(page):
    found = page.locator("ul.search-results li .muted").all_inner_texts()
    assert found and not [s for s in found if any(m in s for m in RAW_MARKUP)], found
    return found


def test_pasted_error_leads_to_its_fix_and_snippets_are_clean(site, page):
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/")
        page.locator("#site-search").fill(PASTED)
        expect(page.locator("#search-dropdown li a").first).to_have_text(ENTRY)
        page.locator("#site-search").press("Enter")
        page.wait_for_url("**/search/?q=*")
        results = page.locator("ul.search-results li a")
        expect(results.first).to_have_text(ENTRY)
        assert results.count() <= 5
        snippets(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        results.first.click()
        expect(page.locator("h1")).to_contain_text("address already in use")

    page.goto(site + "/search/?q=CUDA+out+of+memory")
    expect(page.locator("ul.search-results li a").first).to_have_text("CUDA out of memory")
    assert len(snippets(page)) >= 5
    marked = {m.lower() for m in page.locator("ul.search-results mark").all_inner_texts()}
    assert marked and marked <= {"cuda", "memory", "out"}, marked  # not "Output", "OutOfMemory"
