"""The monthly digest: content, the send job and its re-runs, the emails, the archive, the admin."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from editorial.digest import Delivery, Digest
from editorial.models import PulseEntry
from editorial.newsletter import Subscriber
from editorial.tasks import send_digest
from tests.test_newsletter_signup import run_queued_tasks

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()


class MailServerCrash(BaseException):
    """The worker process dying mid-send (not an error the job could catch and record)."""


class CrashingBackend(EmailBackend):
    """Accepts `accept` messages, then the process 'dies' on the next one."""

    accept = 0

    def send_messages(self, messages):
        if len(mail.outbox) >= CrashingBackend.accept:
            raise MailServerCrash
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    """A mail server that refuses one address."""

    def send_messages(self, messages):
        if messages[0].to == ["refused@example.com"]:
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


def subscriber(email, status=Subscriber.Status.CONFIRMED):
    return Subscriber.objects.create(email=email, status=status, consent_version="test")


@pytest.fixture
def readers():
    confirmed = [subscriber(f"reader{n}@example.com") for n in range(5)]
    subscriber("pending@example.com", Subscriber.Status.PENDING)
    subscriber("gone@example.com", Subscriber.Status.UNSUBSCRIBED)
    return confirmed


@pytest.fixture
def digest():
    PulseEntry.objects.create(
        slug="this-month-note",
        title="A runtime added a faster kernel",
        date=TODAY.replace(day=1),
        kind=PulseEntry.Kind.RUNTIME,
        summary="Prompt processing got quicker. See [the guide](/learn/vram-math/).",
    )
    PulseEntry.objects.create(
        slug="last-month-note",
        title="An older note",
        date=TODAY.replace(day=1) - datetime.timedelta(days=1),
        kind=PulseEntry.Kind.MODEL,
        summary="Not this month.",
    )
    PulseEntry.objects.create(
        slug="draft-note",
        title="A draft note",
        date=TODAY.replace(day=1),
        kind=PulseEntry.Kind.MODEL,
        summary="Not published.",
        status=PulseEntry.Status.DRAFT,
    )
    return Digest.objects.create(month=TODAY, intro="What mattered *most* this month.")


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_digest_pulls_in_the_months_published_pulse_entries_and_new_benchmarks(digest):
    assert digest.month == TODAY.replace(day=1)
    assert digest.subject == f"RunLocalAI monthly digest, {TODAY:%B %Y}"
    html, text = digest.render_body()
    assert "A runtime added a faster kernel" in html and "A runtime added a faster kernel" in text
    assert "An older note" not in html and "A draft note" not in html
    assert "<em>most</em>" in html
    assert 'href="http://' in html and 'href="/learn/' not in html  # links work from a mail client
    assert "New benchmarks" in html and "tok/s" in text  # the seeded catalog arrived this month


def test_send_job_mails_each_confirmed_subscriber_once_and_skips_the_others(readers, digest):
    from django_tasks_db.models import DBTaskResult

    assert digest.queue_for_sending()
    assert DBTaskResult.objects.get().task_path == "editorial.tasks.send_digest"
    assert mail.outbox == []  # the admin only queues it; the worker sends

    run_queued_tasks()
    assert recipients() == sorted(s.email for s in readers)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    digest.refresh_from_db()
    assert digest.status == Digest.Status.SENT and digest.sent_at is not None

    send_digest.call(digest.pk)  # an accidental second run
    assert len(mail.outbox) == len(readers)


def test_digest_emails_carry_both_parts_and_the_unsubscribe_headers(readers, digest):
    digest.queue_for_sending()
    run_queued_tasks()
    for message in mail.outbox:
        reader = Subscriber.objects.get(email=message.to[0])
        assert message.subject == digest.subject
        assert "A runtime added a faster kernel" in message.body
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html" and "A runtime added a faster kernel" in html
        # The link is signed with a timestamp, so it is read back rather than rebuilt (a second
        # boundary between sending and checking changes its text, not whom it unsubscribes).
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<") and header.endswith(">")
        link = header[1:-1]
        prefix = reader.unsubscribe_url().rstrip("/").rsplit("/", 1)[0] + "/"
        assert link.startswith(prefix)
        token = link.removeprefix(prefix).rstrip("/")
        assert Subscriber.objects.from_unsubscribe_token(token) == reader
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in message.body and link in html


def test_rerun_after_a_crash_mid_batch_sends_only_to_those_not_yet_sent(readers, digest, settings):
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CrashingBackend"}}
    CrashingBackend.accept = 1
    digest.queue_for_sending()
    with pytest.raises(MailServerCrash):
        send_digest.call(digest.pk)
    first_run = recipients()
    assert len(first_run) == 1
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    in_flight = [email for email, status in statuses.items() if status == Delivery.Status.CLAIMED]
    assert len(in_flight) == 1 and len(statuses) == 3  # the crash came in the first batch

    leaver = Subscriber.objects.get(deliveries__status=Delivery.Status.QUEUED)
    leaver.unsubscribe()  # queued by the crashed run, gone before the re-run
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    counts = send_digest.call(digest.pk)

    assert recipients() == sorted({r.email for r in readers} - {*in_flight, leaver.email})
    assert len(recipients()) == len(set(recipients()))  # nobody twice
    assert counts == {Delivery.Status.SENT: 2, Delivery.Status.SKIPPED: 1}
    assert Delivery.objects.get(subscriber__email=in_flight[0]).status == Delivery.Status.CLAIMED
    assert Delivery.objects.get(subscriber=leaver).status == Delivery.Status.SKIPPED


def test_refused_message_is_recorded_and_the_rest_still_go_out(readers, digest, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    subscriber("refused@example.com")
    digest.queue_for_sending()
    counts = send_digest.call(digest.pk)
    assert counts == {Delivery.Status.SENT: len(readers), Delivery.Status.FAILED: 1}
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    assert failed.subscriber.email == "refused@example.com"
    assert "550" in failed.error


def test_database_allows_one_delivery_per_digest_and_subscriber(readers, digest):
    Delivery.objects.create(digest=digest, subscriber=readers[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(digest=digest, subscriber=readers[0])


def test_only_a_draft_can_be_queued(digest):
    assert digest.queue_for_sending()
    assert not digest.queue_for_sending()


def test_archive_lists_sent_digests_with_a_page_each(client, readers, digest):
    assert digest.get_absolute_url() not in client.get("/newsletter/archive/").content.decode()
    assert client.get(digest.get_absolute_url()).status_code == 404
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/newsletter/archive/</loc>" in sitemap
    assert f"{digest.get_absolute_url()}</loc>" not in sitemap

    digest.queue_for_sending()
    run_queued_tasks()
    archive = client.get("/newsletter/archive/").content.decode()
    assert digest.get_absolute_url() in archive
    page = client.get(digest.get_absolute_url())
    assert page.status_code == 200
    assert "A runtime added a faster kernel" in page.content.decode()
    assert "reader0@example.com" not in page.content.decode()
    assert client.get("/newsletter/archive/2026/13/").status_code == 404
    assert f"{digest.get_absolute_url()}</loc>" in client.get("/sitemap.xml").content.decode()


def test_archive_pages_take_one_query_each(client, readers, digest, django_assert_num_queries):
    digest.queue_for_sending()
    run_queued_tasks()
    with django_assert_num_queries(1):
        client.get("/newsletter/archive/")
    with django_assert_num_queries(1):
        client.get(digest.get_absolute_url())


def test_admin_preview_shows_the_html_and_plain_text_parts(editor_client, digest):
    response = editor_client.get(reverse("admin:editorial_digest_preview", args=[digest.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "HTML part" in html and "Plain-text part" in html
    assert "A runtime added a faster kernel" in html
    assert "List-Unsubscribe=One-Click" in html

    part = editor_client.get(reverse("admin:editorial_digest_preview_html", args=[digest.pk]))
    assert part.content.decode().startswith("<!doctype html>")
    assert "Unsubscribe" in part.content.decode()


def test_editor_sends_a_test_to_themselves(editor_client, readers, digest):
    url = reverse("admin:editorial_digest_preview", args=[digest.pk])
    editor_client.post(url, {"action": "test"})
    [message] = mail.outbox
    assert message.to == ["editor@example.com"]
    assert message.subject == f"[Test] {digest.subject}"
    assert message.alternatives and message.extra_headers["List-Unsubscribe"]
    assert not Delivery.objects.exists()
    digest.refresh_from_db()
    assert digest.status == Digest.Status.DRAFT


def test_send_a_test_to_me_action_on_the_list(editor_client, digest):
    editor_client.post(
        reverse("admin:editorial_digest_changelist"),
        {"action": "send_test_to_me", "_selected_action": [digest.pk]},
    )
    assert [m.to for m in mail.outbox] == [["editor@example.com"]]


def test_editor_queues_the_send_only_with_the_box_ticked(editor_client, readers, digest):
    url = reverse("admin:editorial_digest_preview", args=[digest.pk])
    editor_client.post(url, {"action": "send"})
    digest.refresh_from_db()
    assert digest.status == Digest.Status.DRAFT

    editor_client.post(url, {"action": "send", "confirm": "yes"})
    digest.refresh_from_db()
    assert digest.status == Digest.Status.QUEUED
    assert digest.body_html
    run_queued_tasks()
    assert len(mail.outbox) == len(readers)


def test_digest_is_frozen_once_queued(editor_client, readers, digest):
    digest.queue_for_sending()
    response = editor_client.get(reverse("admin:editorial_digest_change", args=[digest.pk]))
    assert 'name="intro"' not in response.content.decode()
