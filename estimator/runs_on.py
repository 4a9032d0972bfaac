"""What runs on one machine, and what one model runs on: Will it run?'s answer when the visitor
gives only one side of the question.

Every row is `bridge.answers()` for one full question whose quant is the largest that fits
entirely in GPU memory (in RAM on a CPU-only machine) at the chosen context, so a row shows
exactly the verdict, speed and basis that the full answer behind its link shows.
"""

from dataclasses import dataclass, replace

from catalog import snapshot
from estimator import bridge, engine, guidance
from estimator.constants import DEFAULT_CONTEXT_TOKENS, DEFAULT_QUANT_NAME, RUNTIMES

# The weight family a list tries for each runtime: GGUF wherever the runtime loads it (the
# catalog's finest ladder of sizes), else the runtime's own format.
# Open weights ship in 16 bits at most; an F32 file only doubles their size, so it is never the
# best quant to suggest.
MAX_USEFUL_BITS_PER_WEIGHT = 16.01

MODEL_SORTS = {
    "size": "Largest model first",
    "quality": "Least quantized first",
    "speed": "Fastest first",
}
HARDWARE_SORTS = {
    "price": "Cheapest first",
    "speed": "Fastest first",
    "memory": "Least memory first",
}


@dataclass(frozen=True)
class Row:
    """One model on the machine, or the machine for one model, with the full answer."""

    answer: bridge.Answer
    memory_gb: float | None = None  # hardware rows: the memory configuration that runs it

    @property
    def model(self):
        return self.answer.question.model

    @property
    def hardware(self):
        return self.answer.question.hardware

    @property
    def quant(self):
        return self.answer.question.quant

    @property
    def decode(self):
        return self.answer.decode

    @property
    def price_usd(self):
        return self.hardware.price_usd if self.hardware else None

    def as_dict(self, kind):
        answer, memory = self.answer, self.answer.estimate.memory
        body = {
            "quant": self.quant.name,
            "verdict": answer.verdict,
            "total_gb": round(memory.total_gb, 2),
            "usable_gb": round(answer.estimate.usable_gb, 2),
            "context": answer.request.context_tokens,
            "decode_tok_s": answer.decode.as_dict() if answer.decode else None,
            "url": answer.url,
        }
        if kind == "models":
            model = self.model
            return {"model": model.slug, "name": model.name, "params_b": model.params_b, **body}
        hardware, price = self.hardware, self.price_usd
        return {
            "hardware": hardware.slug,
            "name": hardware.name,
            "memory_gb": self.memory_gb,
            "price_usd": float(price) if price is not None else None,
            "price_basis": hardware.price_basis or None,
            **body,
        }


@dataclass(frozen=True)
class Listing:
    """The rows that run, in the order asked, and what was left out and why."""

    kind: str  # "models": what runs on a machine; "hardware": what a model runs on
    subject: str  # the machine, or the model, the list is about
    rows: list
    sort: str
    considered: int
    left_out: tuple = ()  # (count, reason) pairs
    context: int | None = None  # None: each model's default context
    default_context: int = DEFAULT_CONTEXT_TOKENS  # a text model's, when its limit allows

    @property
    def sorts(self):
        return MODEL_SORTS if self.kind == "models" else HARDWARE_SORTS

    @property
    def sort_label(self):
        return self.sorts[self.sort]

    def as_dict(self):
        return {
            "kind": self.kind,
            "subject": self.subject,
            "context": self.context,
            "sort": self.sort,
            "count": len(self.rows),
            "considered": self.considered,
            "results": [row.as_dict(self.kind) for row in self.rows],
            "left_out": [{"count": count, "reason": reason} for count, reason in self.left_out],
        }


def candidate_quants(catalog, runtime, model=None, floor=None):
    """The quants a list may pick from, largest first: every quant of the runtime's preferred
    family (or of the visitor's quant, from it upwards) up to 16 bits, MoE-only formats for MoE
    models only."""
    if floor is not None:
        family, least = floor.family, floor.bits_per_weight
    else:
        family, least = RUNTIMES[runtime].native_format, 0
    quants = [
        q
        for q in catalog.quants.values()
        if q.family == family
        and least <= q.bits_per_weight <= MAX_USEFUL_BITS_PER_WEIGHT
        and (not q.name.endswith("_MOE") or (model is not None and model.is_moe))
    ]
    if floor is not None and floor not in quants:
        quants.append(floor)
    return sorted(quants, key=lambda q: (-q.bits_per_weight, q.name))


def best_quant(question, quants):
    """The largest of `quants` with which `question` fits entirely, or None."""
    by_name = {q.name: q for q in quants}
    best = guidance.largest_fitting_quant(question.request(), [bridge.spec_for(q) for q in quants])
    return by_name[best.name] if best else None


def best_quant_for(question):
    """Will it run?'s quant when the visitor picks none: the largest of the runtime's family that
    fits entirely, else the default quant (the answer then says what does not fit)."""
    catalog = snapshot.current()
    quants = candidate_quants(catalog, question.runtime, question.model)
    return best_quant(question, quants) or catalog.quants.get(DEFAULT_QUANT_NAME, question.quant)


def _fitting_question(options, model, quant, catalog):
    """The question about `model` with the best quant that fits entirely, or (None, reason)."""
    runtime = options.get("runtime", "llama-cpp")
    try:
        question = bridge.Question(
            model=model, quant=quant or candidate_quants(catalog, runtime)[0], **options
        )
    except ValueError as problem:
        return None, str(problem)
    quants = candidate_quants(catalog, runtime, model, quant)
    conflict = engine.incompatibility(replace(question, quant=quants[-1]).request())
    if conflict:
        return None, conflict
    chosen = best_quant(question, quants)
    if chosen is None:
        if quant is not None:
            return None, f"they do not fit entirely, even at {quant.name}"
        return None, "they do not fit entirely, even at the smallest quant"
    return replace(question, quant=chosen), None


def _filtered(rows, min_tok_s, counts):
    """Rows at least min_tok_s fast (a row with no speed figure cannot show that it is)."""
    if min_tok_s is None:
        return rows
    kept = [r for r in rows if r.decode and r.decode.value >= min_tok_s]
    counts[f"slower than {min_tok_s:g} tok/s, or no speed figure"] = len(rows) - len(kept)
    return kept


def _left_out(counts):
    return tuple((count, reason) for reason, count in counts.items() if count)


def models_on(options, *, quant=None, use_case="", min_tok_s=None, sort=""):
    """Catalog models that fit entirely on the machine `options` describe (bridge.Question's
    fields other than model and quant; context None means each model's default)."""
    catalog = snapshot.current()
    sort = sort if sort in MODEL_SORTS else next(iter(MODEL_SORTS))
    context = options.get("context")
    counts = {}
    questions = []
    models = sorted(catalog.models.values(), key=lambda m: m.slug)
    for model in models:
        if use_case and use_case not in model.use_cases:
            counts["not tagged for this use"] = counts.get("not tagged for this use", 0) + 1
            continue
        if context and model.modality == "text" and model.max_context < context:
            reason = f"they support less than {context:,} tokens of context"
            counts[reason] = counts.get(reason, 0) + 1
            continue
        model_options = options if model.modality == "text" else {**options, "context": None}
        question, problem = _fitting_question(model_options, model, quant, catalog)
        if question is None:
            counts[problem] = counts.get(problem, 0) + 1
            continue
        questions.append(question)
    rows = [Row(a) for a in bridge.answers(questions) if a.verdict == "fits"]
    rows = _filtered(rows, min_tok_s, counts)
    keys = {
        "size": lambda r: (-r.model.params_b, r.model.name),
        "quality": lambda r: (-r.quant.bits_per_weight, -r.model.params_b, r.model.name),
        "speed": lambda r: (-(r.decode.value if r.decode else -1), r.model.name),
    }
    rows.sort(key=keys[sort])
    subject = machine_name(options)
    return Listing("models", subject, rows, sort, len(models), _left_out(counts), context)


def machine_name(options):
    """The machine a models list is about, as the page names it."""
    hardware, count = options.get("hardware"), options.get("gpu_count", 1)
    if hardware is None:
        raw = options.get("raw_hardware", {})
        memory = f"{raw['memory_gb']:g} GB, " if raw.get("memory_gb") else ""
        return f"Custom hardware ({memory}{raw.get('bandwidth_gb_s', 0):g} GB/s)"
    name = hardware.name
    if options.get("memory_gb"):
        name = f"{name} · {options['memory_gb']:g} GB"
    cards = [(name, count), *((gpu.name, n) for gpu, n in options.get("other_gpus", ()))]
    if len(cards) == 1 and count == 1:
        return name
    return " + ".join(f"{n}× {card}" for card, n in cards)


def _configurations(hardware):
    """Memory configurations to try, smallest first (None: the catalog row's own memory)."""
    options = sorted(gb for gb in hardware.memory_options_gb if gb != hardware.memory_gb)
    return [*options, None] if options else [None]


def hardware_for(model, options, *, quant=None, min_tok_s=None, sort=""):
    """Catalog hardware that runs `model` entirely in GPU memory (in RAM for a CPU), each in its
    smallest memory configuration that does; `options` as for models_on, without hardware."""
    catalog = snapshot.current()
    sort = sort if sort in HARDWARE_SORTS else next(iter(HARDWARE_SORTS))
    counts = {}
    questions = []
    hardware_rows = sorted(catalog.hardware.values(), key=lambda hw: hw.slug)
    for hardware in hardware_rows:
        problem = None
        for memory_gb in _configurations(hardware):
            question, problem = _fitting_question(
                {**options, "hardware": hardware, "memory_gb": memory_gb}, model, quant, catalog
            )
            if question is not None:
                questions.append(question)
                break
        else:
            counts[problem] = counts.get(problem, 0) + 1
    rows = [
        Row(a, a.question.memory_gb or a.question.hardware.memory_gb)
        for a in bridge.answers(questions)
        if a.verdict == "fits"
    ]
    rows = _filtered(rows, min_tok_s, counts)
    keys = {
        "price": lambda r: (r.price_usd is None, r.price_usd or 0, r.hardware.name),
        "speed": lambda r: (-(r.decode.value if r.decode else -1), r.hardware.name),
        "memory": lambda r: (r.memory_gb or 0, r.price_usd is None, r.price_usd or 0),
    }
    rows.sort(key=keys[sort])
    context = options.get("context")
    return Listing(
        "hardware", model.name, rows, sort, len(hardware_rows), _left_out(counts), context
    )
