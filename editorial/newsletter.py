"""The monthly digest mailing list: subscribers with double opt-in, digests and their deliveries.

A signup stores a *pending* Subscriber and mails a signed, expiring confirmation link; following
it makes the address *confirmed*; every email carries a signed one-click unsubscribe link
(RFC 8058 headers included) that makes it *unsubscribed*. Sending a digest is a background job
(editorial.tasks.send_digest): each delivery is claimed in the database before its message goes
out, so a re-run after a crash never mails anyone the same digest twice.
"""

import datetime
import email.policy
import re
import uuid
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import models, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

__all__ = ["Subscriber", "Digest", "Delivery"]

# Bump whenever the consent wording in templates/includes/newsletter_signup.html changes, so each
# subscriber's record says which wording they agreed to.
CONSENT_VERSION = "2026-11"
CONFIRMATION_MAX_AGE = datetime.timedelta(days=3)
UNCONFIRMED_KEPT_FOR = datetime.timedelta(days=30)
CONFIRM_SALT = "editorial.newsletter.confirm"
UNSUBSCRIBE_SALT = "editorial.newsletter.unsubscribe"
DIGEST_MAX_BENCHMARKS = 25
SITE_PATH = re.compile(r"/(?!/)\S{0,299}")
# Site-relative links in Markdown and HTML, which an email client cannot resolve.
RELATIVE_HREF = re.compile(r'href="/(?!/)')
RELATIVE_MARKDOWN_LINK = re.compile(r"\]\(/(?!/)")


class TokenInvalid(Exception):
    """A link we did not sign, or one for an address no longer on the list."""


class TokenExpired(TokenInvalid):
    """A genuine confirmation link that is too old; it still says whose it was."""

    def __init__(self, subscriber):
        super().__init__("The confirmation link has expired.")
        self.subscriber = subscriber


def normalise_email(address):
    """The form an address is stored and compared in: no surrounding space, lower case."""
    return address.strip().lower()


def site_path_or_blank(value):
    """A path on this site (as the signup box reports its page), or "" for anything else."""
    value = (value or "").strip()
    return value if SITE_PATH.fullmatch(value) else ""


def absolute_url(path):
    return settings.SITE_URL + path


def for_mail(rendered_html):
    """Rendered Markdown with its site-relative links made absolute for a mail client."""
    return RELATIVE_HREF.sub(f'href="{settings.SITE_URL}/', str(rendered_html))


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def with_address(self, email):
        """Rows whose address matches case-insensitively, as the unique index compares them."""
        return self.alias(address=Lower("email")).filter(address=Lower(models.Value(email)))

    def sign_up(self, email, source_page=""):
        """Record a signup request for a normalised address and return its row.

        A new address becomes pending; an unsubscribed one starts double opt-in again (as does
        a pending one, from now); a confirmed one is left as it is. The insert is ON CONFLICT DO
        NOTHING against the unique index, so concurrent signups of one address end with one row
        and no error.
        """
        now = timezone.now()
        self.bulk_create(
            [
                Subscriber(
                    email=email,
                    source_page=source_page,
                    consent_version=CONSENT_VERSION,
                    created_at=now,
                    requested_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        pending_or_left = [Subscriber.Status.PENDING, Subscriber.Status.UNSUBSCRIBED]
        self.with_address(email).filter(status__in=pending_or_left).update(
            status=Subscriber.Status.PENDING,
            requested_at=now,
            source_page=source_page,
            consent_version=CONSENT_VERSION,
        )
        return self.with_address(email).get()

    def from_token(self, token, salt, max_age=None):
        """The subscriber a signed link names; TokenExpired or TokenInvalid otherwise."""
        signer = signing.TimestampSigner(salt=salt)
        expired = False
        try:
            value = signer.unsign(token, max_age=max_age)
        except signing.SignatureExpired:
            value, expired = signer.unsign(token), True
        except signing.BadSignature as error:
            raise TokenInvalid("The link is not one we sent.") from error
        try:
            subscriber = self.get(key=uuid.UUID(value))
        except (ValueError, Subscriber.DoesNotExist) as error:
            raise TokenInvalid("The address is no longer on the list.") from error
        if expired:
            raise TokenExpired(subscriber)
        return subscriber

    def from_confirmation_token(self, token):
        return self.from_token(token, CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)

    def from_unsubscribe_token(self, token):
        return self.from_token(token, UNSUBSCRIBE_SALT)

    def unconfirmed_and_stale(self):
        """Pending signups nobody confirmed in time: the privacy notice promises to delete them."""
        cutoff = timezone.now() - UNCONFIRMED_KEPT_FOR
        return self.filter(status=Subscriber.Status.PENDING, requested_at__lt=cutoff)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254)
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Signed into the links in emails, so links carry neither the address nor the id.",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    source_page = models.CharField(
        max_length=300, blank=True, help_text="The page whose signup box was used."
    )
    consent_version = models.CharField(
        max_length=20, help_text="Version of the signup wording the visitor agreed to."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="First signup.")
    requested_at = models.DateTimeField(
        default=timezone.now, help_text="Latest signup request; double opt-in runs from here."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_address"),
        ]

    def __str__(self):
        return self.email

    @property
    def masked_email(self):
        """Enough of the address for its owner to recognise it on a page anyone could open."""
        local, _, domain = self.email.partition("@")
        return f"{local[:1]}…@{domain}"

    def confirmation_url(self):
        token = signing.TimestampSigner(salt=CONFIRM_SALT).sign(self.key.hex)
        return absolute_url(reverse("editorial:newsletter_confirm", args=[token]))

    def unsubscribe_url(self):
        token = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(self.key.hex)
        return absolute_url(reverse("editorial:newsletter_unsubscribe", args=[token]))

    def _transition(self, from_statuses, **changes):
        """Change status only from the given ones, in one UPDATE; False when nothing changed."""
        changed = Subscriber.objects.filter(pk=self.pk, status__in=from_statuses).update(**changes)
        self.refresh_from_db(fields=["status", "confirmed_at", "unsubscribed_at"])
        return bool(changed)

    def confirm(self):
        """Pending → confirmed. Idempotent: False when the address was not pending."""
        return self._transition(
            [self.Status.PENDING],
            status=self.Status.CONFIRMED,
            confirmed_at=timezone.now(),
            unsubscribed_at=None,
        )

    def unsubscribe(self):
        """Immediate and idempotent: False when the address had already left."""
        return self._transition(
            [self.Status.PENDING, self.Status.CONFIRMED],
            status=self.Status.UNSUBSCRIBED,
            unsubscribed_at=timezone.now(),
        )

    def signup_reply(self):
        """What a signup request mails: the confirmation link, or (for an address already on
        the list) a note saying so, so the web page can answer the same either way."""
        if self.status == self.Status.PENDING:
            return list_email(
                self,
                "Confirm your RunLocalAI monthly digest subscription",
                "confirm",
                {
                    "confirm_url": self.confirmation_url(),
                    "valid_days": CONFIRMATION_MAX_AGE.days,
                    "kept_days": UNCONFIRMED_KEPT_FOR.days,
                },
            )
        if self.status == self.Status.CONFIRMED:
            return list_email(self, "You are already on the RunLocalAI digest", "already", {})
        return None


class ListEmail(EmailMultiAlternatives):
    """A list message whose List-Unsubscribe header stays one plain line.

    Python folds headers at 78 columns and writes a word longer than that (our unsubscribe URL)
    as RFC 2047 encoded-words, which mail clients do not decode in List-Unsubscribe, so the
    one-click button would be lost. RFC 5322 allows lines of up to 998 characters.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def list_email(subscriber, subject, template, context):
    """One message to one subscriber: plain-text and HTML parts from
    templates/editorial/email/<template>.txt|.html, an unsubscribe link in both, and the
    List-Unsubscribe and List-Unsubscribe-Post headers for one-click unsubscribing (RFC 8058)."""
    unsubscribe_url = subscriber.unsubscribe_url()
    context = {
        **context,
        "subject": subject,
        "unsubscribe_url": unsubscribe_url,
        "site_url": settings.SITE_URL,
        "newsletter_url": absolute_url(reverse("editorial:newsletter")),
    }
    message = ListEmail(
        subject=subject,
        body=render_to_string(f"editorial/email/{template}.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"editorial/email/{template}.html", context), "text/html"
    )
    return message


class DigestQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=Digest.Status.SENT)


class Digest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Queued for sending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    month = models.DateField(unique=True, help_text="Any day of the month; stored as the 1st.")
    subject = models.CharField(
        max_length=200,
        blank=True,
        help_text="Leave blank for “RunLocalAI monthly digest, <month>”.",
    )
    intro = models.TextField(help_text="Markdown written by the editor; shortcodes work.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    body_html = models.TextField(blank=True, editable=False, help_text="Frozen when queued.")
    body_text = models.TextField(blank=True, editable=False, help_text="Frozen when queued.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="digest_month_first_day")
        ]

    def __str__(self):
        return self.subject or self.default_subject()

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        self.subject = self.subject or self.default_subject()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("editorial:newsletter_digest", args=[self.month.year, self.month.month])

    def default_subject(self):
        return f"RunLocalAI monthly digest, {self.month:%B %Y}"

    def month_bounds(self):
        """[start, end) of the digest's month as aware datetimes."""
        start = datetime.datetime.combine(self.month.replace(day=1), datetime.time())
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        return timezone.make_aware(start), timezone.make_aware(end)

    def pulse_entries(self):
        start, end = self.month_bounds()
        return (
            apps.get_model("editorial", "PulseEntry")
            .objects.published()
            .filter(date__gte=start.date(), date__lt=end.date())
            .order_by("date", "title")
        )

    def new_benchmarks(self):
        start, end = self.month_bounds()
        return (
            apps.get_model("catalog", "Benchmark")
            .objects.for_listing()
            .filter(created_at__gte=start, created_at__lt=end)
            .order_by("-created_at", "hardware__name", "model__name")
        )

    def render_body(self):
        """The month's content as (html, text): intro, Pulse entries, new benchmarks."""
        # Imported here: shortcodes reads the catalog's models, which load after this module.
        from editorial.shortcodes import References, expand, render_content

        entries = list(self.pulse_entries())
        refs = References([self.intro, *(entry.summary for entry in entries)])
        benchmarks = list(self.new_benchmarks()[: DIGEST_MAX_BENCHMARKS + 1])
        context = {
            "digest": self,
            "intro_html": for_mail(render_content(self.intro, refs)),
            "intro_text": RELATIVE_MARKDOWN_LINK.sub(
                f"]({settings.SITE_URL}/", expand(self.intro, refs)
            ),
            "entries": [
                {
                    "entry": entry,
                    "url": absolute_url(entry.get_absolute_url()),
                    "summary_html": for_mail(render_content(entry.summary, refs)),
                    "summary_text": expand(entry.summary, refs),
                }
                for entry in entries
            ],
            "benchmarks": [
                {"benchmark": b, "url": absolute_url(b.model.get_absolute_url())}
                for b in benchmarks[:DIGEST_MAX_BENCHMARKS]
            ],
            "more_benchmarks": len(benchmarks) > DIGEST_MAX_BENCHMARKS,
            "benchmarks_url": absolute_url(reverse("catalog:benchmark_list")),
        }
        return (
            render_to_string("editorial/email/digest_body.html", context),
            render_to_string("editorial/email/digest_body.txt", context),
        )

    def body(self):
        """The frozen body once queued (what subscribers got), the live rendering before."""
        if self.body_html:
            return self.body_html, self.body_text
        return self.render_body()

    def message_for(self, subscriber, subject=None):
        body_html, body_text = self.body()
        context = {
            "digest": self,
            "body_html": body_html,
            "body_text": body_text,
            "archive_url": absolute_url(self.get_absolute_url()),
        }
        return list_email(subscriber, subject or self.subject, "digest", context)

    def test_message(self, address):
        """The digest as a subscriber would get it, marked as a test, for an editor's inbox.
        Its unsubscribe link names no one on the list, so following it changes nothing."""
        return self.message_for(Subscriber(email=address), subject=f"[Test] {self.subject}")

    def queue_for_sending(self):
        """Freeze the body and hand the send job to the worker; False unless a draft."""
        from editorial.tasks import send_digest

        with transaction.atomic():
            digest = Digest.objects.select_for_update().get(pk=self.pk)
            if digest.status != self.Status.DRAFT:
                return False
            digest.body_html, digest.body_text = digest.render_body()
            digest.status, digest.queued_at = self.Status.QUEUED, timezone.now()
            digest.save()
            send_digest.enqueue(digest.pk)
        self.refresh_from_db()
        return True

    def send_to_subscribers(self, batch_size):
        """Mail every confirmed subscriber without a delivery of this digest, batch by batch.

        Safe to run again after a crash: a delivery is claimed (queued → claimed, one UPDATE
        that only one worker can win) before its message is handed to the mail server, and
        nothing claimed is ever sent again. Returns a count per delivery status.
        """
        counts = Counter()
        if self.status not in {self.Status.QUEUED, self.Status.SENDING}:
            return counts
        Digest.objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
            status=self.Status.SENDING
        )
        while batch := self._next_batch(batch_size):
            with mailers.default as connection:
                for delivery in batch:
                    counts[delivery.deliver(self, connection)] += 1
        self.status, self.sent_at = self.Status.SENT, timezone.now()
        self.save(update_fields=["status", "sent_at", "updated_at"])
        return counts

    def _next_batch(self, size):
        """Deliveries left queued by an interrupted run first, then newly enlisted ones."""
        queued = self.deliveries.filter(status=Delivery.Status.QUEUED).select_related("subscriber")
        if batch := list(queued[:size]):
            return batch
        waiting = Subscriber.objects.confirmed().exclude(deliveries__digest=self).order_by("pk")
        Delivery.objects.bulk_create(
            [
                Delivery(digest=self, subscriber_id=pk)
                for pk in waiting.values_list("pk", flat=True)[:size]
            ],
            ignore_conflicts=True,
        )
        return list(queued[:size])


class Delivery(models.Model):
    """One digest to one subscriber; the unique pair is what makes sending at most once."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CLAIMED = "claimed", "Claimed (if left so after a crash: outcome unknown, not resent)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (no longer confirmed)"

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["digest", "subscriber"], name="one_delivery_per_digest")
        ]
        indexes = [models.Index(fields=["digest", "status"])]

    def __str__(self):
        return f"{self.digest} → {self.subscriber}"

    def deliver(self, digest, connection):
        """Claim, send, record. Returns the status this delivery ended in."""
        now = timezone.now()
        mine = Delivery.objects.filter(pk=self.pk, status=self.Status.QUEUED)
        if not mine.filter(subscriber__status=Subscriber.Status.CONFIRMED).update(
            status=self.Status.CLAIMED, claimed_at=now
        ):
            skipped = mine.update(status=self.Status.SKIPPED)
            return self.Status.SKIPPED if skipped else "taken"
        claimed = Delivery.objects.filter(pk=self.pk)
        try:
            connection.send_messages([digest.message_for(self.subscriber)])
        except Exception as error:  # a refusal or a timeout: record it and go on with the rest
            claimed.update(status=self.Status.FAILED, error=str(error)[:300])
            return self.Status.FAILED
        claimed.update(status=self.Status.SENT, sent_at=timezone.now())
        return self.Status.SENT
