"""The monthly digest mailing list: subscribers with double opt-in (digests: editorial.digest).

A signup stores a *pending* Subscriber and mails a signed, expiring confirmation link; following
it makes the address *confirmed*; every email carries a signed one-click unsubscribe link
(RFC 8058 headers included) that makes it *unsubscribed*.
"""

import datetime
import email.policy
import re
import uuid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

__all__ = ["Subscriber"]

# Bump whenever the consent wording in templates/includes/newsletter_signup.html changes, so each
# subscriber's record says which wording they agreed to.
CONSENT_VERSION = "2026-11"
CONFIRMATION_MAX_AGE = datetime.timedelta(days=3)
UNCONFIRMED_KEPT_FOR = datetime.timedelta(days=30)
CONFIRM_SALT = "editorial.newsletter.confirm"
UNSUBSCRIBE_SALT = "editorial.newsletter.unsubscribe"
SITE_PATH = re.compile(r"/(?!/)\S{0,299}")
# Site-relative links in HTML, which an email client cannot resolve.
RELATIVE_HREF = re.compile(r'href="/(?!/)')


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
