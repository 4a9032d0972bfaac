from django.db.models import Count, Prefetch
from django.http import HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader

from catalog.models import Benchmark, Hardware, Model, QuantFormat, Runtime


def home(request):
    counts = {
        "hardware": Hardware.objects.published().count(),
        "models": Model.objects.published().count(),
        "runtimes": Runtime.objects.published().count(),
        "benchmarks": Benchmark.objects.verified().count(),
    }
    featured_hardware = Hardware.objects.for_listing().filter(popular=True)[:8]
    featured_models = Model.objects.for_listing().filter(popular=True)[:8]
    return render(
        request,
        "catalog/home.html",
        {
            "counts": counts,
            "featured_hardware": featured_hardware,
            "featured_models": featured_models,
        },
    )


def hardware_list(request):
    hardware = Hardware.objects.for_listing().annotate(benchmark_count=Count("benchmarks"))
    return render(request, "catalog/hardware_list.html", {"hardware_list": hardware})


def hardware_detail(request, slug):
    hardware, memory_gb = Hardware.objects.published().resolve(slug)
    benchmarks = (
        Benchmark.objects.for_listing()
        .filter(hardware=hardware)
        .order_by("model__name", "quant__name", "gpu_count", "context_tokens")
    )
    return render(
        request,
        "catalog/hardware_detail.html",
        {"hardware": hardware, "memory_gb": memory_gb, "benchmarks": benchmarks},
    )


def model_list(request):
    models = Model.objects.for_listing()
    return render(request, "catalog/model_list.html", {"model_list": models})


def model_detail(request, slug):
    model = get_object_or_404(Model.objects.for_listing(), slug=slug)
    benchmarks = (
        Benchmark.objects.for_listing()
        .filter(model=model)
        .order_by("hardware__name", "quant__name", "gpu_count", "context_tokens")
    )
    quants = QuantFormat.objects.published()
    return render(
        request,
        "catalog/model_detail.html",
        {"model": model, "benchmarks": benchmarks, "quants": quants},
    )


def runtime_list(request):
    runtimes = Runtime.objects.published()
    return render(request, "catalog/runtime_list.html", {"runtimes": runtimes})


def runtime_detail(request, slug):
    runtime = get_object_or_404(
        Runtime.objects.published().prefetch_related(
            Prefetch("benchmarks", queryset=Benchmark.objects.for_listing())
        ),
        slug=slug,
    )
    return render(request, "catalog/runtime_detail.html", {"runtime": runtime})


def benchmark_list(request):
    benchmarks = Benchmark.objects.for_listing().order_by(
        "model__name", "quant__name", "hardware__name", "gpu_count", "context_tokens"
    )
    return render(request, "catalog/benchmark_list.html", {"benchmarks": benchmarks})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a RequestContext or the database: the error may be the database itself.
    return HttpResponseServerError(loader.get_template("500.html").render())
