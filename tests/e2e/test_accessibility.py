"""axe-core (vendored with axe-playwright-python) on every page type: no serious or critical
violations, at desktop and phone widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import content_factories as make

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = [
    "/",
    "/hardware/",
    "/hardware/rtx-4090/",
    "/models/",
    "/models/llama-3.1-8b/",
    "/tools/",
    "/tools/llama-cpp/",
    "/benchmarks/",
    "/will-it-run/",
    "/will-it-run/?hardware=rtx-4090&model=llama-3.1-8b&quant=Q4_K_M",
    "/will-it-run/?hardware=rtx-4090",
    "/compare/?hw=rtx-4090,rtx-3090",
    "/methodology/",
    "/glossary/",
    "/glossary/test-term/",
    "/errors/",
    "/errors/test-error/",
    "/learn/",
    "/learn/test-article/",
    "/pulse/",
    "/quick-answers/",
    "/search/?q=4090",
    "/contact/",
    "/benchmarks/submit/",
    "/sitemap/",
    "/no-such-page/",
    "/choose-my-gpu/?budget=1500&preset=chat-8b",
    "/cost-vs-cloud/?model=llama-3.1-8b&hardware=rtx-4090",
    "/guides/",
    "/best-gpu/",
    "/newsletter/",
    "/author/catalog-desk/",
    "/trust/",
]


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_no_serious_accessibility_violations(site, page, phone_page):
    make.term()
    make.error()
    make.article()
    problems = {}
    for url in PAGE_TYPES:
        for view in (page, phone_page):
            view.goto(site + url)
            found = serious_violations(view)
            if found:
                problems[f"{url} @ {view.viewport_size['width']}px"] = found
    assert not problems, problems
