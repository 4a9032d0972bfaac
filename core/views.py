"""Pages that belong to the whole site: search, the sitemap, robots.txt, the favicon and the
error pages."""

import sys

from django.contrib.sitemaps.views import sitemap
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from core import search as site_search
from core import sitemaps
from core.caching import cache_public_page
from core.structured_data import page_context


@cache_public_page
def search(request):
    query = request.GET.get("q", "").strip()[:500]
    groups = site_search.search(query) if query else []
    dropdown = request.htmx and request.htmx.target == "search-dropdown"
    context = {
        "query": query,
        "groups": groups,
        "suggestions": site_search.suggestions(groups) if dropdown else [],
        "total": sum(len(hits) for _kind, hits in groups),
        **page_context([("Search", "/search/")]),
    }
    template = "core/search_dropdown.html" if dropdown else "core/search.html"
    return render(request, template, context)


@require_GET
def sitemap_xml(request):
    return sitemap(request, sitemaps=sitemaps.sections())


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /go/",
        "Disallow: /newsletter/confirm/",
        "Disallow: /newsletter/unsubscribe/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to: send them to the icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """500 page, or 503 while the database is unreachable; both render without the database
    (no RequestContext), since the database may be what failed."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
