"""Every internal link of the seeded site answers: a breadth-first crawl from the home page and
the sitemap, failing with the list of links that answer 4xx or 5xx (and the page linking them).
The files pages load (stylesheets, scripts, the favicon) must answer too.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.django_db

# Not pages to crawl: the admin, outbound offer redirects (they leave the site), sign-out
# style links, and static assets (whitenoise serves those, not the views).
SKIPPED_PREFIXES = ("/admin/", "/go/", "/static/", "/media/")
SKIPPED_WORDS = ("logout", "log-out", "signout", "sign-out", "unsubscribe")
# Full answers linked from the runs-on lists are checked until every hardware, model and quant
# they name has answered once (see crawl).
# A guard against an endless link space (say a calendar linking ever further months); the crawl
# fails if it is reached, so a real site that big shows up rather than passing unchecked.
MAX_URLS = 6000


class LinkParser(HTMLParser):
    """The pages a page links to, and the files it loads (stylesheets, scripts, its icon)."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("href"):
            if attrs.get("rel") in ("next", "prev", "alternate"):
                self.links.append(attrs["href"])
            elif attrs.get("rel") in ("stylesheet", "icon"):
                self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])


def internal(url, base, host):
    """The path and query of an internal link to crawl, or None."""
    url, _ = urldefrag(urljoin(base, url.strip()))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or (parts.netloc and parts.netloc != host):
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or any(w in path.lower() for w in SKIPPED_WORDS):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def sitemap_paths(client, host):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    locs = [el.text for el in root.iter() if el.tag.endswith("loc") and el.text]
    found = [internal(loc, "http://testserver/", urlsplit(loc).netloc) for loc in locs]
    return [path for path in found if path]


def answer_keys(path):
    """A full Will it run? answer's (hardware, model, quant), or None for any other page."""
    parts = urlsplit(path)
    if parts.path != "/will-it-run/":
        return None
    query = parse_qs(parts.query)
    if not query.get("hardware") or not query.get("model"):
        return None
    return {
        ("hardware", query["hardware"][0]),
        ("model", query["model"][0]),
        ("quant", query.get("quant", [""])[0]),
    }


def crawl(client):
    host = "testserver"
    start = ["/", *sitemap_paths(client, host)]
    queue = deque((path, "(start)") for path in start)
    seen = set(start)
    answered = set()
    assets = {}  # a file a page loads -> the first page that loads it
    failures, checked = [], 0
    while queue:
        path, referrer = queue.popleft()
        keys = answer_keys(path)
        if keys is not None:
            # The runs-on lists link a full answer for every machine x model pair (thousands,
            # all rendered by one view): check each until every hardware, model and quant
            # linked has been answered at least once.
            if keys <= answered:
                continue
            answered |= keys
        response = client.get(path)
        checked += 1
        if response.status_code >= 400:
            failures.append(f"{response.status_code} {path}  (linked from {referrer})")
            continue
        links = []
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif "html" in response.get("Content-Type", ""):
            parser = LinkParser()
            parser.feed(response.content.decode(errors="replace"))
            links = parser.links
            for asset in parser.assets:
                assets.setdefault(urlsplit(urljoin(f"http://{host}{path}", asset)).path, path)
        for link in links:
            target = internal(link, f"http://{host}{path}", host)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, path))
        assert checked <= MAX_URLS, f"more than {MAX_URLS} pages crawled; is a link space endless?"
    for asset, referrer in sorted(assets.items()):
        response = client.get(asset)
        if response.status_code != 200:
            failures.append(f"{response.status_code} {asset}  (loaded by {referrer})")
    return checked, sorted(assets), failures


def test_every_internal_link_answers(client):
    checked, assets, failures = crawl(client)
    print(f"crawled {checked} internal URLs and {len(assets)} files, {len(failures)} failing")
    print("\n".join(failures))
    assert checked > 300
    assert {"/static/css/site.css", "/static/img/favicon.svg", "/static/js/htmx.min.js"} <= set(
        assets
    )
    assert not failures, f"{len(failures)} of {checked} links fail:\n" + "\n".join(failures)
