"""The directory pages' queries: filters, sorts, pagination, charts and CSV export.

Each listing fetches its rows with one query per table, whatever the number of rows.
"""

from urllib.parse import urlsplit

from django.core.paginator import Paginator
from django.db.models import Case, DecimalField, ExpressionWrapper, F, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.text import Truncator

from catalog.filters import BENCHMARK_SORTS, HARDWARE_SORTS, MODEL_SORTS
from catalog.models import SIZE_CLASSES, Benchmark, Hardware, Model, Runtime
from catalog.resources import BenchmarkResource
from core.charts import horizontal_bar_chart
from estimator import bridge
from estimator.constants import DEFAULT_CONTEXT_TOKENS
from glossary.models import Term

PAGE_SIZE = 60
CHART_MAX_BARS = 40


def _page(rows, form):
    number = form.data.get("page", 1) if form.data else 1
    return Paginator(rows, PAGE_SIZE).get_page(number)


def filtered(rows, form, lookups):
    """Apply each filled-in form field as its queryset lookup ({field name: lookup})."""
    for name, lookup in lookups.items():
        if form.value(name) not in (None, ""):
            rows = rows.filter(**{lookup: form.value(name)})
    return rows


def sorted_by(rows, ordering, *tiebreak):
    """Order by "field" or "-field"; rows without a value come last either way."""
    field = F(ordering.lstrip("-"))
    first = field.desc(nulls_last=True) if ordering.startswith("-") else field.asc(nulls_last=True)
    return rows.order_by(first, *tiebreak)


def hardware_listing(form):
    price = Coalesce("street_price_usd", "launch_msrp_usd")
    rows = Hardware.objects.for_listing().annotate(
        price=price,
        price_per_gb=Case(
            When(
                memory_gb__gt=0,
                then=ExpressionWrapper(
                    price / F("memory_gb"),
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                ),
            ),
            default=None,
        ),
    )
    notices = list(form.notices)
    rows = filtered(
        rows,
        form,
        {
            "vendor": "vendor",
            "kind": "kind",
            "backend": "backend",
            "min_memory": "memory_gb__gte",
            "max_price": "price__lte",
        },
    )

    sort = form.value("sort") or "name"
    ordering = HARDWARE_SORTS[sort][1]
    if ordering:
        rows = sorted_by(rows, ordering, "name")
    rows = list(rows)

    model = None
    slug = form.value("runs_model")
    if slug:
        model = Model.objects.published().filter(slug=slug).first()
        if model is None:
            notices.append(f"Ignored the runs-model filter: no model called {slug!r}.")
    quant = form.value("runs_quant")
    if model:
        quant = quant or bridge.default_quant()
        answers = bridge.answers(bridge.Question(model, quant, hw) for hw in rows)
        for hw, answer in zip(rows, answers, strict=True):
            hw.estimate = answer
        rows = [hw for hw in rows if hw.estimate.verdict == "fits"]
    if sort == "speed":
        if model:
            rows.sort(key=lambda hw: -(hw.estimate.decode_tok_s or 0))
        else:
            notices.append("Sorting by speed needs a model: choose one under “Runs model”.")
    return {
        "page": _page(rows, form),
        "notices": notices,
        "chosen_model": model,
        "chosen_quant": quant if model else None,
        "chosen_context": bridge.default_context(model) if model else None,
        "models": Model.objects.published().filter(modality="text").only("slug", "name"),
    }


def model_listing(form):
    rows = Model.objects.for_listing()
    notices = list(form.notices)
    rows = filtered(
        rows,
        form,
        {
            "family": "family__slug",
            "organisation": "organisation__iexact",
            "architecture": "architecture",
            "modality": "modality",
            "license": "license__icontains",
        },
    )
    if form.value("size"):
        low, high = next((lo, hi) for key, _l, lo, hi in SIZE_CLASSES if key == form.value("size"))
        rows = rows.filter(params_b__gte=low, params_b__lt=high)
    rows = list(sorted_by(rows, MODEL_SORTS[form.value("sort") or "name"][1], "name"))
    hardware = None
    if form.value("fits_on"):
        hardware = Hardware.objects.published().filter(slug=form.value("fits_on")).first()
        if hardware is None:
            notices.append(
                f"Ignored the fits-on filter: no hardware called {form.value('fits_on')!r}."
            )
        else:
            quant = bridge.default_quant()
            answers = bridge.answers(bridge.Question(m, quant, hardware) for m in rows)
            for model, answer in zip(rows, answers, strict=True):
                model.estimate = answer
            rows = [m for m in rows if m.estimate.verdict == "fits"]
    families = {m.family for m in Model.objects.for_listing()}
    return {
        "page": _page(rows, form),
        "notices": notices,
        "fits_hardware": hardware,
        "fits_quant": bridge.default_quant() if hardware else None,
        "fits_context": DEFAULT_CONTEXT_TOKENS,
        "families": sorted(families, key=lambda f: f.name),
        "organisations": sorted({f.organisation for f in families}),
        "hardware_choices": Hardware.objects.published().only("slug", "name"),
    }


def runtime_listing(form):
    # Sorted in Python so "llama.cpp" sits among the Ls whatever the database's collation.
    published = sorted(
        Runtime.objects.published().prefetch_related("installs"), key=lambda r: r.name.casefold()
    )
    rows = published
    # Few rows and JSON list fields: filtering in Python works the same on SQLite and PostgreSQL.
    if form.value("kind"):
        rows = [r for r in rows if r.kind == form.value("kind")]
    if form.value("backend"):
        rows = [r for r in rows if form.value("backend") in r.backends]
    if form.value("os"):
        rows = [r for r in rows if form.value("os") in r.operating_systems]
    if form.value("format"):
        rows = [r for r in rows if form.value("format").lower() in r.formats]
    formats = sorted({fmt for r in published for fmt in r.formats})
    for runtime in rows:
        # With an OS chosen, each card shows the first documented install route for it.
        runtime.card_install = (
            runtime.primary_install(form.value("os")) if form.value("os") else None
        )
    return {"runtimes": rows, "notices": list(form.notices), "formats": formats}


def benchmark_listing(form):
    rows = Benchmark.objects.for_listing()
    lookups = {
        "hardware": "hardware__slug",
        "model": "model__slug",
        "quant": "quant__name",
        "runtime": "runtime__slug",
        "runtime_version": "runtime_version",
        "context": "context_tokens",
        "min_decode": "decode_tok_s__gte",
        "min_prefill": "prefill_tok_s__gte",
        "measured_from": "measured_on__gte",
        "measured_to": "measured_on__lte",
        "source": "source_url",
    }
    rows = filtered(rows, form, lookups)
    # With no sort picked the select shows its first choice, so that is the order used.
    sort = form.value("sort") or next(iter(BENCHMARK_SORTS))
    rows = sorted_by(rows, BENCHMARK_SORTS[sort][1], "hardware__name", "model__name")
    rows = list(rows)
    charted = [b for b in rows if b.decode_tok_s][:CHART_MAX_BARS]
    chart = (
        horizontal_bar_chart(
            "Decode speed by hardware",
            "Measured decode tokens per second for the filtered rows, one bar per measurement.",
            "tokens/s",
            [
                (
                    f"{b.hardware_label} · {b.model.name} {b.quant.name}"
                    f" · {b.context_tokens:,} tokens",
                    b.decode_tok_s,
                    True,
                )
                for b in charted
            ],
            width=900,
            label_width=470,
        )
        if charted
        else None
    )
    choices = (
        Benchmark.objects.published()
        .values_list(
            "hardware__slug",
            "hardware__name",
            "model__slug",
            "model__name",
            "quant__name",
            "runtime__slug",
            "runtime__name",
            "runtime_version",
            "source_url",
        )
        .order_by()
        .distinct()
    )
    options = {
        "hardware": sorted({(c[0], c[1]) for c in choices}, key=lambda c: c[1]),
        "model": sorted({(c[2], c[3]) for c in choices}, key=lambda c: c[1]),
        "quant": sorted({(c[4], c[4]) for c in choices}),
        "runtime": sorted({(c[5], c[6]) for c in choices}),
        "runtime_version": sorted({(c[7], c[7]) for c in choices if c[7]}),
        "source": sorted({(c[8], source_label(c[8])) for c in choices}, key=lambda c: c[1]),
    }
    selects = [
        {
            "name": name,
            "label": form.fields[name].label,
            "options": [(value, label, value == form.value(name)) for value, label in values],
        }
        for name, values in options.items()
    ]
    return {
        "benchmarks": rows,
        "chart": chart,
        "charted_count": len(charted),
        "notices": list(form.notices),
        "selects": selects,
    }


def source_label(url):
    """A short, readable name for a source URL: host and path without the scheme."""
    parts = urlsplit(url)
    return Truncator(f"{parts.netloc.removeprefix('www.')}{parts.path}".rstrip("/")).chars(70)


def benchmarks_csv_response(benchmarks):
    """The listed measurements in the columns of benchmarks.csv (BenchmarkResource), so a
    downloaded file imports back through the admin unchanged."""
    response = HttpResponse(
        BenchmarkResource().export_csv(benchmarks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="runlocalai-benchmarks.csv"'
    return response


def similar_hardware(hw, count=4):
    """The nearest published hardware of a comparable kind by memory, bandwidth and price
    (relative differences, so a 24 GB card's neighbours are other ~24 GB cards)."""
    candidates = Hardware.objects.for_listing().exclude(pk=hw.pk).exclude(memory_gb=None)
    if hw.memory_gb is None:
        return []

    def distance(other):
        score = abs(other.memory_gb - hw.memory_gb) / hw.memory_gb
        score += abs(other.bandwidth_gb_s - hw.bandwidth_gb_s) / hw.bandwidth_gb_s
        if hw.price_usd and other.price_usd:
            score += abs(float(other.price_usd - hw.price_usd)) / float(hw.price_usd)
        else:
            score += 0.5
        return score

    return sorted(candidates, key=lambda other: (distance(other), other.name))[:count]


def model_sizes(model, quants, files):
    """(quant, GB, basis) for each quant: the published file's size when known, else computed."""
    by_quant = {f.quant_id: f for f in files}
    sizes = []
    for quant in quants:
        known = by_quant.get(quant.pk)
        if known and known.size_bytes:
            sizes.append((quant, known.size_bytes / 1e9, "file", known))
        else:
            gb = bridge.weights_gb(model, quant)
            sizes.append((quant, gb, "computed", None))
    return sizes


def minimum_hardware(model, quants, hardware):
    """For each quant, the cheapest published hardware that runs the model entirely in its
    memory at the default context, and the smallest-memory one."""
    hardware = [hw for hw in hardware if hw.memory_gb]
    rows = []
    for quant in quants:
        answers = bridge.answers(bridge.Question(model, quant, hw) for hw in hardware)
        fitting = [a.question.hardware for a in answers if a.verdict == "fits"]
        priced = [hw for hw in fitting if hw.price_usd]
        rows.append(
            {
                "quant": quant,
                "cheapest": min(priced, key=lambda hw: hw.price_usd, default=None),
                "smallest": min(fitting, key=lambda hw: (hw.memory_gb, hw.name), default=None),
            }
        )
    return rows


# Which glossary terms explain a model's architecture, by what it is built from.
TERMS_BY_FEATURE = {
    "always": ["parameters", "quantization", "kv-cache", "context-length"],
    "moe": ["moe", "active-parameters", "expert-offloading"],
    "gqa": ["gqa"],
    "mha": ["mha"],
    "mla": ["mla"],
    "sliding": ["sliding-window-attention"],
    "image": ["diffusion-model"],
    "speech": ["speech-to-text"],
}


def terms_for(model):
    slugs = list(TERMS_BY_FEATURE["always"] if model.modality == "text" else [])
    slugs += TERMS_BY_FEATURE.get(model.attention_kind, [])
    slugs += TERMS_BY_FEATURE["moe"] if model.is_moe else []
    slugs += TERMS_BY_FEATURE.get(model.modality, [])
    return Term.objects.published().filter(slug__in=slugs).only("slug", "name", "abbreviation")


RUNTIME_KINDS_FOR_MODALITY = {
    "text": {"llm_runtime", "ui"},
    "image": {"image"},
    "speech": {"speech"},
}


def runtimes_for(model):
    """Published runtimes that run this kind of model, text runtimes only when they load GGUF
    or safetensors checkpoints (every text model in the catalog ships as both)."""
    kinds = RUNTIME_KINDS_FOR_MODALITY[model.modality]
    runtimes = Runtime.objects.published().filter(kind__in=kinds)
    if model.modality == "text":
        return [r for r in runtimes if {"gguf", "safetensors"} & set(r.formats)]
    return list(runtimes)
