"""Whole-page caching for anonymous visitors, invalidated whenever an editor saves anything.

Every cached page's key includes a site-wide content version. Saving or deleting any row of a
content app bumps the version, so the next request renders afresh: a changed price shows at once.
The CSRF token of the footer's forms is swapped for a marker before caching and replaced with the
visitor's own token when the page is served, so a cached page never carries someone else's token.
"""

import functools
import hashlib
import re

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

VERSION_KEY = "site:content-version"
PAGE_TIMEOUT_SECONDS = 600
CONTENT_APPS = {"catalog", "estimator", "glossary", "editorial"}
TOKEN_MARKER = "__CSRF_TOKEN_MARKER__"
TOKEN_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CACHED_HEADERS = ["Content-Type", "Content-Disposition", "Content-Language", "Vary", "Link"]


def content_version():
    try:
        return cache.get_or_set(VERSION_KEY, 1, timeout=None)
    except Exception:  # a cache outage must not take pages down
        return None


def bump_content_version(**kwargs):
    sender = kwargs.get("sender")
    if sender is not None and sender._meta.app_label not in CONTENT_APPS:
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
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


def _cache_key(request, version):
    htmx = request.headers.get("HX-Request", "") + "|" + request.headers.get("HX-Target", "")
    raw = f"{request.get_full_path()}|{htmx}".encode()
    return f"page:{version}:{hashlib.sha256(raw).hexdigest()}"


def _etag(body):
    """A validator of the page as cached (token marker included), so it is the same for every
    visitor and a repeat visit can get a 304; the visitor's own token is substituted after."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _restore(entry, request):
    body = entry["body"]
    if TOKEN_MARKER.encode() in body:
        body = body.replace(TOKEN_MARKER.encode(), get_token(request).encode())
    response = HttpResponse(body, status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = _etag(entry["body"])
    response["X-Page-Cache"] = "hit"
    return response


def cache_public_page(view):
    """Cache a GET view's 200 responses for anonymous visitors."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        cacheable = request.method in {"GET", "HEAD"} and not request.user.is_authenticated
        version = content_version() if cacheable else None
        if version is None:
            return view(request, *args, **kwargs)
        key = _cache_key(request, version)
        try:
            entry = cache.get(key)
        except Exception:
            entry = None
        if entry is not None:
            return _restore(entry, request)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            body = TOKEN_FIELD.sub(
                f'name="csrfmiddlewaretoken" value="{TOKEN_MARKER}"'.encode(), response.content
            )
            headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
            try:
                cache.set(
                    key, {"body": body, "status": 200, "headers": headers}, PAGE_TIMEOUT_SECONDS
                )
            except Exception:
                pass
            response["ETag"] = _etag(body)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
