import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_with_styles_and_htmx(site, page):
    console_errors = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.goto(site + "/")
    assert "Will this model run on my machine" in page.inner_text("h1")
    assert page.evaluate("typeof window.htmx") == "object"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_hardware_filter_swaps_results_and_updates_url(site, page):
    page.goto(site + "/hardware/")
    page.select_option("#id_kind", "apple_silicon")
    page.wait_for_url(re.compile(r"kind=apple_silicon"))
    expect(page.locator("#results")).not_to_contain_text("GeForce RTX 4090")
    results = page.inner_text("#results")
    assert "Apple M4 Max" in results
    assert "GeForce" not in results
