"""Every page type has a query budget, and it holds when the catalog is ten times larger."""

import pytest

from tests.test_catalog_pages import duplicate_catalog

pytestmark = pytest.mark.django_db

BUDGETS = {
    "/": 8,
    "/hardware/": 8,
    "/hardware/rtx-4090/": 10,
    "/models/": 8,
    "/models/llama-3.1-8b/": 10,
    "/tools/": 6,
    "/tools/?os=windows": 6,
    "/tools/llama-cpp/": 8,
    "/benchmarks/": 6,
    "/benchmarks/?hardware=rtx-4090&format=csv": 6,
    "/will-it-run/?hardware=rtx-4090&model=llama-3.1-8b&quant=Q4_K_M": 10,
    "/compare/?hw=rtx-4090,rtx-3090,apple-m4-max-40c-128gb": 10,
    "/choose-my-gpu/?budget=1500&preset=chat-8b": 10,
    "/cost-vs-cloud/?model=llama-3.1-8b&hardware=rtx-4090": 12,
    "/guides/": 6,
    "/best-gpu/": 12,
    "/methodology/": 6,
    "/glossary/": 6,
    "/glossary/vram/": 10,
    "/errors/": 6,
    "/errors/cuda-out-of-memory/": 10,
    "/learn/": 6,
    "/learn/vram-math/": 10,
    "/pulse/": 6,
    "/quick-answers/": 6,
    "/quick-answers/can-rtx-4090-run-70b/": 12,
    "/prompting-kits/": 6,
    "/search/?q=rtx+4090": 12,
    "/sitemap/": 10,
    "/newsletter/": 6,
}


@pytest.mark.parametrize("url,budget", list(BUDGETS.items()))
def test_query_budget_holds_at_ten_times_the_catalog(
    client, django_assert_max_num_queries, url, budget
):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, f"{url} must be a real page, not its 404"
    duplicate_catalog(times=9)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == response.status_code
