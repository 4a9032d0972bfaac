"""A visitor's Will it run? journeys in Chromium: hardware page -> what runs on it -> one model's
answer -> its command; model page -> the hardware it runs on; at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_hardware_page_to_ranked_list_to_answer_to_command(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/hardware/rtx-4090/")
    page.get_by_role("link", name="Check a model on this hardware").click()
    expect(page.locator("#result h2")).to_have_text("What runs on GeForce RTX 4090")
    rows = page.locator("table.runs-on tbody tr")
    assert rows.count() >= 20
    top = page.locator("#result").bounding_box()["y"]
    assert top < 1300  # the answer starts within 1,300 px of form, phones included
    assert no_sideways_scroll(page)
    speed = rows.first.locator("data.speed")
    expect(speed).to_have_text(re.compile(r"\d+ tok/s"))
    link = rows.nth(3).locator("a.answer-link")
    model_name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"hardware=rtx-4090.*model="))
    expect(page.locator("#result .badge")).to_have_text("Fits")
    expect(page.locator("#result h2")).to_contain_text(model_name)
    command = page.locator("#run-it + pre code").first
    expect(command).to_contain_text("llama-server")
    assert no_sideways_scroll(page)
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_model_page_to_the_hardware_it_runs_on(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/models/llama-3.1-8b/")
    page.get_by_role("link", name="Check it on your hardware").first.click()
    expect(page.locator("#result h2")).to_contain_text("Hardware that runs Llama 3.1 8B")
    assert page.locator("table.runs-on tbody tr").count() >= 20
    assert no_sideways_scroll(page)
    context.close()


def test_list_filters_swap_the_list_in_place(site, page):
    page.goto(site + "/will-it-run/?hardware=rtx-4090")
    page.select_option("#id_sort", "speed")
    page.wait_for_url(re.compile(r"sort=speed"))
    expect(page.locator("#result p").first).to_contain_text("Fastest first")
    assert page.locator("header.site-header").count() == 1


def test_a_mac_hides_system_ram(site, page):
    page.goto(site + "/will-it-run/")
    page.locator("summary").filter(has_text="More options").click()
    expect(page.locator("#id_system_ram_gb")).to_be_visible()
    page.select_option("#id_hardware", "apple-m2-16gb")
    expect(page.locator("#id_system_ram_gb")).to_be_hidden()
    page.select_option("#id_hardware", "rtx-4090")
    expect(page.locator("#id_system_ram_gb")).to_be_visible()
