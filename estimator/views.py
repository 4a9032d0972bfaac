import json
import re

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog import snapshot
from core.caching import cache_public_page
from core.partials import partial_or_page
from core.structured_data import page_context
from estimator import bridge, runs_on
from estimator.constants import DEFAULT_PROMPT_TOKENS
from estimator.forms import RUNTIMES, ApiEstimateForm, EstimateForm
from estimator.methodology import methodology_context
from estimator.specs import UNIFIED_MEMORY_KINDS


def natural_key(name):
    """Sorts names with their numbers in order: "Gemma 3 4B" before "Gemma 3 12B"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _choices(selected=""):
    """The form's options, from the catalog snapshot the answer reads anyway (no queries):
    every memory configuration of a machine is an option of its own."""
    catalog = snapshot.current()
    hardware = []
    for hw in sorted(catalog.hardware.values(), key=lambda hw: natural_key(hw.name)):
        unified = hw.kind in UNIFIED_MEMORY_KINDS
        # A Mac or APU is bought by its memory: name it even where one size is sold.
        single = hw.memory_gb if unified and hw.memory_gb else None
        variants = hw.memory_variants or [(hw.slug, single)]
        for value, memory_gb in variants:
            label = f"{hw.name} · {memory_gb:g} GB" if memory_gb else hw.name
            # A link naming the machine without a size asks about its catalog memory.
            chosen = value == selected or (selected == hw.slug and memory_gb == hw.memory_gb)
            hardware.append(
                {"value": value, "label": label, "unified": unified, "selected": chosen}
            )
    return {
        "hardware_choices": hardware,
        "unified_selected": any(c["unified"] and c["selected"] for c in hardware),
        "default_prompt_tokens": DEFAULT_PROMPT_TOKENS,
        "model_choices": sorted(catalog.models.values(), key=lambda m: natural_key(m.name)),
        "quant_choices": list(catalog.quants.values()),
    }


# Before a list is on show, the Sort select offers every order, for either kind of list.
ANY_LIST_DEFAULT_LABEL = "Default order"


def sort_options(form, listing):
    """(value, label, selected) for the Sort select: the orders of the list on show, its
    default first under the blank value (so the select names the order the list is in, and a
    shared link stays short); every order when no list is shown."""
    if listing is None:
        chosen = form.data.get("sort", "") if form.is_bound else ""
        orders = {"": ANY_LIST_DEFAULT_LABEL, **runs_on.MODEL_SORTS, **runs_on.HARDWARE_SORTS}
        return [(value, label, value == chosen) for value, label in orders.items()]
    default = next(iter(listing.sorts))
    return [
        ("" if value == default else value, label, value == listing.sort)
        for value, label in listing.sorts.items()
    ]


def _missing_side(form):
    if not form.has_model:
        return {"error": "Give a model slug, or its size as params_b.", "field": "model"}
    return {
        "error": "Give a hardware slug, gpus, or raw specs (memory_gb, bandwidth_gb_s, "
        "hardware_kind).",
        "field": "hardware",
    }


@require_GET
@cache_public_page
def will_it_run(request):
    """GET form: both sides give the answer; hardware or model alone the list of what runs;
    nothing the empty form; bad input a 400 with inline errors."""
    form = EstimateForm(request.GET or None)
    answer = listing = machine = None
    status = 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif form.mode == "answer":
            answer = bridge.answer(form.question())
            machine = runs_on.machine_name(form.question_options())
        elif form.mode != "empty":
            listing = form.listing()
    context = {
        "form": form,
        "answer": answer,
        "listing": listing,
        "machine": machine,  # as named: "2× GeForce RTX 4090", "Apple M2 · 16 GB"
        "runtimes": RUNTIMES,
        "sort_options": sort_options(form, listing),
        **_choices(request.GET.get("hardware", "")),
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
    if form.mode != "answer":
        return JsonResponse(_missing_side(form), status=400)
    return JsonResponse(bridge.answer(form.question()).as_dict())


@require_GET
def api_runs_on(request):
    """GET /api/v1/runs-on — what runs on some hardware (or what a model runs on), as the page
    lists it; errors are 400s."""
    form = ApiEstimateForm(request.GET)
    if not form.is_valid():
        return JsonResponse(form.error_payload(), status=400)
    problem = runs_on_problem(form)
    if problem:
        return JsonResponse(problem, status=400)
    return JsonResponse(form.listing().as_dict())


def runs_on_problem(form):
    """Why a valid form still asks no runs-on question, as the API's error body (or None)."""
    if form.mode == "answer":
        return {
            "error": "Give hardware or a model, not both; /api/v1/estimate answers for a pair.",
            "field": None,
        }
    if form.mode == "empty":
        return {"error": "Give hardware (a slug, gpus or raw specs) or a model.", "field": None}
    if form.cleaned_data.get("raw_model"):
        return {
            "error": "runs-on lists hardware for a catalog model: give its slug.",
            "field": "model",
        }
    return None


@cache_public_page
def methodology(request):
    context = {**methodology_context(), **page_context([("Methodology", "/methodology/")])}
    return render(request, "estimator/methodology.html", context)


def calibration_json(request):
    """The stored calibration, for anyone who wants to check our factors."""
    calibration, run = bridge.current_calibration()
    body = {"calibration": calibration.to_dict(), "run": run.pk if run else None}
    return JsonResponse(json.loads(json.dumps(body, default=str)))
