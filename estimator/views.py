import json

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.models import Hardware, Model, QuantFormat
from core.caching import cache_public_page
from core.partials import partial_or_page
from core.structured_data import page_context
from estimator import bridge
from estimator.forms import RUNTIMES, ApiEstimateForm, EstimateForm
from estimator.methodology import methodology_context


def _choices():
    return {
        "hardware_choices": Hardware.objects.published().only(
            "slug", "name", "memory_options_gb", "memory_gb"
        ),
        "model_choices": Model.objects.published().only("slug", "name", "modality"),
        "quant_choices": QuantFormat.objects.published().only("name", "family"),
    }


@require_GET
@cache_public_page
def will_it_run(request):
    """GET form: no query shows the form; a valid query the answer; bad input a 400."""
    form = EstimateForm(request.GET or None)
    answer, status = None, 200
    if request.GET:
        if form.is_valid():
            answer = bridge.answer(form.question())
        else:
            status = 400
    context = {
        "form": form,
        "answer": answer,
        "runtimes": RUNTIMES,
        **_choices(),
        **page_context([("Will it run?", "/will-it-run/")]),
    }
    template = partial_or_page(request, "estimator/will_it_run.html", "result", "result")
    return render(request, template, context, status=status)


@require_GET
def api_estimate(request):
    """GET /api/v1/estimate — the same answer as the page, as JSON; errors are 400s."""
    form = ApiEstimateForm(request.GET)
    if not form.is_valid():
        return JsonResponse(form.error_payload(), status=400)
    return JsonResponse(bridge.answer(form.question()).as_dict())


@cache_public_page
def methodology(request):
    context = {**methodology_context(), **page_context([("Methodology", "/methodology/")])}
    return render(request, "estimator/methodology.html", context)


def calibration_json(request):
    """The stored calibration, for anyone who wants to check our factors."""
    calibration, run = bridge.current_calibration()
    body = {"calibration": calibration.to_dict(), "run": run.pk if run else None}
    return JsonResponse(json.loads(json.dumps(body, default=str)))
