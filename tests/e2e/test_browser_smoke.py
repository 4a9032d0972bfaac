import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_with_styles_htmx_and_its_header(site, page):
    console_errors = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.goto(site + "/")
    assert "Will this model run on my machine" in page.inner_text("h1")
    assert page.evaluate("typeof window.htmx") == "object"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors

    # The header: a favicon, a "Run check" call to action and the search, on one row on a
    # desktop screen, and all of them on a phone's.
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(site + icon)
    assert response.status == 200 and "svg" in response.headers["content-type"]
    cta = page.locator("header .header-cta")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        expect(cta).to_have_text("Run check")
        expect(cta).to_be_visible()
        expect(page.locator("#site-search")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1366, "height": 900})
    boxes = [
        page.locator(selector).bounding_box()
        for selector in (".brand", ".nav-main", "header .header-cta", "#site-search")
    ]
    centres = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(centres) - min(centres) < 12, boxes
    cta.click()
    page.wait_for_url(re.compile(r"/will-it-run/$"))
    expect(page.locator("h1")).to_have_text("Will it run?")
