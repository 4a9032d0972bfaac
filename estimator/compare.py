"""Compare hardware side by side: specs, value ratios and the speed of popular models."""

from dataclasses import dataclass, field

from catalog import snapshot
from core.charts import horizontal_bar_chart
from estimator import bridge
from estimator.constants import DEFAULT_CONTEXT_TOKENS, DEFAULT_QUANT_NAME
from estimator.matrix import popular_text_models

MAX_ITEMS = 4


@dataclass
class Comparison:
    items: list  # [(slug, Hardware, memory_gb)]
    notices: list = field(default_factory=list)
    spec_rows: list = field(default_factory=list)  # (label, [(text, is_best)])
    model_rows: list = field(default_factory=list)  # (model, [Cell])
    chart: object = None
    quant: object = None
    context: int = DEFAULT_CONTEXT_TOKENS


def parse_slugs(raw_values):
    """hw=a,b&hw=c → ['a', 'b', 'c'] in order, without duplicates or blanks."""
    slugs = []
    for raw in raw_values:
        for slug in raw.split(","):
            slug = slug.strip().lower()
            if slug and slug not in slugs:
                slugs.append(slug[:80])
    return slugs


def resolve_items(slugs, notices):
    items, unknown = [], []
    for slug in slugs:
        found = snapshot.resolve_hardware(slug)
        if found is None:
            unknown.append(slug)
            continue
        items.append((slug, *found))
    if unknown:
        notices.append(f"Not in the catalog, so left out: {', '.join(unknown)}.")
    if len(items) > MAX_ITEMS:
        dropped = ", ".join(hw.name for _slug, hw, _gb in items[MAX_ITEMS:])
        notices.append(f"You can compare up to {MAX_ITEMS} at once; left out: {dropped}.")
        items = items[:MAX_ITEMS]
    return items


def _best_flags(values, prefer):
    """Mark the best of the known values (highest or lowest); ties are all best."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return [False] * len(values)
    target = max(known) if prefer == "high" else min(known)
    return [v is not None and v == target for v in values]


def _spec_row(label, values, formatter, prefer=None):
    flags = _best_flags(values, prefer) if prefer else [False] * len(values)
    cells = [
        (formatter(v) if v is not None else "—", best)
        for v, best in zip(values, flags, strict=True)
    ]
    return (label, cells)


def _money(value):
    return f"${value:,.0f}"


def build(slugs, quant_name=DEFAULT_QUANT_NAME, context=DEFAULT_CONTEXT_TOKENS):
    comparison = Comparison(items=[])
    comparison.items = resolve_items(slugs, comparison.notices)
    if len(comparison.items) < 2:
        comparison.notices.append("Add at least two pieces of hardware to compare.")
    quant = snapshot.current().quants.get(quant_name)
    if quant is None:
        comparison.notices.append(
            f"Unknown quantization {quant_name!r}; showing {DEFAULT_QUANT_NAME}."
        )
        quant = bridge.default_quant()
    comparison.quant, comparison.context = quant, context
    hardware = [hw for _slug, hw, _gb in comparison.items]
    memory = [gb for _slug, _hw, gb in comparison.items]
    prices = [float(hw.price_usd) if hw.price_usd else None for hw in hardware]
    comparison.spec_rows = [
        _spec_row("Vendor", [hw.vendor.name for hw in hardware], str),
        _spec_row("Kind", [hw.get_kind_display() for hw in hardware], str),
        _spec_row("Memory", memory, lambda v: f"{v:g} GB", "high"),
        _spec_row("Memory type", [hw.memory_type or None for hw in hardware], str),
        _spec_row(
            "Bandwidth", [hw.bandwidth_gb_s for hw in hardware], lambda v: f"{v:,.0f} GB/s", "high"
        ),
        _spec_row(
            "FP16 compute", [hw.fp16_tflops for hw in hardware], lambda v: f"{v:g} TFLOPS", "high"
        ),
        _spec_row("Power", [hw.tdp_w for hw in hardware], lambda v: f"{v} W", "low"),
        _spec_row("Backend", [hw.get_backend_display() for hw in hardware], str),
        _spec_row("Launch year", [hw.launch_year for hw in hardware], str),
        _spec_row("Price", prices, _money, "low"),
        _spec_row(
            "Price per GB of memory",
            [p / gb if p and gb else None for p, gb in zip(prices, memory, strict=True)],
            _money,
            "low",
        ),
        _spec_row(
            "Price per GB/s of bandwidth",
            [p / hw.bandwidth_gb_s if p else None for p, hw in zip(prices, hardware, strict=True)],
            lambda v: f"${v:,.2f}",
            "low",
        ),
    ]
    for model in popular_text_models(snapshot.current()):
        cells = bridge.answers(
            bridge.Question(model, quant, hw, context=context, memory_gb=gb)
            for _slug, hw, gb in comparison.items
        )
        flags = _best_flags([c.decode_tok_s for c in cells], "high")
        comparison.model_rows.append((model, list(zip(cells, flags, strict=True))))
    bars = []
    for model, cells in comparison.model_rows:
        for (cell, _best), (_slug, hw, _gb) in zip(cells, comparison.items, strict=True):
            if cell.decode_tok_s:
                bars.append(
                    (f"{model.name} · {hw.name}", cell.decode_tok_s, cell.decode.is_measured)
                )
    if bars and len(comparison.items) >= 2:
        comparison.chart = horizontal_bar_chart(
            f"Decode speed at {quant.name}, {context:,} tokens",
            "Decode tokens per second for each model on each compared item; measured bars are "
            "marked in the table.",
            "tokens/s",
            bars,
        )
    return comparison
