"""The digest's signup, double opt-in and unsubscribe, through the pages and the emails."""

import email.policy
import re
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.utils import timezone

from editorial.newsletter import CONFIRM_SALT, CONSENT_VERSION, UNSUBSCRIBE_SALT, Subscriber

pytestmark = pytest.mark.django_db

THANKS = "We have emailed"


def run_queued_tasks():
    """Do what `manage.py db_worker` does for each ready job, inside the test's transaction."""
    from django_tasks_db.models import DBTaskResult

    done = 0
    while row := DBTaskResult.objects.ready().first():
        row.claim("tests")
        result = row.task_result
        row.set_successful(row.task.call(*result.args, **result.kwargs))
        done += 1
    return done


def sign_up(client, email, htmx=False, **fields):
    headers = {"HX-Request": "true", "HX-Target": "newsletter-box"} if htmx else {}
    data = {"email": email, "source_page": "/models/", **fields}
    return client.post("/newsletter/", data, headers=headers)


def link_in(message, kind):
    return re.search(rf"https?://\S+/newsletter/{kind}/[^/\s]+/", message.body).group(0)


def path_of(url):
    return urlsplit(url).path


def signed_days_ago(subscriber, days):
    """A confirmation token as it would have been signed `days` ago."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 86400)

    return PastSigner(salt=CONFIRM_SALT).sign(subscriber.key.hex)


def test_every_page_footer_has_the_signup_box(client):
    html = client.get("/").content.decode()
    assert 'id="newsletter-box"' in html
    assert "Get monthly local AI changes. Monthly recap. No spam." in html
    assert 'hx-post="/newsletter/"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_signup_stores_a_pending_subscriber_and_mails_the_confirmation(client):
    response = sign_up(client, "  Reader@Example.COM ")
    assert response.status_code == 200
    assert THANKS in response.content.decode()

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.com"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source_page == "/models/"
    assert subscriber.consent_version == CONSENT_VERSION
    assert subscriber.created_at and subscriber.confirmed_at is None

    assert mail.outbox == []  # the web request only queues the email
    assert run_queued_tasks() == 1
    [message] = mail.outbox
    assert message.to == ["reader@example.com"]
    assert "/newsletter/confirm/" in message.body
    assert "/newsletter/confirm/" in message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"


def test_htmx_signup_swaps_the_box_in_place(client):
    response = sign_up(client, "reader@example.com", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="newsletter-box"')
    assert "<html" not in html
    assert THANKS in html


def test_signup_without_javascript_lands_on_a_page_saying_the_same(client):
    response = sign_up(client, "reader@example.com")
    html = response.content.decode()
    assert "<h1>The monthly digest</h1>" in html
    assert THANKS in html


@pytest.mark.parametrize("email", ["not-an-address", "", "a@b", "x" * 250 + "@example.com"])
def test_bad_address_gets_an_inline_error_and_400(client, email):
    response = sign_up(client, email, htmx=True)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Subscriber.objects.exists()

    assert sign_up(client, email).status_code == 400


def test_source_page_that_is_not_a_site_path_is_not_recorded(client):
    sign_up(client, "reader@example.com", source_page="https://elsewhere.example/")
    assert Subscriber.objects.get().source_page == ""


def test_signup_needs_the_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    assert sign_up(strict, "reader@example.com").status_code == 403
    assert not Subscriber.objects.exists()


def test_confirmation_link_confirms_and_a_second_click_says_already(client):
    sign_up(client, "reader@example.com")
    run_queued_tasks()
    confirm_path = path_of(link_in(mail.outbox[0], "confirm"))

    first = client.get(confirm_path)
    assert first.status_code == 200
    assert "Confirmed" in first.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None

    second = client.get(confirm_path)
    assert second.status_code == 200
    assert "Already confirmed" in second.content.decode()
    assert Subscriber.objects.get().confirmed_at == subscriber.confirmed_at


def test_head_request_on_the_link_confirms_nothing(client):
    subscriber = Subscriber.objects.sign_up("reader@example.com")
    client.head(path_of(subscriber.confirmation_url()))
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_expired_link_says_so_and_offers_a_new_one(client):
    subscriber = Subscriber.objects.sign_up("reader@example.com")
    url = f"/newsletter/confirm/{signed_days_ago(subscriber, 4)}/"

    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert "Email me a new link" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    resent = client.post(url)
    assert resent.status_code == 200
    assert "new confirmation link is on its way" in resent.content.decode()
    run_queued_tasks()
    assert client.get(path_of(link_in(mail.outbox[0], "confirm"))).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_link_signed_two_days_ago_still_works(client):
    subscriber = Subscriber.objects.sign_up("reader@example.com")
    client.get(f"/newsletter/confirm/{signed_days_ago(subscriber, 2)}/")
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_tampered_links_are_refused(client):
    subscriber = Subscriber.objects.sign_up("reader@example.com")
    token = subscriber.confirmation_url().rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.get(f"/newsletter/confirm/{tampered}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    # A genuine unsubscribe token is not a confirmation token either.
    unsubscribe_token = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(subscriber.key.hex)
    assert client.get(f"/newsletter/confirm/{unsubscribe_token}/").status_code == 400
    assert client.get("/newsletter/unsubscribe/nonsense/").status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_signing_up_again_creates_no_duplicate_and_answers_the_same(client):
    first = sign_up(client, "reader@example.com", htmx=True).content
    again = sign_up(client, "READER@example.com ", htmx=True).content
    assert first == again
    assert Subscriber.objects.count() == 1

    Subscriber.objects.get().confirm()
    mail.outbox.clear()
    confirmed = sign_up(client, "reader@example.com", htmx=True).content
    assert confirmed == first
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    run_queued_tasks()
    # The pending address got its link again; the confirmed one is told it is on the list.
    assert "already subscribed" in mail.outbox[-1].body


def test_database_refuses_a_second_row_for_the_same_address():
    Subscriber.objects.create(email="reader@example.com", consent_version=CONSENT_VERSION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="Reader@Example.com", consent_version=CONSENT_VERSION)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
def test_concurrent_signups_of_one_address_end_with_one_row():
    """Two requests in their own connections, released together; both commit for real."""
    from django_tasks_db.models import DBTaskResult

    barrier = threading.Barrier(2)
    responses = []

    def in_own_connection(work):
        def run():
            try:
                work()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def submit():
        barrier.wait()
        responses.append(sign_up(Client(), "race@example.com", htmx=True))

    def clean_up():
        Subscriber.objects.filter(email="race@example.com").delete()
        DBTaskResult.objects.filter(task_path="editorial.tasks.send_signup_reply").delete()

    try:
        for thread in [in_own_connection(submit), in_own_connection(submit)]:
            thread.join()
        assert [r.status_code for r in responses] == [200, 200]
        assert responses[0].content == responses[1].content
        assert Subscriber.objects.filter(email="race@example.com").count() == 1
    finally:
        # The threads committed outside this test's transaction: remove what they wrote.
        in_own_connection(clean_up).join()


def test_honeypot_gets_the_same_answer_and_nothing_is_stored(client):
    response = sign_up(client, "bot@example.com", website="https://spam.example", htmx=True)
    assert response.status_code == 200
    assert THANKS in response.content.decode()
    assert not Subscriber.objects.exists()
    assert run_queued_tasks() == 0


def test_too_many_signups_for_one_address_get_429(client):
    for _ in range(3):
        assert sign_up(client, "reader@example.com").status_code == 200
    response = sign_up(client, "reader@example.com", htmx=True)
    assert response.status_code == 429
    assert "Too many signup requests" in response.content.decode()


def test_too_many_signups_from_one_client_get_429(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR = 2
    assert sign_up(client, "one@example.com").status_code == 200
    assert sign_up(client, "two@example.com").status_code == 200
    response = sign_up(client, "three@example.com")
    assert response.status_code == 429
    assert "Too many signup requests" in response.content.decode()
    assert not Subscriber.objects.filter(email="three@example.com").exists()


def test_signups_pause_with_503_when_the_rate_limit_store_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = sign_up(client, "reader@example.com", htmx=True)
    assert response.status_code == 503
    assert "Signups are paused" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_unsubscribe_asks_first_then_unsubscribes_idempotently(client):
    subscriber = Subscriber.objects.sign_up("reader@example.com")
    subscriber.confirm()
    url = path_of(subscriber.unsubscribe_url())

    page = client.get(url)
    assert page.status_code == 200
    assert "r…@example.com" in page.content.decode()
    assert '<button type="submit">Unsubscribe</button>' in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    assert "Unsubscribed" in client.post(url).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None

    again = client.post(url)
    assert again.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at == subscriber.unsubscribed_at
    assert "Unsubscribed" in client.get(url).content.decode()


def test_one_click_unsubscribe_post_needs_no_csrf_token():
    subscriber = Subscriber.objects.sign_up("reader@example.com")
    subscriber.confirm()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path_of(subscriber.unsubscribe_url()), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_lifecycle_pending_confirmed_unsubscribed_and_back_through_opt_in(client):
    sign_up(client, "reader@example.com")
    run_queued_tasks()
    client.get(path_of(link_in(mail.outbox[-1], "confirm")))
    client.post(path_of(link_in(mail.outbox[-1], "unsubscribe")))
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    old_confirm_path = path_of(link_in(mail.outbox[-1], "confirm"))

    # The old confirmation link does not undo the unsubscribe.
    assert "unsubscribed after it was sent" in client.get(old_confirm_path).content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

    sign_up(client, "reader@example.com")
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    run_queued_tasks()
    client.get(path_of(link_in(mail.outbox[-1], "confirm")))
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.unsubscribed_at is None
    assert Subscriber.objects.count() == 1


def test_every_list_email_has_both_parts_and_one_click_unsubscribe_headers(client):
    sign_up(client, "reader@example.com")
    run_queued_tasks()
    [message] = mail.outbox
    unsubscribe_url = link_in(message, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in message.alternatives[0].content
    assert "reader@example.com" not in unsubscribe_url
    # As the SMTP backend writes it: the URL unfolded and unencoded, so mail clients can use it.
    raw = message.message(policy=email.policy.SMTP).as_string()
    assert f"List-Unsubscribe: <{unsubscribe_url}>\r\n" in raw


def test_prune_deletes_signups_left_unconfirmed_for_30_days():
    stale = Subscriber.objects.sign_up("stale@example.com")
    Subscriber.objects.filter(pk=stale.pk).update(
        requested_at=timezone.now() - timezone.timedelta(days=31)
    )
    Subscriber.objects.sign_up("fresh@example.com")
    Subscriber.objects.sign_up("kept@example.com").confirm()
    call_command("prune_newsletter", verbosity=0)
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "fresh@example.com",
        "kept@example.com",
    }


def test_newsletter_page_says_what_is_kept(client):
    html = client.get("/newsletter/").content.decode()
    assert 'id="what-we-keep"' in html
    assert 'id="newsletter-page-box"' in html
    assert "We do not store your IP address" in html
