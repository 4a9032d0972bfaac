"""Reject input no page can use before any view sees it."""

from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.loader import render_to_string


class RejectNullBytesMiddleware:
    """A NUL byte in a query or form value is never meaningful, and PostgreSQL refuses it in
    text, so such requests get a clear 400 instead of reaching a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for params in sources:
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    body = render_to_string("400.html", {"reason": "contains a null character"})
                    return HttpResponseBadRequest(body)
        return self.get_response(request)


class RejectUnknownMethodsMiddleware:
    """Only the methods some page answers reach the site; TRACE, PUT, DELETE and made-up
    methods get 405 with the allowed list, before any cache or view."""

    ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)
