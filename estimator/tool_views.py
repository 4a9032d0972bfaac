"""Buyer tools: Choose my GPU and Cost vs cloud.

Both are GET forms whose answer depends only on the URL and the catalog, so they are cached
like any public page (an editor's save invalidates them). The ranking itself is pure
(estimator/choose.py) and the cost arithmetic too (estimator/costs.py); this module turns
catalog rows into their inputs and their outputs into what the templates show.
"""

import math
from dataclasses import dataclass, replace

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog import snapshot
from catalog.models import ApiPrice, CloudOffer, PricePoint
from core.caching import cache_public_page
from core.partials import partial_or_page
from core.structured_data import page_context
from estimator import bridge, choose, cost_chart, costs
from estimator.tool_forms import PRESETS, ChooseGpuForm, CostForm

# --- Choose my GPU ------------------------------------------------------------------------


def _price(hw, used):
    """(price, basis, date, source URL, seller) choose() ranks a card at: its latest recorded
    used-market price when used is allowed and that is below the new price, else the new one."""
    new_price = float(hw.price_usd) if hw.price_usd else None
    if used is not None and (new_price is None or float(used.price_usd) < new_price):
        return float(used.price_usd), "used", used.observed_on, used.source_url, used.retailer
    if hw.price_basis == "street":
        return new_price, "street", hw.street_price_date, hw.street_price_source_url, ""
    return new_price, hw.price_basis, None, "", ""


def _stale(hw, used, basis):
    """Whether the price ranked is past the catalog's freshness rule (PricePoint.is_stale)."""
    if basis == "used":
        return used.is_stale
    return basis == "street" and hw.street_price_is_stale


def _candidates(catalog, used_prices=None):
    """Every published piece of hardware as choose() sees it; specs built once per request.
    used_prices: {hardware id: PricePoint} when the visitor allows used cards, else None."""
    candidates = []
    for hw in catalog.hardware.values():
        used = used_prices.get(hw.pk) if used_prices is not None else None
        price, basis, date, source_url, seller = _price(hw, used)
        candidates.append(
            choose.Candidate(
                slug=hw.slug,
                name=hw.name,
                kind=hw.kind,
                vendor=hw.vendor.slug,
                spec=bridge.spec_for(hw),
                price_usd=price,
                price_basis=basis,
                price_date=date,
                price_source_url=source_url,
                price_seller=seller,
                used_price_missing=used_prices is not None and used is None,
                price_stale=_stale(hw, used, basis),
                tdp_w=hw.tdp_w,
                launch_year=hw.launch_year,
                memory_gb=hw.memory_gb,
                laptop_gpu=hw.is_laptop_gpu,
            )
        )
    return candidates


def quant_ladder(catalog, floor=""):
    pairs = [(bridge.spec_for(q), q.ppl_delta_llama3_8b) for q in catalog.quants.values()]
    return choose.quant_ladder(pairs, floor)


def choice_for(data):
    """Run choose() for a valid form's cleaned_data."""
    catalog = snapshot.current()
    needs = choose.Needs(
        budget_usd=float(data["budget"]),
        models=tuple(
            choose.Wanted(
                m.slug,
                m.name,
                bridge.spec_for(m),
                bridge.published_sizes(m, catalog.quants.values()),
            )
            for m in data["models"]
        ),
        min_tok_s=data["min_tok_s"],
        context_tokens=data["context"],
        platform=data["platform"],
        form_factor=data["form_factor"],
        used_allowed=data["used_allowed"],
        max_gpus=data["max_gpus"],
        sort=data["sort"],
        current_year=timezone.now().year,
    )
    used_prices = PricePoint.objects.latest_used() if data["used_allowed"] else None
    return choose.choose(
        _candidates(catalog, used_prices),
        needs,
        quant_ladder(catalog, data["quant_floor"]),
        bridge.current_calibration()[0],
        bridge.decode_lookup(catalog, data["context"]),
    )


@require_GET
@cache_public_page
def choose_my_gpu(request):
    """No query shows the form; a valid query the ranking; bad input a 400 with the errors."""
    catalog = snapshot.current()
    ladder = quant_ladder(catalog)
    form = ChooseGpuForm(request.GET or None, ladder_names=[q.name for q in ladder])
    choice, status = None, 200
    if request.GET:
        if form.is_valid():
            choice = choice_for(form.cleaned_data)
        else:
            status = 400
    context = {
        "form": form,
        "choice": choice,
        "presets": [
            (label, [catalog.models[s].name for s in slugs if s in catalog.models])
            for label, slugs in PRESETS.values()
        ],
        "ladder": ladder,
        "new_since_year": timezone.now().year - choose.NEW_WITHIN_YEARS,
        **page_context([("Choose my GPU", "/choose-my-gpu/")]),
    }
    template = partial_or_page(request, "estimator/choose_my_gpu.html")
    return render(request, template, context, status=status)


# --- Cost vs cloud ------------------------------------------------------------------------

HORIZON_MONTHS = 120


@dataclass(frozen=True)
class Local:
    """The estimator's answer for one machine: its verdict and single-stream throughput."""

    result: bridge.Answer

    @property
    def runs(self):
        return self.result.verdict != "does_not_fit" and self.result.decode is not None

    @property
    def throughput(self):
        return costs.Throughput(self.result.prefill.value, self.result.decode.value)


@dataclass(frozen=True)
class Row:
    """One way to get the tokens, as the table shows it."""

    kind: str  # Buy | Rent | API
    label: str
    cost: costs.OptionCost
    local: Local | None = None
    source_url: str = ""
    checked_on: object = None
    comparable: str = ""  # API prices of a similar model when the chosen one has none
    break_even: int | None = None


def _local(hw, model, quant, catalog, calibration, gpu_count=1):
    question = bridge.Question(model, quant, hw, gpu_count=gpu_count)
    return Local(bridge.answer(question, catalog=catalog, calibration=calibration))


def _api_prices(model):
    """API prices for the model, else for the priced model nearest in size (labelled)."""
    prices = list(ApiPrice.objects.select_related("model"))
    own = [p for p in prices if p.model_id == model.pk]
    if own or not prices:
        return own, ""
    nearest = min(prices, key=lambda p: abs(math.log(p.model.params_b / model.params_b)))
    return [p for p in prices if p.model_id == nearest.model_id], nearest.model.name


def compare(data):
    """Buy, rent and API costs for a valid CostForm's cleaned_data."""
    catalog = snapshot.current()
    calibration = bridge.current_calibration()
    hw, model, quant = data["hardware"], data["model"], data["quant"]
    usage = costs.Usage(data["input_m"] * costs.MILLION, data["output_m"] * costs.MILLION)
    local = _local(hw, model, quant, catalog, calibration)
    owned = costs.OwnedHardware(
        purchase_usd=data["purchase_usd"],
        load_watts=data["load_watts"],
        idle_watts=data["idle_watts"],
        hours_on_per_day=data["hours_per_day"],
        years_of_use=data["years"],
        resale_usd=data["purchase_usd"] * data["resale_percent"] / 100,
        electricity_usd_per_kwh=data["electricity"],
    )
    buy = (
        Row("Buy", hw.name, costs.buy_cost(owned, local.throughput, usage), local)
        if local.runs
        else None
    )
    minimum = data["hours_per_day"] * costs.DAYS_PER_MONTH if data["pattern"] == "same_hours" else 0
    rents, too_small = [], []
    for offer in CloudOffer.objects.select_related("hardware"):
        rented = _local(offer.hardware, model, quant, catalog, calibration, offer.gpu_count)
        if not rented.runs or rented.result.verdict != "fits":
            too_small.append(offer)
            continue
        cost = costs.rent_cost(float(offer.usd_per_hour), rented.throughput, usage, minimum)
        rents.append(Row("Rent", str(offer), cost, rented, offer.source_url, offer.checked_on))
    api_prices, comparable = _api_prices(model)
    apis = [
        Row(
            "API",
            f"{p.provider}: {p.model.name}",
            costs.api_cost(float(p.input_usd_per_m), float(p.output_usd_per_m), usage),
            source_url=p.source_url,
            checked_on=p.checked_on,
            comparable=comparable,
        )
        for p in api_prices
    ]
    rents.sort(key=lambda row: row.cost.monthly_usd)
    apis.sort(key=lambda row: row.cost.monthly_usd)
    if buy:
        rents = [_with_break_even(row, buy) for row in rents]
        apis = [_with_break_even(row, buy) for row in apis]
    cheapest = [row for row in (buy, *rents[:1], *apis[:1]) if row]
    months = max(12, round(data["years"] * 12))
    return {
        "data": data,
        "usage": usage,
        "local": local,
        "buy": buy,
        "rents": rents,
        "apis": apis,
        "too_small": too_small,
        "chart": cost_chart.cumulative_chart(cheapest, months),
        "narrow_chart": cost_chart.cumulative_chart(cheapest, months, narrow=True),
        "horizon_months": HORIZON_MONTHS,
        "days_per_month": costs.DAYS_PER_MONTH,
        "resale_usd": owned.resale_usd,
        "summary": summary(data, buy, rents, apis),
    }


def _usd(value):
    return f"${value:,.0f}" if value >= 10 else f"${value:,.2f}"


def summary(data, buy, rents, apis):
    """The page's answer in one sentence: which way to the tokens is cheapest at the visitor's
    usage, and what the others cost a month."""
    options = [row for row in (buy, *rents[:1], *apis[:1]) if row]
    if not options:
        return ""
    cheapest, *others = sorted(options, key=lambda row: row.cost.monthly_usd)
    ways = {
        "Buy": "buying the {label}",
        "Rent": "renting ({label})",
        "API": "an API ({label})",
    }

    def way(row):
        return ways[row.kind].format(label=row.label)

    usage = f"Used {data['hours_per_day']:g} hours a day for {data['years']:g} years"
    if rents and data["pattern"] == "same_hours":
        usage += ", renting for the same hours"
    text = f"{usage}, {way(cheapest)} is cheapest at {_usd(cheapest.cost.monthly_usd)} a month"
    if others:
        text += ", against " + " and ".join(
            f"{_usd(row.cost.monthly_usd)} for {way(row)}" for row in others
        )
    return text + "."


def _with_break_even(row, buy):
    return replace(row, break_even=costs.break_even_month(buy.cost, row.cost, HORIZON_MONTHS))


def _cost_choices(catalog):
    return {
        "hardware_choices": [hw for hw in catalog.hardware.values()],
        "model_choices": [m for m in catalog.models.values() if m.modality == "text"],
        "quant_choices": [q for q in catalog.quants.values() if q.family == "gguf"],
    }


@require_GET
@cache_public_page
def cost_vs_cloud(request):
    form = CostForm(request.GET or None)
    comparison, status = None, 200
    if request.GET:
        if form.is_valid():
            comparison = compare(form.cleaned_data)
        else:
            status = 400
    context = {
        "form": form,
        "comparison": comparison,
        **_cost_choices(snapshot.current()),
        **page_context([("Cost vs cloud", "/cost-vs-cloud/")]),
    }
    template = partial_or_page(request, "estimator/cost_vs_cloud.html")
    return render(request, template, context, status=status)
