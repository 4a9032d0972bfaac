"""Every page type has a query budget, and it holds when the catalog grows by hundreds of rows.

The pages are rows this module builds (a board, a model, a tool, a guide, content pages), so the
budget measures the page, not whatever the shipped catalog happens to hold."""

import pytest
from django.core.cache import cache

from editorial.models import BuyerGuide
from tests import content_factories as make
from tests.factories import (
    BenchmarkFactory,
    HardwareFactory,
    ModelFactory,
    QuantFormatFactory,
    RuntimeFactory,
    RuntimeInstallFactory,
    grow_catalog,
)

pytestmark = pytest.mark.django_db

BUDGETS = {
    "/": 8,
    "/hardware/": 8,
    "/hardware/budget-card/": 11,  # +1: published file sizes (estimator memory)
    "/models/": 8,
    "/models/budget-model/": 11,  # +1: published file sizes (estimator memory)
    "/tools/": 6,
    "/tools/?os=windows": 6,
    "/tools/budget-tool/": 8,
    "/benchmarks/": 6,
    "/benchmarks/?hardware=budget-card&format=csv": 6,
    "/will-it-run/?hardware=budget-card&model=budget-model&quant=Q4_K_M": 10,
    "/compare/?hw=budget-card,budget-card-2,budget-chip-128gb": 10,
    "/choose-my-gpu/?budget=1500&model=budget-model": 10,
    "/cost-vs-cloud/?model=budget-model&hardware=budget-card": 12,
    "/guides/": 6,
    "/best-gpu/": 12,
    "/methodology/": 6,
    "/glossary/": 6,
    "/glossary/budget-term/": 10,
    "/errors/": 6,
    "/errors/budget-error/": 10,
    "/learn/": 6,
    "/learn/budget-article/": 10,
    "/pulse/": 6,
    "/quick-answers/": 6,
    "/quick-answers/budget-answer/": 12,
    "/prompting-kits/": 6,
    # +1: published file sizes (estimator memory); +1: snippets expand shortcodes against the
    # catalog snapshot, which checks its content version once per request.
    "/search/?q=budget+card": 14,
    "/sitemap/": 10,
    "/newsletter/": 6,
}


@pytest.fixture
def budget_rows():
    card = HardwareFactory(slug="budget-card", name="Budget Card")
    HardwareFactory(slug="budget-card-2", name="Budget Card Two")
    HardwareFactory(
        slug="budget-chip", name="Budget Chip", kind="apple_silicon", backend="metal",
        memory_options_gb=[64, 128],
    )  # fmt: skip
    model = ModelFactory(slug="budget-model", name="Budget Model 8B")
    tool = RuntimeFactory(slug="budget-tool", name="Budget Tool")
    for os_name in ("linux", "macos", "windows"):
        RuntimeInstallFactory(runtime=tool, os=os_name)
    quant = QuantFormatFactory(name="Q4_K_M")
    BenchmarkFactory(hardware=card, model=model, quant=quant)
    BuyerGuide.objects.filter(slug="best-gpu-for-local-ai").delete()
    guide = make.BuyerGuideFactory(slug="best-gpu-for-local-ai", quant=quant)
    guide.reference_models.set([model])
    make.GuidePickFactory(guide=guide, hardware=card)
    make.term(slug="budget-term")
    make.error(slug="budget-error")
    make.article(slug="budget-article")
    make.quick_answer(slug="budget-answer")
    return card, model, tool


@pytest.mark.parametrize("url,budget", list(BUDGETS.items()))
def test_query_budget_holds_as_the_catalog_grows(
    client, django_assert_max_num_queries, budget_rows, url, budget
):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, f"{url} must be a real page, not its 404"
    card, model, tool = budget_rows
    grow_catalog(hardware=card, model=model, runtime=tool, rows=100)
    cache.clear()
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
