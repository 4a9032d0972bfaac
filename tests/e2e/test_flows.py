"""User flows in a real browser (headless Chromium), with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests import content_factories as make

pytestmark = pytest.mark.django_db(transaction=True)


def test_will_it_run_swaps_the_result_and_updates_the_url(site, page):
    page.goto(site + "/will-it-run/")
    page.select_option("#id_hardware", "rtx-4090")
    page.select_option("#id_model", "llama-3.1-8b")
    page.wait_for_url(re.compile(r"hardware=rtx-4090.*model=llama-3\.1-8b"))
    page.wait_for_selector("#result .badge")
    assert page.inner_text("#result .badge") == "Fits"
    assert "tok/s" in page.inner_text("#result")
    assert page.locator("header.site-header").count() == 1  # swapped in place, not reloaded
    page.fill("#id_context", "131072")
    page.select_option("#id_quant", "F16")
    page.wait_for_url(re.compile(r"quant=F16"))
    expect(page.locator("#result .badge")).not_to_have_text("Fits")


def test_will_it_run_works_without_javascript(site, no_js_page):
    page = no_js_page
    page.goto(site + "/will-it-run/")
    page.select_option("#id_hardware", "rtx-3060-12gb")
    page.select_option("#id_model", "llama-3.1-70b")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"hardware=rtx-3060-12gb"))
    assert page.inner_text("#result .badge") in {"Runs with partial offload", "Does not fit"}


def test_will_it_run_keyboard_only(site, page):
    page.goto(site + "/will-it-run/")
    page.focus("#id_hardware")
    page.keyboard.press("ArrowDown")  # custom
    page.keyboard.press("ArrowDown")  # first catalog entry
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_model"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    for _ in range(12):
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Check"
    page.keyboard.press("Enter")
    page.wait_for_selector("#result .badge")


def test_compare_add_and_remove(site, page):
    page.goto(site + "/compare/?hw=rtx-4090,rtx-3090")
    assert page.locator("[aria-label^='Remove ']").count() == 2
    page.fill("#add-hw", "rtx-5090")
    page.press("#add-hw", "Enter")
    page.wait_for_url(re.compile(r"rtx-5090"))
    expect(page.locator("[aria-label^='Remove ']")).to_have_count(3)
    page.click("[aria-label='Remove GeForce RTX 3090']")
    expect(page.locator("[aria-label^='Remove ']")).to_have_count(2)
    assert "rtx-3090" not in page.url


def test_glossary_instant_filter(site, page):
    make.term(slug="alpha-term", name="Alpha term")
    make.term(slug="beta-term", name="Beta term")
    page.goto(site + "/glossary/")
    page.fill("#g-q", "beta")
    expect(page.locator("#term-results")).not_to_contain_text("Alpha term")
    assert "Beta term" in page.inner_text("#term-results")
    assert "q=beta" in page.url


def test_search_dropdown(site, page):
    page.goto(site + "/")
    page.fill("#site-search", "4090")
    page.wait_for_selector("#search-dropdown li")
    assert "GeForce RTX 4090" in page.inner_text("#search-dropdown")


def test_contact_form(site, page):
    from editorial.models import ContactMessage

    page.goto(site + "/contact/")
    page.fill("#id_name", "Ada")
    page.fill("#id_email", "ada@example.com")
    page.fill("#id_subject", "A correction")
    page.fill("#id_message", "The RTX 4090 spec table looks right to me.")
    page.click("button[type=submit]")
    page.wait_for_selector(".notice.ok")
    assert ContactMessage.objects.filter(email="ada@example.com").exists()


def test_editor_edits_a_price_in_admin_and_sees_it(site, page, django_user_model):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user(
        "editor", "e@example.com", "a-long-editor-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    page.goto(site + "/hardware/rtx-4090/")  # cache the public page first
    page.goto(site + "/admin/login/?next=/admin/catalog/hardware/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-editor-password")
    page.click("input[type=submit]")
    page.goto(site + "/admin/catalog/hardware/?q=rtx-4090")
    page.fill("input[name$='street_price_usd']", "1749")
    page.click("input[name='_save']")
    page.wait_for_selector(".messagelist")
    page.context.clear_cookies()
    page.goto(site + "/hardware/rtx-4090/")
    assert "$1,749" in page.inner_text("main")


def test_choose_my_gpu_ranks_within_budget(site, page):
    page.goto(site + "/choose-my-gpu/")
    page.fill("#id_budget", "1500")
    page.select_option("#id_preset", "chat-8b")
    page.click("#choose-form button[type=submit]")
    page.wait_for_url(re.compile(r"budget=1500"))
    expect(page.locator("#results-h")).to_contain_text("within $1,500")
    assert "tok/s" in page.inner_text("#results")


def test_cost_vs_cloud_compares_options(site, page):
    page.goto(site + "/cost-vs-cloud/")
    page.select_option("#id_model", "llama-3.1-8b")
    page.select_option("#id_hardware", "rtx-4090")
    page.click("#cost-form button[type=submit]")
    page.wait_for_url(re.compile(r"model=llama-3\.1-8b"))
    text = page.inner_text("#results")
    assert "Buy" in text and "per million" in text.lower()


def test_newsletter_signup_confirm_and_unsubscribe(site, page, mailoutbox):
    page.goto(site + "/")
    page.fill("footer input[type=email]", "reader@example.com")
    page.click("footer button[type=submit]")
    expect(page.locator("footer")).to_contain_text("We have emailed")
    from django.core.management import call_command

    call_command("db_worker", "--batch", verbosity=0)  # the worker sends the queued email
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", mailoutbox[0].body).group(0)
    page.goto(site + link[link.index("/newsletter/") :])
    expect(page.locator("main")).to_contain_text("Confirmed")
    from editorial.newsletter import Subscriber

    subscriber = Subscriber.objects.get(email="reader@example.com")
    assert subscriber.status == "confirmed"
    unsubscribe = subscriber.unsubscribe_url()
    page.goto(site + unsubscribe[unsubscribe.index("/newsletter/") :])
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("Unsubscribed")
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
