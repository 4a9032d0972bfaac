"""Two app servers, one PostgreSQL and one Redis: shared state is really shared.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/runlocalai_scale \
        python benchmarks/two_servers.py

Starts gunicorn twice (ports 8771 and 8772) and shows that
1. an editor's price change saved through server A is on server B's cached page at once, and
2. a newsletter rate limit counted on server A is enforced by server B (3 signups an hour
   for one address).
Exits non-zero if either does not hold. Loopback only.
"""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from serving import PYTHON, ROOT, prepare, production_env, start_gunicorn

A, B = "http://127.0.0.1:8771", "http://127.0.0.1:8772"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A tiny cookie-keeping client for Django forms with CSRF. It says it came through an
    HTTPS proxy (X-Forwarded-Proto), as production requests do, so secure cookies apply."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def _send(self, request):
        request.add_header("X-Forwarded-Proto", "https")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode(), dict(response.headers)

    def get(self, url):
        return self._send(urllib.request.Request(url))

    def post(self, url, data, referer):
        body = urllib.parse.urlencode(data).encode()
        secure_referer = referer.replace("http://", "https://")
        status, page, _headers = self._send(
            urllib.request.Request(url, data=body, headers={"Referer": secure_referer})
        )
        return status, page


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def change_price_through(server, price):
    editor = Browser()
    _status, page, _headers = editor.get(f"{server}/admin/login/")
    editor.post(
        f"{server}/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": TOKEN.search(page).group(1),
            "username": "scale-admin",
            "password": "scale-check-password-1",
            "next": "/admin/",
        },
        referer=f"{server}/admin/login/",
    )
    _status, page, _headers = editor.get(f"{server}/admin/catalog/hardware/?q=rtx-4090")
    row_id = re.search(r'name="form-0-id" value="(\d+)"', page).group(1)
    status, _page = editor.post(
        f"{server}/admin/catalog/hardware/?q=rtx-4090",
        {
            "csrfmiddlewaretoken": TOKEN.search(page).group(1),
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": row_id,
            "form-0-street_price_usd": str(price),
            "_save": "Save",
        },
        referer=f"{server}/admin/catalog/hardware/",
    )
    return status


def main():
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be migrated and seeded).")
    env = production_env(
        database_url,
        redis_url="redis://127.0.0.1:6379/14",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    prepare(env)
    subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], check=True, stdout=subprocess.DEVNULL)
    create_admin = (
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        "U.objects.filter(username='scale-admin').exists() or "
        "U.objects.create_superuser('scale-admin', 'a@example.com', 'scale-check-password-1')"
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", create_admin],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    servers = [start_gunicorn(env, 8771, workers=2), start_gunicorn(env, 8772, workers=2)]
    failures = []
    try:
        visitor = Browser()
        visitor.get(f"{B}/hardware/rtx-4090/")
        _s, _p, headers = visitor.get(f"{B}/hardware/rtx-4090/")
        print(
            f"B serves the hardware page from its cache: X-Page-Cache={headers.get('X-Page-Cache')}"
        )
        price = 1000 + int(time.time()) % 997  # differs from run to run
        status = change_price_through(A, price)
        _s, page, headers = visitor.get(f"{B}/hardware/rtx-4090/")
        seen = f"${price:,}" in page  # the page groups thousands: $1,163
        print(
            f"Price changed to ${price} through A (HTTP {status}); B shows it: {seen} "
            f"(X-Page-Cache={headers.get('X-Page-Cache')})"
        )
        failures += [] if seen else ["cache invalidation not seen on B"]

        sender = Browser()
        statuses = []
        for attempt in range(4):
            server = A if attempt < 3 else B
            _s, page, _h = sender.get(f"{server}/newsletter/")
            status, _body = sender.post(
                f"{server}/newsletter/",
                {
                    "csrfmiddlewaretoken": TOKEN.search(page).group(1),
                    "email": "scale-check@example.com",
                    "source_page": "/",
                },
                referer=f"{server}/newsletter/",
            )
            statuses.append((server[-4:], status))
        print(f"Newsletter signups for one address (port, status): {statuses}")
        limited = statuses[-1][1] == 429
        print(f"Fourth signup, sent to B after three through A, is refused with 429: {limited}")
        failures += [] if limited else ["rate limit not shared"]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("Shared state holds across both servers.")


if __name__ == "__main__":
    main()
