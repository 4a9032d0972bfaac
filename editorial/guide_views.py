"""Buyer guides: the editor writes the verdicts; prices, memory and speeds come live from the
catalog and the estimator, so an editor's price change shows on every guide at once."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from catalog.models import PricePoint
from catalog.offers import Offer
from core import structured_data
from core.caching import cache_public_page
from core.structured_data import page_context
from core.workflow import visible_to
from editorial.models import BuyerGuide, GuidePick
from editorial.shortcodes import References, render_content
from estimator import bridge
from estimator.constants import DEFAULT_CONTEXT_TOKENS

BEST_GPU_SLUG = "best-gpu-for-local-ai"


@dataclass(frozen=True)
class PickRow:
    pick: object  # GuidePick
    verdict: object  # rendered Markdown
    cells: list  # (reference model, bridge.Answer) in the guide's model order
    offers: list = ()  # retailer offers checked in the last 30 days (affiliate links)
    used: object = None  # the latest recorded used-market PricePoint, if any

    @property
    def hardware(self):
        return self.pick.hardware


def _guide_page(request, guide, crumbs, canonical_path=None):
    quant = guide.quant or bridge.default_quant()
    models = list(guide.reference_models.all())
    picks = [p for p in guide.picks.all() if p.hardware.is_published]
    references = References()
    offers = {}
    hardware_ids = [p.hardware_id for p in picks]
    for offer in Offer.objects.fresh().filter(hardware__in=hardware_ids):
        offers.setdefault(offer.hardware_id, []).append(offer)
    used = PricePoint.objects.filter(hardware__in=hardware_ids).latest_used()
    # One call for the whole table, consumed pick by pick in the same order.
    answers = iter(
        bridge.answers(bridge.Question(m, quant, p.hardware) for p in picks for m in models)
    )
    rows = [
        PickRow(
            pick,
            render_content(pick.verdict, references),
            [(m, next(answers)) for m in models],
            offers.get(pick.hardware_id, []),
            used.get(pick.hardware_id),
        )
        for pick in picks
    ]
    context = {
        "guide": guide,
        "intro": render_content(guide.intro, references),
        "body": render_content(guide.body, references),
        "quant": quant,
        "context_tokens": DEFAULT_CONTEXT_TOKENS,
        "models": models,
        "rows": rows,
        "canonical_path": canonical_path,
        **page_context(crumbs, structured_data.article(guide, guide.title, guide.summary)),
    }
    return render(request, "editorial/guide_detail.html", context)


def _guides(request):
    return visible_to(request, BuyerGuide.objects.all()).select_related("reviewer", "quant")


def _with_picks(queryset):
    picks = GuidePick.objects.select_related("hardware__vendor")
    return queryset.prefetch_related(
        "reference_models", "related_terms", Prefetch("picks", queryset=picks)
    )


@cache_public_page
def guide_list(request):
    guides = (
        BuyerGuide.objects.published()
        .select_related("reviewer")
        .annotate(pick_count=Count("picks"))
    )
    context = {"guides": guides, **page_context([("Buyer guides", "/guides/")])}
    return render(request, "editorial/guide_list.html", context)


@cache_public_page
def guide_detail(request, slug):
    guide = get_object_or_404(_with_picks(_guides(request)), slug=slug)
    crumbs = [("Buyer guides", "/guides/"), (guide.title, guide.get_absolute_url())]
    return _guide_page(request, guide, crumbs)


@cache_public_page
def best_gpu(request):
    guide = get_object_or_404(_with_picks(_guides(request)), slug=BEST_GPU_SLUG)
    # The same guide as /guides/<slug>/; search engines should index that one URL.
    crumbs = [("Best GPU", "/best-gpu/")]
    return _guide_page(request, guide, crumbs, canonical_path=guide.get_absolute_url())
