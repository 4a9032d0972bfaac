"""A visitor pastes an error message into the header search, in Chromium, and lands on its fix."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASTED = "Error: listen tcp 127.0.0.1:11434: bind: address already in use"


@pytest.mark.parametrize("width", [1366, 390])
def test_pasted_error_leads_to_its_fix(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/")
    page.locator("#site-search").fill(PASTED)
    page.locator("#site-search").press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("ul.search-results li a")
    expect(results.first).to_have_text("Ollama: bind: address already in use (port 11434)")
    assert results.count() <= 5
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    results.first.click()
    expect(page.locator("h1")).to_contain_text("address already in use")
    context.close()
