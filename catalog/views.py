from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render

from catalog import directory, measured, snapshot
from catalog.filters import (
    BenchmarkFilterForm,
    HardwareFilterForm,
    ModelFilterForm,
    RuntimeFilterForm,
)
from catalog.models import Benchmark, Hardware, Model, PricePoint, QuantFormat, Runtime
from catalog.offers import Offer
from catalog.submissions import BenchmarkSubmissionForm, within_rate_limit
from core import structured_data
from core.caching import cache_public_page
from core.partials import partial_or_page
from core.structured_data import page_context
from core.workflow import visible_to
from estimator import compare as comparing
from estimator.bridge import default_context
from estimator.constants import DEFAULT_CONTEXT_TOKENS, DEFAULT_QUANT_NAME, MAX_CONTEXT_TOKENS
from estimator.matrix import hardware_matrix, model_matrix


@cache_public_page
def home(request):
    counts = {
        "hardware": Hardware.objects.published().count(),
        "models": Model.objects.published().count(),
        "runtimes": Runtime.objects.published().count(),
        "benchmarks": Benchmark.objects.verified().count(),
    }
    context = {
        "counts": counts,
        "featured_hardware": Hardware.objects.for_listing().filter(popular=True)[:8],
        "featured_models": Model.objects.for_listing().filter(popular=True)[:8],
        **page_context([]),
    }
    return render(request, "catalog/home.html", context)


@cache_public_page
def hardware_list(request):
    form = HardwareFilterForm(request.GET or None)
    context = {
        "form": form,
        **directory.hardware_listing(form),
        **page_context([("Hardware", "/hardware/")]),
    }
    return render(request, partial_or_page(request, "catalog/hardware_list.html"), context)


@cache_public_page
def hardware_detail(request, slug):
    hardware, memory_gb = visible_to(request, Hardware.objects.all()).resolve(slug)
    benchmarks = list(
        Benchmark.objects.for_listing()
        .filter(hardware=hardware)
        .order_by("model__name", "quant__name", "gpu_count", "context_tokens")
    )
    offers = list(hardware.offers.fresh())
    prices = list(hardware.prices.all()[:24])
    groups = measured.measured_groups(benchmarks)
    context = {
        "hardware": hardware,
        "shown_item": hardware,
        "memory_gb": memory_gb,
        "selected_slug": slug,
        "benchmarks": benchmarks,
        "measured_groups": groups,
        "chart": measured.measured_chart(hardware.name, groups),
        "matrix": hardware_matrix(hardware, memory_gb),
        "prices": prices,
        "current_prices": PricePoint.latest_by_condition(prices),
        "offers": offers,
        "similar": directory.similar_hardware(hardware),
        **page_context(
            [("Hardware", "/hardware/"), (hardware.name, request.path)],
            structured_data.hardware_product(hardware, offers),
        ),
    }
    return render(request, "catalog/hardware_detail.html", context)


@cache_public_page
def model_list(request):
    form = ModelFilterForm(request.GET or None)
    context = {
        "form": form,
        **directory.model_listing(form),
        **page_context([("Models", "/models/")]),
    }
    return render(request, partial_or_page(request, "catalog/model_list.html"), context)


@cache_public_page
def model_detail(request, slug):
    model = get_object_or_404(
        visible_to(request, Model.objects.select_related("family")), slug=slug
    )
    benchmarks = list(
        Benchmark.objects.for_listing()
        .filter(model=model)
        .order_by("hardware__name", "quant__name", "gpu_count", "context_tokens")
    )
    catalog = snapshot.current()
    quants = [q for q in catalog.quants.values() if q.family == "gguf"]
    text_model = model.modality == "text"
    hardware = list(catalog.hardware.values()) if text_model else []
    minimum_quants = [q for q in quants if q.name in MINIMUM_QUANTS]
    context = {
        "model": model,
        "shown_item": model,
        "benchmarks": benchmarks,
        "sizes": directory.model_sizes(model, quants, model.files.all()),
        "matrix": model_matrix(model, hardware) if text_model else None,
        "minimum": directory.minimum_hardware(model, minimum_quants, hardware)
        if text_model
        else [],
        "minimum_context": default_context(model),
        "runtimes": directory.runtimes_for(model),
        "terms": directory.terms_for(model),
        **page_context([("Models", "/models/"), (model.name, model.get_absolute_url())]),
    }
    return render(request, "catalog/model_detail.html", context)


MINIMUM_QUANTS = {"F16", "Q8_0", "Q4_K_M", "IQ2_XXS"}


@cache_public_page
def runtime_list(request):
    form = RuntimeFilterForm(request.GET or None)
    context = {
        "form": form,
        **directory.runtime_listing(form),
        **page_context([("Tools", "/tools/")]),
    }
    return render(request, partial_or_page(request, "catalog/runtime_list.html"), context)


@cache_public_page
def runtime_detail(request, slug):
    runtime = get_object_or_404(
        visible_to(request, Runtime.objects.all()).prefetch_related(
            "installs", Prefetch("benchmarks", queryset=Benchmark.objects.for_listing())
        ),
        slug=slug,
    )
    context = {
        "runtime": runtime,
        "shown_item": runtime,
        "errors": runtime.errors.published().order_by("title"),
        **page_context(
            [("Tools", "/tools/"), (runtime.name, runtime.get_absolute_url())],
            structured_data.software_application(runtime),
        ),
    }
    return render(request, "catalog/runtime_detail.html", context)


@cache_public_page
def benchmark_list(request):
    form = BenchmarkFilterForm(request.GET or None)
    listing = directory.benchmark_listing(form)
    if request.GET.get("format") == "csv":
        return directory.benchmarks_csv_response(listing["benchmarks"])
    context = {"form": form, **listing, **page_context([("Benchmarks", "/benchmarks/")])}
    return render(request, partial_or_page(request, "catalog/benchmark_list.html"), context)


def submit_benchmark(request):
    form = BenchmarkSubmissionForm(request.POST or None)
    context = {"form": form, "submitted": None, **page_context([("Submit a benchmark", "")])}
    status = 200
    if request.method == "POST":
        if "parse" in request.POST:
            parsed = form.parsed_output()
            form = BenchmarkSubmissionForm(
                initial={
                    **request.POST.dict(),
                    "decode_tok_s": parsed.decode_tok_s,
                    "prefill_tok_s": parsed.prefill_tok_s,
                    "context_tokens": parsed.prompt_tokens or parsed.generated_tokens,
                }
            )
            context.update(form=form, parsed=parsed)
        elif form.is_bot:
            context["submitted"] = True
        elif not form.is_valid():
            status = 400
        elif not within_rate_limit(request):
            form.add_error(None, "Too many submissions from your address; try again in an hour.")
            status = 429
        else:
            context["submitted"] = form.save_submission()
            status = 200 if context["submitted"] else 400
    return render(request, "catalog/submit_benchmark.html", context, status=status)


def offer_redirect(request, pk):
    """Count the click and redirect to the stored retailer URL, never to a URL from the request."""
    offer = get_object_or_404(Offer.objects.fresh(), pk=pk)
    offer.count_click()
    response = HttpResponseRedirect(offer.url)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@cache_public_page
def compare(request):
    slugs = comparing.parse_slugs(request.GET.getlist("hw"))
    notices = []
    try:
        context_tokens = int(request.GET.get("context") or DEFAULT_CONTEXT_TOKENS)
        if not 1 <= context_tokens <= MAX_CONTEXT_TOKENS:
            raise ValueError
    except ValueError:
        notices.append(
            f"Ignored the context length: it must be a whole number of tokens up to "
            f"{MAX_CONTEXT_TOKENS:,}."
        )
        context_tokens = DEFAULT_CONTEXT_TOKENS
    typed = comparing.add_typed(slugs, request.GET.get("add", ""))
    comparison = comparing.build(
        slugs, request.GET.get("quant") or DEFAULT_QUANT_NAME, context_tokens
    )
    comparison.notices[:0] = notices
    kept = [slug for slug, _hw, _gb in comparison.items]
    quant_name = comparison.quant.name
    page_url = comparing.page_url(kept, quant_name, context_tokens)
    if typed and typed.slug and not request.htmx:
        return HttpResponseRedirect(page_url)  # the shareable address, by slugs
    remove_urls = [
        (hw, comparing.page_url([s for s in kept if s != slug], quant_name, context_tokens))
        for slug, hw, _gb in comparison.items
    ]
    context = {
        "comparison": comparison,
        "kept": kept,
        "typed": typed,
        "typed_links": comparing.candidate_links(typed, kept, quant_name, context_tokens),
        "remove_urls": remove_urls,
        "hardware_picks": comparing.picks(snapshot.current()),
        "quant_choices": QuantFormat.objects.published().filter(family="gguf").only("name"),
        **page_context([("Compare hardware", "/compare/")]),
    }
    template = partial_or_page(request, "catalog/compare.html", target="compare-results")
    response = render(request, template, context)
    if typed and typed.slug:
        response["HX-Push-Url"] = page_url
    return response
