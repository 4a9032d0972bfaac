import datetime

import pytest
from django.urls import reverse

from catalog.models import Benchmark, Hardware, Offer
from tests.factories import HardwareFactory, ModelFactory, QuantFormatFactory, RuntimeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def card():
    """The board, model, format and tool the submissions below name."""
    ModelFactory(slug="ew-model")
    QuantFormatFactory(name="Q4_K_M")
    RuntimeFactory(slug="llama-cpp")
    return HardwareFactory(slug="ew-card", name="Workflow Card")


SUBMISSION = {
    "hardware": "ew-card",
    "gpu_count": "1",
    "model": "ew-model",
    "quant": "Q4_K_M",
    "runtime": "llama-cpp",
    "runtime_version": "",
    "command": "llama-bench -m ew-model-q4_k_m.gguf",
    "source_url": "https://example.com/my-results",
    "submitter_email": "",
    "submit": "1",
}


def test_submitted_benchmark_is_unverified_in_review_and_hidden(client):
    data = {
        **SUBMISSION,
        "pasted_output": "| model | size | params | backend | ngl | test | t/s |\n"
        "| --- | ---: | ---: | --- | --: | ---: | ---: |\n"
        "| llama 8B Q4_K - Medium | 4.58 GiB | 8.03 B | CUDA | 99 | tg128 | 150.50 ± 0.3 |\n",
    }
    response = client.post("/benchmarks/submit/", data)
    assert response.status_code == 200
    assert "review queue" in response.content.decode()
    submitted = Benchmark.objects.get(source_url="https://example.com/my-results")
    assert submitted.decode_tok_s == 150.5 and submitted.context_tokens == 128
    assert submitted.status == "in_review" and not submitted.verified
    assert "my-results" not in client.get("/benchmarks/").content.decode()


def test_submission_without_any_speed_is_rejected_inline(client):
    response = client.post("/benchmarks/submit/", {**SUBMISSION, "context_tokens": "512"})
    assert response.status_code == 400
    assert "Give a decode or prefill speed" in response.content.decode()
    assert not Benchmark.objects.filter(source_url="https://example.com/my-results").exists()


def test_submission_honeypot_stores_nothing(client):
    data = {**SUBMISSION, "decode_tok_s": "99", "context_tokens": "128", "website": "x"}
    assert client.post("/benchmarks/submit/", data).status_code == 200
    assert not Benchmark.objects.filter(source_url="https://example.com/my-results").exists()


def test_editor_verifies_a_submission_and_it_appears(editor_client, client):
    data = {**SUBMISSION, "decode_tok_s": "99.5", "context_tokens": "128"}
    client.post("/benchmarks/submit/", data)
    submitted = Benchmark.objects.get(source_url="https://example.com/my-results")
    response = editor_client.post(
        reverse("admin:catalog_benchmark_changelist"),
        {"action": "verify_benchmarks", "_selected_action": [submitted.pk]},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.verified and submitted.status == "published"
    assert "99.5" in client.get("/benchmarks/", {"hardware": "ew-card"}).content.decode()


def make_offer(**fields):
    values = {
        "hardware": Hardware.objects.get(slug="ew-card"),
        "retailer": "Example Store",
        "url": "https://shop.example.com/ew-card",
        "price": 1799,
        "last_checked": datetime.date.today(),
        **fields,
    }
    return Offer.objects.create(**values)


def test_go_counts_the_click_and_redirects_to_the_stored_url(client):
    offer = make_offer()
    response = client.get(f"/go/{offer.pk}/?next=https://evil.example.com")
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/ew-card"
    offer.refresh_from_db()
    assert offer.clicks == 1


def test_go_hides_offers_not_checked_for_30_days(client):
    offer = make_offer(last_checked=datetime.date.today() - datetime.timedelta(days=31))
    assert client.get(f"/go/{offer.pk}/").status_code == 404
    assert client.get("/go/999999/").status_code == 404


def test_history_records_changes_and_reverts(editor_client, card):
    hardware = card
    hardware.street_price_usd = 1999
    hardware.save()
    hardware.street_price_usd = 2199
    hardware.save()
    history = hardware.history.order_by("history_date")
    assert [h.street_price_usd for h in history][-2:] == [1999, 2199]
    previous = history[len(history) - 2]
    previous.instance.save()
    hardware.refresh_from_db()
    assert hardware.street_price_usd == 1999
    url = reverse("admin:catalog_hardware_history", args=[hardware.pk])
    assert editor_client.get(url).status_code == 200


def test_admin_login_locks_out_after_repeated_failures(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("boss", "boss@example.com", "correct-horse-battery")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "boss", "password": "wrong"})
    response = client.post(url, {"username": "boss", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_drafts_are_previewable_by_staff_only(editor_client):
    from django.test import Client

    visitor = Client()
    assert "/hardware/ew-card/<" in visitor.get("/sitemap.xml").content.decode()
    Hardware.objects.filter(slug="ew-card").update(status="draft")
    assert visitor.get("/hardware/ew-card/").status_code == 404
    response = editor_client.get("/hardware/ew-card/")
    assert response.status_code == 200
    assert "Preview for editors" in response.content.decode()
    assert "/hardware/ew-card/<" not in visitor.get("/sitemap.xml").content.decode()


def test_mark_reviewed_by_me_records_who_and_when(editor_client, editor_user):
    import datetime

    from editorial.models import Author
    from tests import content_factories as make

    term = make.term(reviewed_on=datetime.date(2020, 1, 1))
    make.term(slug="old-term", name="Old term", reviewed_on=datetime.date(2020, 1, 1))
    changelist = reverse("admin:glossary_term_changelist")
    stale = editor_client.get(changelist, {"review_older_than": "12"}).content.decode()
    assert "Old term" in stale
    no_profile = editor_client.post(
        changelist, {"action": "mark_reviewed_by_me", "_selected_action": [term.pk]}, follow=True
    )
    assert "no author profile" in no_profile.content.decode()
    author = Author.objects.create(slug="ed", name="Ed Itor", bio="Editor.", user=editor_user)
    editor_client.post(changelist, {"action": "mark_reviewed_by_me", "_selected_action": [term.pk]})
    term.refresh_from_db()
    assert term.reviewer == author and term.reviewed_on == datetime.date.today()
    assert term.history.first().history_user == editor_user
    fresh = editor_client.get(changelist, {"review_older_than": "12"}).content.decode()
    assert "Old term" in fresh and ">Test term (TT)<" not in fresh


def test_content_history_and_corrections_log_link_the_changed_row(client, card):
    from django.contrib.contenttypes.models import ContentType

    from editorial.models import Article, Correction

    trust, _ = Article.objects.update_or_create(
        kind="page", slug="trust", defaults={"title": "Trust", "body": "How we source."}
    )
    Correction.objects.create(
        summary="Fixed the Workflow Card board power.",
        content_type=ContentType.objects.get_for_model(Hardware),
        object_id=card.pk,
    )
    trust.body = "How we source claims."
    trust.save()
    assert [h.body for h in trust.history.order_by("history_date")][-2:] == [
        "How we source.",
        "How we source claims.",
    ]
    html = client.get("/trust/").content.decode()
    assert "Fixed the Workflow Card board power." in html
    assert '<a href="/hardware/ew-card/">corrected page</a>' in html
