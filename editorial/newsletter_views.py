"""The digest's public pages: signup (footer box, /newsletter/), confirm, unsubscribe, archive."""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.caching import cache_public_page
from core.ratelimit import RateLimitUnavailable, client_ip, hit
from core.structured_data import page_context
from editorial.digest import Digest
from editorial.newsletter import (
    CONFIRMATION_MAX_AGE,
    UNCONFIRMED_KEPT_FOR,
    Subscriber,
    TokenExpired,
    TokenInvalid,
    normalise_email,
    site_path_or_blank,
)
from editorial.tasks import send_signup_reply

FOOTER_BOX = "newsletter-box"
PAGE_BOX = "newsletter-page-box"
RATE_WINDOW_SECONDS = 3600
NEWSLETTER_CRUMB = ("Newsletter", "/newsletter/")


class SignupForm(forms.Form):
    email = forms.EmailField(
        max_length=254, error_messages={"required": "Enter your email address."}
    )
    source_page = forms.CharField(required=False)
    website = forms.CharField(required=False)  # the honeypot: people never see it

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_source_page(self):
        return site_path_or_blank(self.cleaned_data["source_page"])

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


@dataclass
class SignupBox:
    """What the signup box shows: the form (with any errors), or the answer to a request."""

    box_id: str = FOOTER_BOX
    form: SignupForm | None = None
    done: bool = False
    email: str = ""
    problem: str = ""


def within_rate_limit(request, email):
    """Count one request against the client's and the address's hourly allowance."""
    return hit(
        "newsletter-ip",
        client_ip(request),
        settings.NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR,
        RATE_WINDOW_SECONDS,
    ) and hit(
        "newsletter-email",
        email,
        settings.NEWSLETTER_SIGNUPS_PER_ADDRESS_PER_HOUR,
        RATE_WINDOW_SECONDS,
    )


def _signup(request, box_id):
    """Handle a signup POST: (box, status). The answer is the same whether the address was new,
    pending or confirmed, and bots get it too, with nothing stored."""
    form = SignupForm(request.POST)
    box = SignupBox(box_id=box_id, form=form)
    if form.is_bot:
        box.done, box.email = True, normalise_email(request.POST.get("email", ""))[:254]
        return box, 200
    if not form.is_valid():
        return box, 400
    email = form.cleaned_data["email"]
    try:
        allowed = within_rate_limit(request, email)
    except RateLimitUnavailable:
        box.problem = "Signups are paused for a moment. Please try again in a few minutes."
        return box, 503
    if not allowed:
        box.problem = (
            "Too many signup requests from here or for this address in the last hour. "
            "Please try again later."
        )
        return box, 429
    subscriber = Subscriber.objects.sign_up(email, form.cleaned_data["source_page"])
    send_signup_reply.enqueue(subscriber.pk)
    box.done, box.email = True, email
    return box, 200


@require_http_methods(["GET", "HEAD", "POST"])
@cache_public_page
def newsletter(request):
    """The signup page (GET) and where every signup box posts (POST)."""
    status = 200
    box = SignupBox(box_id=PAGE_BOX, form=SignupForm())
    if request.method == "POST":
        target = request.htmx.target if request.htmx else None
        box_id = target if target in {FOOTER_BOX, PAGE_BOX} else PAGE_BOX
        box, status = _signup(request, box_id)
        if request.htmx:
            return render(
                request, "includes/newsletter_signup.html#box", {"signup": box}, status=status
            )
    context = {
        "page_signup": box,
        "latest": Digest.objects.sent().first(),
        "valid_days": CONFIRMATION_MAX_AGE.days,
        "kept_days": UNCONFIRMED_KEPT_FOR.days,
        **page_context([NEWSLETTER_CRUMB]),
    }
    return render(request, "editorial/newsletter/signup.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """Following the emailed link confirms (GET); an expired link offers a new one (POST)."""
    if request.method == "HEAD":  # link checkers in mail systems must not confirm anything
        return HttpResponse()
    status, subscriber = 200, None
    try:
        subscriber = Subscriber.objects.from_confirmation_token(token)
    except TokenExpired as expired:
        subscriber = expired.subscriber
        outcome, status = "expired", 410
        if subscriber.status == Subscriber.Status.PENDING and request.method == "POST":
            outcome, status = _resend(request, subscriber)
        elif subscriber.status == Subscriber.Status.CONFIRMED:
            outcome, status = "already", 200
    except TokenInvalid:
        outcome, status = "invalid", 400
    else:
        if subscriber.confirm():
            outcome = "confirmed"
        elif subscriber.status == Subscriber.Status.CONFIRMED:
            outcome = "already"
        else:
            outcome = "unsubscribed"
    context = {
        "outcome": outcome,
        "subscriber": subscriber,
        "valid_days": CONFIRMATION_MAX_AGE.days,
        "page_signup": SignupBox(box_id=PAGE_BOX, form=SignupForm()),
        **page_context([NEWSLETTER_CRUMB]),
    }
    return render(request, "editorial/newsletter/confirm.html", context, status=status)


def _resend(request, subscriber):
    try:
        allowed = within_rate_limit(request, subscriber.email)
    except RateLimitUnavailable:
        allowed = False
    if not allowed:
        return "resend_limited", 429
    Subscriber.objects.sign_up(subscriber.email, subscriber.source_page)
    send_signup_reply.enqueue(subscriber.pk)
    return "resent", 200


# Mail clients send the RFC 8058 one-click POST without a CSRF token; the signed token in the URL
# is what authorises it, and all it can do is take that one address off the list.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET asks for confirmation with a button; POST (the button, or a mail client's one-click
    request) unsubscribes at once. Both are idempotent."""
    try:
        subscriber = Subscriber.objects.from_unsubscribe_token(token)
    except TokenInvalid:
        subscriber = None
    if request.method == "POST" and subscriber is not None:
        subscriber.unsubscribe()
    context = {
        "subscriber": subscriber,
        "asking": request.method != "POST"
        and subscriber is not None
        and subscriber.status != Subscriber.Status.UNSUBSCRIBED,
        **page_context([NEWSLETTER_CRUMB]),
    }
    status = 400 if subscriber is None else 200
    return render(request, "editorial/newsletter/unsubscribe.html", context, status=status)


@cache_public_page
def archive(request):
    context = {
        "digests": Digest.objects.sent(),
        **page_context([NEWSLETTER_CRUMB, ("Archive", "/newsletter/archive/")]),
    }
    return render(request, "editorial/newsletter/archive.html", context)


@cache_public_page
def digest_detail(request, year, month):
    try:
        first_day = datetime.date(year, month, 1)
    except ValueError as error:
        raise Http404("No such month.") from error
    digest = get_object_or_404(Digest.objects.sent(), month=first_day)
    context = {
        "digest": digest,
        **page_context(
            [
                NEWSLETTER_CRUMB,
                ("Archive", "/newsletter/archive/"),
                (digest.month.strftime("%B %Y"), digest.get_absolute_url()),
            ]
        ),
    }
    return render(request, "editorial/newsletter/digest_detail.html", context)
