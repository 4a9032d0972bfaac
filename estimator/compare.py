"""Compare hardware side by side: specs, value ratios and the speed of popular models."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from catalog import snapshot
from core.grouped_chart import grouped_bar_chart
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
    narrow_chart: object = None
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


SUGGESTIONS_SHOWN = 8


@dataclass(frozen=True)
class Pick:
    """One entry of the "Add hardware" list: a piece of hardware, or one memory configuration
    of it, by the name a visitor would type."""

    slug: str
    name: str

    @property
    def words(self):
        return _words(self.name)


def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def picks(catalog):
    """Every name the "Add hardware" box accepts: each piece of hardware, and each memory
    configuration of the ones sold in several."""
    entries = []
    for hw in catalog.hardware.values():
        entries.append(Pick(hw.slug, hw.name))
        entries.extend(Pick(slug, f"{hw.name}, {gb:g} GB") for slug, gb in hw.memory_variants)
    return entries


@dataclass(frozen=True)
class Lookup:
    """What a typed name resolved to: one slug, or several candidates, or nothing."""

    text: str
    slug: str = ""
    candidates: tuple = ()

    @property
    def message(self):
        if self.slug:
            return ""
        if self.candidates:
            return (
                f"“{self.text}” matches {len(self.candidates)} pieces of hardware; "
                "pick one or type more of its name."
            )
        return f"We have no hardware called “{self.text}”. Try part of its name, e.g. “4090”."


def find_hardware(text, catalog):
    """The hardware a visitor typed, by slug or by name: a slug or a whole name wins; else the
    entries holding every typed word, and among those the one with fewest other words."""
    text = text.strip()[:120]
    entries = picks(catalog)
    key = text.lower()
    if snapshot.resolve_hardware(key) is not None:
        return Lookup(text, slug=key)
    words = _words(text)
    if not words:
        return Lookup(text)
    exact = [entry for entry in entries if entry.words == words]
    if len(exact) == 1:
        return Lookup(text, slug=exact[0].slug)
    wanted = set(words)
    matching = [entry for entry in entries if wanted <= set(entry.words) | set(_words(entry.slug))]
    if not matching:
        return Lookup(text)
    extra = {entry.slug: len(set(entry.words) - wanted) for entry in matching}
    fewest = min(extra.values())
    closest = [entry for entry in matching if extra[entry.slug] == fewest]
    if len(closest) == 1:
        return Lookup(text, slug=closest[0].slug)
    matching.sort(key=lambda entry: (extra[entry.slug], entry.name))
    return Lookup(text, candidates=tuple(matching[:SUGGESTIONS_SHOWN]))


def add_typed(slugs, text):
    """Resolve what was typed in "Add hardware" and add it to slugs; None when nothing was."""
    if not text.strip():
        return None
    lookup = find_hardware(text, snapshot.current())
    if lookup.slug and lookup.slug not in slugs:
        slugs.append(lookup.slug)
    return lookup


def page_url(slugs, quant_name, context):
    """The shareable address of a comparison."""
    query = {"hw": ",".join(slugs)}
    if quant_name != DEFAULT_QUANT_NAME:
        query["quant"] = quant_name
    if context != DEFAULT_CONTEXT_TOKENS:
        query["context"] = context
    return "/compare/?" + urlencode(query, safe=",")


def candidate_links(lookup, kept, quant_name, context):
    """(name, address) to add each candidate an ambiguous name matched."""
    if lookup is None:
        return []
    return [
        (entry.name, page_url([*kept, entry.slug], quant_name, context))
        for entry in lookup.candidates
    ]


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
    if len(comparison.items) >= 2:
        comparison.chart, comparison.narrow_chart = (
            chart(comparison, memory, hardware, width) for width in (720, 360)
        )
    return comparison


def _speed_text(cell):
    if cell.decode_tok_s is None:
        return None, cell.verdict_text
    value = cell.decode_tok_s
    text = f"{value:,.1f}" if value < 10 else f"{value:,.0f}"
    suffix = " est." if cell.decode.basis == "estimated" else ""
    return value, f"{text} tok/s{suffix}"


def chart(comparison, memory, hardware, width):
    """Memory, bandwidth and each popular model's decode speed, one bar per compared item."""
    groups = [
        ("Memory (GB)", [(gb, f"{gb:g} GB" if gb else "—") for gb in memory]),
        (
            "Memory bandwidth (GB/s)",
            [(hw.bandwidth_gb_s, f"{hw.bandwidth_gb_s:,.0f} GB/s") for hw in hardware],
        ),
    ]
    quant = comparison.quant.name
    for model, cells in comparison.model_rows:
        groups.append((model.name, [_speed_text(cell) for cell, _best in cells]))
    return grouped_bar_chart(
        f"Decode speed at {quant}, {comparison.context:,} tokens, with memory and bandwidth",
        "For each metric, one bar per compared item in the legend's order, labelled with its "
        "value; est. marks an estimated speed, the others are measured or scaled from a "
        "measurement.",
        [hw.name for hw in hardware],
        groups,
        width=width,
    )
