"""Whole-page caching for anonymous visitors, invalidated whenever an editor saves anything.

Every cached page's key includes a site-wide content version. Saving or deleting any row of a
content app that public pages show bumps the version, so the next request renders afresh: a
changed price shows at once.
The CSRF token of the footer's forms is swapped for a marker before caching and replaced with the
visitor's own token when the page is served, so a cached page never carries someone else's token.
"""

import functools
import hashlib
import re
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from simple_history.models import HistoricalChanges

from core.workflow import Publishable

VERSION_KEY = "site:content-version"
PAGE_TIMEOUT_SECONDS = 600
CONTENT_APPS = {"catalog", "estimator", "glossary", "editorial"}
TOKEN_MARKER = "__CSRF_TOKEN_MARKER__"
TOKEN_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CACHED_HEADERS = [
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Vary",
    "Link",
    "X-Frame-Options",
]
CSRF_SECRET = re.compile(r"^[A-Za-z0-9]{32}$")
# Rows of content apps that no public page shows.
PRIVATE_MODELS = {"editorial.ContactMessage", "editorial.Subscriber", "editorial.Delivery"}


def content_version():
    """The site-wide content version. It starts from the clock, so a version seen before a
    cache flush is never reused afterwards."""
    try:
        return cache.get_or_set(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    except Exception:  # a cache outage must not take pages down
        return None


def shows_on_public_pages(sender, instance=None, created=False, **kwargs):
    """Whether a write to this row can change what a visitor sees. Visitors' own posts (contact
    messages, signups, submissions waiting for review) and history rows change no page, so
    they must not empty the cache: anyone with a few addresses could keep the site cold."""
    if sender._meta.app_label not in CONTENT_APPS or sender._meta.label in PRIVATE_MODELS:
        return False
    if issubclass(sender, HistoricalChanges):
        return False  # written beside the row it records, which is what invalidates
    if created and isinstance(instance, Publishable) and not instance.is_published:
        return False  # a new draft or submission in review is on no public page yet
    return True


def bump_content_version(**kwargs):
    sender = kwargs.get("sender")
    if sender is not None and not shows_on_public_pages(**kwargs):
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    except Exception:
        pass  # with the cache down nothing is cached either, so there is nothing stale


def connect_invalidation():
    for model in apps.get_models():
        if model._meta.app_label in CONTENT_APPS:
            post_save.connect(
                bump_content_version, sender=model, dispatch_uid=f"bump-save-{model._meta.label}"
            )
            post_delete.connect(
                bump_content_version, sender=model, dispatch_uid=f"bump-del-{model._meta.label}"
            )
    m2m_changed.connect(bump_content_version, dispatch_uid="bump-m2m")


def _cache_key(request):
    """One key per URL and HTMX target; the entry records the content version it was built
    at, so the version and the page are read in a single cache round trip."""
    htmx = request.headers.get("HX-Request", "") + "|" + request.headers.get("HX-Target", "")
    raw = f"{request.get_full_path()}|{htmx}".encode()
    return f"page:{hashlib.sha256(raw).hexdigest()}"


def cached_entry(request):
    """(entry or None, current version or None) in one round trip to the cache."""
    key = _cache_key(request)
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception:
        return None, None
    version = found.get(VERSION_KEY) or content_version()
    entry = found.get(key)
    if entry is not None and entry.get("version") == version:
        return entry, version
    return None, version


def _etag(body):
    """A validator of the page as cached (token marker included), so it is the same for every
    visitor and a repeat visit can get a 304; the visitor's own token is substituted after."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _restore(entry, request, token=None):
    body = entry["body"]
    if TOKEN_MARKER.encode() in body:
        token = token or get_token(request)
        body = body.replace(TOKEN_MARKER.encode(), token.encode())
    response = HttpResponse(body, status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = _etag(entry["body"])
    response["X-Page-Cache"] = "hit-view"
    return response


def _visitor_token(request):
    """The visitor's masked CSRF token; a visitor without a (valid) cookie gets a new secret,
    which the response must then set as the cookie."""
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if CSRF_SECRET.match(secret):
        request.META["CSRF_COOKIE"] = secret
        return get_token(request), None
    token = get_token(request)
    return token, request.META["CSRF_COOKIE"]


class PageCacheMiddleware:
    """Serve cached anonymous pages before sessions, auth and the view run at all.

    Pages are stored by @cache_public_page; this only answers hits, for visitors without a
    session cookie (anonymous), and sets the CSRF cookie itself when the visitor has none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in {"GET", "HEAD"}
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            # The host check of CommonMiddleware runs after this; a hit must be refused to an
            # unknown Host exactly as a fresh page is (DisallowedHost becomes a 400).
            request.get_host()
            entry, _version = cached_entry(request)
            if entry is not None:
                return self._serve(entry, request)
        return self.get_response(request)

    @staticmethod
    def _serve(entry, request):
        token, new_secret = _visitor_token(request)
        response = _restore(entry, request, token)
        if new_secret:
            response.set_cookie(
                settings.CSRF_COOKIE_NAME,
                new_secret,
                max_age=settings.CSRF_COOKIE_AGE,
                domain=settings.CSRF_COOKIE_DOMAIN,
                path=settings.CSRF_COOKIE_PATH,
                secure=settings.CSRF_COOKIE_SECURE,
                httponly=settings.CSRF_COOKIE_HTTPONLY,
                samesite=settings.CSRF_COOKIE_SAMESITE,
            )
        patch_vary_headers(response, ("Cookie",))
        response["X-Page-Cache"] = "hit"
        return response


def cache_public_page(view):
    """Cache a GET view's 200 responses for anonymous visitors."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        entry, version = cached_entry(request)
        if entry is not None:
            return _restore(entry, request)
        if version is None:
            return view(request, *args, **kwargs)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            body = TOKEN_FIELD.sub(
                f'name="csrfmiddlewaretoken" value="{TOKEN_MARKER}"'.encode(), response.content
            )
            headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
            try:
                cache.set(
                    _cache_key(request),
                    {"body": body, "status": 200, "headers": headers, "version": version},
                    PAGE_TIMEOUT_SECONDS,
                )
            except Exception:
                pass
            response["ETag"] = _etag(body)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
