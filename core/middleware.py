"""Requests refused before (or instead of) the view: input no page can use, methods no page
answers, and forms that must pause."""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.loader import render_to_string

from core.ratelimit import RateLimitUnavailable


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


class FormPausedMiddleware:
    """A rate-limited form whose counter cannot be reached fails closed: the visitor gets a 503
    saying the form is paused, not a 500 or a misleading "too many messages"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimitUnavailable):
            body = render_to_string("form_paused.html", request=request)
            response = HttpResponse(body, status=503)
            response["Retry-After"] = "60"
            return response
        return None
