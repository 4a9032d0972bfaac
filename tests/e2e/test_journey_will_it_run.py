"""A visitor's Will it run? journeys in Chromium: hardware page -> what runs on it -> one model's
answer -> its command; model page -> the hardware it runs on -> one machine's answer; the list's
filters by hand, from a shared link and without JavaScript; a Mac picked by its memory. At
desktop and phone widths."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Model

pytestmark = pytest.mark.django_db(transaction=True)

# The answer must start within this much page on a phone: the form's advanced fields fold away.
MAX_FORM_PX = 1300


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def within_screen(page, locator):
    """The element is drawn inside the viewport's width (not cut off or scrolled out of view)."""
    box = locator.bounding_box()
    return (
        box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    )


def list_rows(page):
    """(name, quant, speed) of each row of the runs-on list, as the visitor reads them."""
    return page.locator("table.runs-on tbody tr").evaluate_all(
        """rows => rows.map(r => [
            r.querySelector('a.answer-link').textContent.trim(),
            r.querySelector('.r-quant').textContent.trim(),
            (r.querySelector('data.speed') || {textContent: ''}).textContent.trim(),
        ])"""
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_hardware_page_to_ranked_list_to_answer_to_command(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/hardware/rtx-4090/")
    page.get_by_role("link", name="Check a model on this hardware").click()
    expect(page.locator("#result h2")).to_have_text("What runs on GeForce RTX 4090")
    rows = page.locator("table.runs-on tbody tr")
    assert rows.count() >= 20
    assert page.locator("#result").bounding_box()["y"] < MAX_FORM_PX
    assert no_sideways_scroll(page)
    # Every row's speed is on screen, a phone included: the list does not hide it off the edge.
    speed = rows.nth(3).locator("data.speed")
    expect(speed).to_have_text(re.compile(r"^\d+ tok/s$"))
    assert within_screen(page, speed)
    name, quant, listed_speed = list_rows(page)[3]

    rows.nth(3).locator("a.answer-link").click()
    page.wait_for_url(re.compile(r"hardware=rtx-4090.*model="))
    expect(page.locator("#result .badge")).to_have_text("Fits")
    expect(page.locator("#result h2")).to_have_text(
        re.compile(rf"^GeForce RTX 4090 · {re.escape(name)} {re.escape(quant)} · ")
    )
    # The answer behind the link is the row the visitor picked: same quant, same speed.
    expect(page.locator("#result .speeds data.speed").first).to_have_text(listed_speed)
    command = page.locator("#run-it ~ pre code").first
    model = Model.objects.get(name=name)
    if model.gguf_repo:
        expect(command).to_contain_text(f"llama-server -hf {model.gguf_repo}:{quant}")
    else:  # the command says the catalog has no repository instead of inventing one
        expect(page.locator("#result")).to_contain_text("No GGUF repository")
    assert within_screen(page, command)
    assert no_sideways_scroll(page)
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_model_page_to_the_hardware_it_runs_on(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/models/llama-3.1-8b/")
    page.get_by_role("link", name="Check it on your hardware").first.click()
    expect(page.locator("#result h2")).to_have_text("Hardware that runs Llama 3.1 8B Instruct")
    expect(page.locator("#id_sort option:checked")).to_have_text("Cheapest first")
    prices = [
        int(text.replace("$", "").replace(",", ""))
        for text in page.locator("table.runs-on .r-price").evaluate_all(
            "cells => cells.map(c => c.textContent.trim().split(' ')[0])"
        )
        if text.startswith("$")
    ]
    assert len(prices) >= 20 and prices == sorted(prices)  # cheapest first, as the select says
    assert page.locator("#result").bounding_box()["y"] < MAX_FORM_PX
    assert no_sideways_scroll(page)

    first = page.locator("table.runs-on tbody tr").first
    machine = first.locator("a.answer-link").inner_text()
    first.locator("a.answer-link").click()
    page.wait_for_url(re.compile(r"hardware=.*model=llama-3\.1-8b"))
    expect(page.locator("#result h2")).to_contain_text(f"{machine} · Llama 3.1 8B Instruct")
    expect(page.locator("#result .badge")).to_have_text("Fits")
    expect(page.locator("#run-it ~ pre code").first).to_contain_text(
        Model.objects.get(slug="llama-3.1-8b").gguf_repo
    )
    context.close()


def test_list_filters_by_hand_equal_the_shared_link_with_and_without_javascript(
    site, page, no_js_page
):
    page.goto(site + "/will-it-run/?hardware=rtx-4090")
    everything = list_rows(page)
    page.select_option("#id_use_case", "coding")
    page.wait_for_url(re.compile(r"use_case=coding"))
    page.fill("#id_min_tok_s", "40")
    page.select_option("#id_sort", "speed")
    page.wait_for_url(re.compile(r"min_tok_s=40.*sort=speed"))
    expect(page.locator("#result p").first).to_contain_text("Fastest first")
    assert page.locator("header.site-header").count() == 1  # swapped in place, not reloaded
    by_hand = list_rows(page)
    assert 0 < len(by_hand) < len(everything)
    speeds = [int(speed.split()[0]) for _name, _quant, speed in by_hand]
    assert speeds == sorted(speeds, reverse=True) and min(speeds) >= 40
    shared = page.url

    no_js_page.goto(shared)  # the link the address bar holds, in a browser without JavaScript
    assert list_rows(no_js_page) == by_hand
    no_js_page.goto(site + "/will-it-run/?hardware=rtx-4090")
    no_js_page.select_option("#id_use_case", "coding")
    no_js_page.fill("#id_min_tok_s", "40")
    no_js_page.select_option("#id_sort", "speed")
    no_js_page.click("#wir-form button[type=submit]")
    no_js_page.wait_for_url(re.compile(r"sort=speed"))
    assert list_rows(no_js_page) == by_hand


def test_a_16_gb_macbook_air_is_picked_by_its_memory_without_a_ram_field(site, page):
    page.goto(site + "/will-it-run/")
    page.locator("summary").filter(has_text="More options").click()
    expect(page.locator("#id_system_ram_gb")).to_be_visible()
    page.select_option("#id_hardware", label="Apple M2 · 16 GB")
    expect(page.locator("#id_system_ram_gb")).to_be_hidden()
    page.wait_for_url(re.compile(r"hardware=apple-m2-16gb"))
    expect(page.locator("#result h2")).to_have_text("What runs on Apple M2 · 16 GB")
    assert "system_ram_gb" not in page.url  # a Mac's memory is its RAM: nothing else is sent
    assert len(list_rows(page)) >= 10
    page.select_option("#id_hardware", "rtx-4090")
    expect(page.locator("#id_system_ram_gb")).to_be_visible()
