"""Monthly digests and their deliveries to the mailing list's confirmed subscribers.

A digest is written by an editor, frozen when queued, and sent by a background job
(editorial.tasks.send_digest): each delivery is claimed in the database before its message goes
out, so a re-run after a crash never mails anyone the same digest twice.
"""

import datetime
import re
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.core.mail import mailers
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from editorial.newsletter import Subscriber, absolute_url, for_mail, list_email
from editorial.shortcodes import References, expand, render_content
from editorial.tasks import send_digest

__all__ = ["Digest", "Delivery"]

DIGEST_MAX_BENCHMARKS = 25
# Site-relative links in Markdown, which an email client cannot resolve.
RELATIVE_MARKDOWN_LINK = re.compile(r"\]\(/(?!/)")


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
        entries = list(self.pulse_entries())
        refs = References()
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
