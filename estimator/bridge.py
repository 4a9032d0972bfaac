"""The one way the site asks the estimator a question.

Pages, the JSON API, the CLI, the guides, the matrices, Compare, Cost vs cloud and Choose my GPU
all go through here: `spec_for` turns catalog rows into the engine's specs, and
`answer(Question)` runs the engine and picks the speed to show with its basis (measured,
community, scaled or estimated), source and range. Nothing else decides which speed a visitor
sees, so two pages cannot disagree about one question.
"""

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import urlencode

from catalog import snapshot
from catalog.models import Benchmark, Hardware, Model, ModelFile, QuantFormat
from estimator import choose, engine, guidance
from estimator.calibration import Calibration, fit_calibration
from estimator.compatibility import BACKENDS_BY_KIND, option_conflicts, usual_backend
from estimator.constants import (
    DEFAULT_CONTEXT_TOKENS,
    DEFAULT_PROMPT_TOKENS,
    DEFAULT_QUANT_NAME,
    RUNTIMES,
)
from estimator.memory import kv_cache_bytes, weights_bytes
from estimator.models import CalibrationRun
from estimator.specs import (
    HardwareSpec,
    Measurement,
    ModelSpec,
    QuantSpec,
    hardware_spec,
    is_legacy_build,
)

BASIS_LABELS = {
    "measured": "measured",
    "community": "community measurement (unverified)",
    "scaled": "scaled from a measurement on other hardware",
    "estimated": "estimated",
}
VERDICT_LABELS = {
    "fits": "fits",
    "partial_offload": "partial offload",
    "does_not_fit": "does not fit",
}
VERDICT_TEXT = {
    "fits": "Fits",
    "partial_offload": "Runs with partial offload",
    "does_not_fit": "Does not fit",
}


# --- catalog rows to engine specs -------------------------------------------------------------


def spec_for(row, **options):
    """The engine's spec for a Hardware, Model or QuantFormat instance. Hardware takes the
    options of `estimator.specs.hardware_spec` (memory_gb, gpu_count, system_ram_gb, ...)."""
    if isinstance(row, Hardware):
        return hardware_spec(
            kind=row.kind,
            memory_gb=options.pop("memory_gb", None) or row.memory_gb,
            bandwidth_gb_s=row.bandwidth_gb_s,
            fp16_tflops=row.fp16_tflops,
            backend=options.pop("backend", None) or row.backend,
            name=row.slug,
            product_name=row.name,
            gpu_working_set_gb=row.gpu_working_set_gb,
            architecture=row.architecture,
            memory_type=row.memory_type,
            gpu_dies=row.gpu_dies,
            **options,
        )
    if isinstance(row, Model):
        return ModelSpec(
            params_b=row.params_b,
            active_params_b=row.active_params_b,
            layers=row.layers or 0,
            kv_heads=row.kv_heads or 0,
            head_dim=row.head_dim or 0,
            attention_kind=row.attention_kind or "gqa",
            sliding_window=row.sliding_window,
            full_attention_layers=row.full_attention_layers,
            kv_lora_rank=row.kv_lora_rank,
            rope_head_dim=row.rope_head_dim,
            max_context=row.max_context or 0,
            modality=row.modality,
            hidden_size=row.hidden_size,
            attention_heads=row.attention_heads,
            vocab_size=row.vocab_size,
            expert_count=row.expert_count,
            experts_per_token=row.experts_per_token,
            shared_experts=row.shared_experts,
            slug=row.slug,
            hf_repo=row.hf_repo,
            ollama_tag=row.ollama_tag,
            gguf_repo=row.gguf_repo,
            mlx_repo=row.mlx_repo,
            extra_weights_gb=(row.mmproj_gb or 0.0) + (row.aux_weights_gb or 0.0),
        )
    if isinstance(row, QuantFormat):
        return QuantSpec(row.name, row.family, row.bits_per_weight)
    raise TypeError(f"no engine spec for {type(row).__name__}")


def file_sizes():
    """{(model pk, quant pk): bytes} of the published files the catalog knows, so memory comes
    from the real file (K-quants and MXFP4 are not uniform across tensors) where it can."""
    return snapshot.cached("model_file_sizes", _load_file_sizes)


def _load_file_sizes():
    rows = ModelFile.objects.filter(size_bytes__isnull=False).values_list(
        "model_id", "quant_id", "size_bytes"
    )
    return {(model, quant): size for model, quant, size in rows}


def published_sizes(model, quants):
    """((quant name, bytes), ...) of the files published for a model, for Choose my GPU."""
    sizes = file_sizes()
    return tuple(
        (quant.name, sizes[(model.pk, quant.pk)])
        for quant in quants
        if (model.pk, quant.pk) in sizes
    )


def quant_spec(model, quant):
    """The engine's QuantSpec of a quant for one model, with its file size when published."""
    return replace(spec_for(quant), file_size_bytes=file_sizes().get((model.pk, quant.pk)))


def default_quant():
    return snapshot.current().quants.get(DEFAULT_QUANT_NAME) or QuantFormat.objects.get(
        name=DEFAULT_QUANT_NAME
    )


def default_context(model):
    """The context assumed when the visitor gives none: the default, within the model's limit."""
    if model.modality == "text" and model.max_context:
        return min(DEFAULT_CONTEXT_TOKENS, model.max_context)
    return DEFAULT_CONTEXT_TOKENS


def weights_gb(model, quant):
    return weights_bytes(spec_for(model), quant_spec(model, quant)) / 1e9


def kv_cache_gb(model, context, kv_cache_type="f16"):
    return kv_cache_bytes(spec_for(model), context, kv_cache_type) / 1e9


# --- calibration ------------------------------------------------------------------------------


def measurements_from_benchmarks(benchmarks):
    """Engine Measurements for benchmarks of text models."""
    return [
        Measurement(
            hardware=spec_for(b.hardware),
            model=spec_for(b.model),
            quant=quant_spec(b.model, b.quant),
            context_tokens=b.context_tokens,
            gpu_count=b.gpu_count,
            decode_tok_s=b.decode_tok_s,
            prefill_tok_s=b.prefill_tok_s,
            runtime=b.runtime.slug if b.runtime.slug in RUNTIMES else "llama-cpp",
            prompt_tokens=b.prompt_tokens,
            depth=b.depth,
            run_backend=b.backend or None,
            legacy_build=is_legacy_build(b.runtime_version, b.measured_on),
        )
        for b in benchmarks
        if b.model.modality == "text"
    ]


def calibration_benchmarks():
    return Benchmark.objects.for_listing().verified().order_by("pk")


def current_calibration():
    """(Calibration, CalibrationRun or None): the latest stored run, or — when none is stored
    yet — one fitted from the catalog's verified benchmarks. Kept per content version."""
    return snapshot.cached("calibration", _load_calibration)


def _load_calibration():
    run = CalibrationRun.objects.latest_run()
    if run:
        return Calibration.from_dict(run.data), run
    return fit_calibration(measurements_from_benchmarks(calibration_benchmarks())), None


# --- the question ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """What a visitor asks: a model at a quant on catalog hardware (or on raw specs).

    memory_gb picks one of the hardware's memory configurations. raw_hardware holds values a
    visitor typed that replace the catalog's (kind, memory_gb, bandwidth_gb_s, fp16_tflops), or
    describe the whole machine when hardware is None; with any raw value, measurements of the
    catalog row no longer describe the question, so only the estimate is shown.

    backend None is the hardware's usual one for the runtime (`resolved_backend`);
    prompt_tokens None is DEFAULT_PROMPT_TOKENS (within what the context leaves); depth is the
    tokens already in the context before the prompt (llama-bench -d). other_gpus adds cards of
    other types beside gpu_count x hardware: ((Hardware, count), ...). Impossible combinations
    raise ValueError with the message `compatibility.option_conflicts` gives the forms.
    """

    model: Model
    quant: QuantFormat
    hardware: Hardware | None = None
    context: int | None = None  # None: default_context(model)
    memory_gb: float | None = None
    gpu_count: int = 1
    system_ram_gb: float | None = None
    system_ram_bandwidth_gb_s: float | None = None
    drives_display: bool = False
    kv_cache_type: str = "f16"
    runtime: str = "llama-cpp"
    raw_hardware: dict = field(default_factory=dict)
    model_overrides: dict = field(default_factory=dict)
    bits_per_weight: float | None = None
    assumed: tuple = ()
    backend: str | None = None
    prompt_tokens: int | None = None
    depth: int = 0
    offload: str = "auto"
    split_mode: str = "layer"
    other_gpus: tuple = ()

    def __post_init__(self):
        problems = self.conflicts()
        if problems:
            raise ValueError(problems[0].message)

    def conflicts(self):
        """Impossible combinations of this question's options (see option_conflicts)."""
        hardware = self.hardware
        kind = hardware.kind if hardware else self.raw_hardware.get("kind")
        return option_conflicts(
            runtime=self.runtime,
            backend=self.backend,
            backend_set=self.backend_set,
            hardware_name=hardware.name if hardware else "Custom hardware",
            hardware_kind=kind,
            offload=self.offload,
            split_mode=self.split_mode,
            gpu_count=self.gpu_count + sum(count for _, count in self.other_gpus),
            mixed_kinds=tuple(gpu.kind for gpu, _ in self.other_gpus),
            model_is_moe=self.model.is_moe,
            context=self.context_tokens,
            prompt_tokens=self.prompt_tokens,
            depth=self.depth,
        )

    @property
    def backend_set(self):
        """Backends this hardware runs, usual one first."""
        if self.hardware is not None:
            return tuple(self.hardware.backend_set)
        return BACKENDS_BY_KIND.get(self.raw_hardware.get("kind"), ())

    @property
    def resolved_backend(self):
        """The chosen backend, else the hardware's usual one for the runtime."""
        if self.backend:
            return self.backend
        return usual_backend(self.backend_set, self.runtime) if self.backend_set else None

    @property
    def context_tokens(self):
        return self.context or default_context(self.model)

    @property
    def prompt_tokens_used(self):
        """The prompt length asked for, else the default within what the context leaves."""
        if self.prompt_tokens:
            return self.prompt_tokens
        return max(min(DEFAULT_PROMPT_TOKENS, self.context_tokens - self.depth), 1)

    @property
    def is_raw(self):
        return (
            self.hardware is None
            or bool(self.raw_hardware)
            or bool(self.model_overrides)
            or self.bits_per_weight is not None
            or bool(self.other_gpus)
        )

    @property
    def query(self):
        """The question as Will it run?'s query string (the API takes the same); raw hardware
        values travel as the custom fields."""
        if self.hardware is None:
            hardware = "custom"
        else:
            hardware = self.hardware.slug
            if self.memory_gb and self.memory_gb != self.hardware.memory_gb:
                hardware = f"{hardware}-{self.memory_gb:.0f}gb"
        raw = {("hardware_kind" if k == "kind" else k): v for k, v in self.raw_hardware.items()}
        params = {
            "hardware": hardware,
            **raw,
            "model": self.model.slug,
            "quant": self.quant.name,
            "context": self.context_tokens,
        }
        if self.gpu_count != 1:
            params["gpu_count"] = self.gpu_count
        if self.runtime != "llama-cpp":
            params["runtime"] = self.runtime
        if self.kv_cache_type != "f16":
            params["kv_cache_type"] = self.kv_cache_type
        if self.backend and self.backend != usual_backend(self.backend_set, self.runtime):
            params["backend"] = self.backend
        if self.prompt_tokens:
            params["prompt_tokens"] = self.prompt_tokens
        if self.depth:
            params["depth"] = self.depth
        if self.offload != "auto":
            params["offload"] = self.offload
        if self.split_mode != "layer":
            params["split_mode"] = self.split_mode
        if self.other_gpus:
            cards = [(self.hardware, self.gpu_count), *self.other_gpus]
            params["gpus"] = ",".join(f"{gpu.slug}:{count}" for gpu, count in cards)
        return urlencode(params)

    def hardware_spec(self) -> HardwareSpec:
        options = {
            "gpu_count": self.gpu_count,
            "system_ram_gb": self.system_ram_gb,
            "system_ram_bandwidth_gb_s": self.system_ram_bandwidth_gb_s,
            "drives_display": self.drives_display,
            "backend": self.resolved_backend,
        }
        raw = self.raw_hardware
        if self.hardware is None:
            return hardware_spec(
                kind=raw["kind"],
                memory_gb=raw.get("memory_gb"),
                bandwidth_gb_s=raw["bandwidth_gb_s"],
                fp16_tflops=raw.get("fp16_tflops"),
                name="custom",
                **options,
            )
        spec = spec_for(self.hardware, memory_gb=raw.get("memory_gb") or self.memory_gb, **options)
        spec = replace(spec, usual_backend=usual_backend(self.backend_set, self.runtime))
        changes = {k: raw[k] for k in ("bandwidth_gb_s", "fp16_tflops") if raw.get(k)}
        if raw.get("bandwidth_gb_s") and (spec.kind == "cpu" or spec.unified_memory):
            # A CPU or unified-memory machine reads its weights from RAM at this bandwidth.
            changes["system_ram_bandwidth_gb_s"] = raw["bandwidth_gb_s"]
        secondary = None
        for gpu, count in reversed(self.other_gpus):
            card = spec_for(gpu, gpu_count=count, backend=self.resolved_backend)
            secondary = replace(card, secondary=secondary)
        return replace(spec, secondary=secondary, **changes)

    def request(self) -> engine.EstimateRequest:
        quant = quant_spec(self.model, self.quant)
        if self.bits_per_weight or self.model_overrides:
            # Typed-in specs describe other weights than the published file.
            quant = replace(quant, file_size_bytes=None)
        if self.bits_per_weight:
            quant = replace(quant, bits_per_weight=self.bits_per_weight)
        return engine.EstimateRequest(
            hardware=self.hardware_spec(),
            model=replace(spec_for(self.model), **self.model_overrides),
            quant=quant,
            context_tokens=self.context_tokens,
            kv_cache_type=self.kv_cache_type,
            runtime=self.runtime,
            prompt_tokens=self.prompt_tokens_used,
            depth=self.depth,
            offload=self.offload,
            split_mode=self.split_mode,
        )


# --- speeds and their basis ---------------------------------------------------------------------


@dataclass(frozen=True)
class Speed:
    """A speed to show: the value, its range and where it comes from."""

    value: float
    low: float
    high: float
    basis: str  # measured | community | scaled | estimated
    source_url: str = ""
    benchmark: object = None
    scaled_by: str = ""  # scaled speeds: the ratio applied ("bandwidth")

    @property
    def basis_label(self):
        return BASIS_LABELS[self.basis]

    @property
    def is_measured(self):
        return self.basis in ("measured", "community")

    @property
    def rounded(self):
        """The value to a tenth as the API gives it; a page's <data> element carries this, so
        the two agree where a template filter would round a half the other way."""
        return round(self.value, 1)

    def as_dict(self):
        return {
            "value": self.rounded,
            "low": round(self.low, 1),
            "high": round(self.high, 1),
            "basis": self.basis,
            "source_url": self.source_url or None,
        }


def _estimated(speed_range):
    if speed_range is None:
        return None
    return Speed(speed_range.expected, speed_range.low, speed_range.high, "estimated")


def _keeping_spread(value, estimated):
    """(low, high) around a value with the estimate's relative spread, so the range still says
    how uncertain the figure is for this setup."""
    if estimated is None:
        return value, value
    return value * estimated.low / estimated.value, value * estimated.high / estimated.value


def strongest_speed(
    catalog, hardware, model, quant, attribute, tokens, estimated, *, backend=None, depth=0
):
    """The strongest basis for one speed of a single-GPU run that fits: a measurement of this
    exact setup (same backend and depth; verified first, then the nearest context), else for
    generation a verified single-GPU measurement of the same model and quant on the same kind
    of hardware and backend scaled by the bandwidth ratio, else the estimate.

    Held out by card on the shipped measurements, bandwidth scaling from a same-kind,
    same-backend card beat the calibrated estimate for generation (median error 7% against
    10%), while prompt speed scaled by the FP16 compute ratio did far worse than the estimate
    (30% against 12%): compute figures do not carry across chips, so prefill is never scaled,
    nor is anything scaled across kinds of hardware or backends."""
    backend = backend or hardware.backend
    here = [
        b
        for b in catalog.measurements(model, quant, hardware)
        if b.gpu_count == 1
        and getattr(b, attribute)
        and (b.backend or hardware.backend) == backend
        and b.depth == depth
    ]
    if here:
        best = min(here, key=lambda b: (not b.verified, abs(b.context_tokens - tokens), b.pk))
        value = getattr(best, attribute)
        basis = "measured" if best.verified else "community"
        return Speed(value, *_keeping_spread(value, estimated), basis, best.source_url, best)
    if attribute != "decode_tok_s" or backend != hardware.backend or depth:
        return estimated  # scaling starts from generation runs on the usual backend at depth 0
    reference = _reference_measurement(catalog, hardware, model, quant, tokens)
    if reference is None:
        return estimated
    value = reference.decode_tok_s * hardware.bandwidth_gb_s / reference.hardware.bandwidth_gb_s
    low, high = _keeping_spread(value, estimated)
    return Speed(value, low, high, "scaled", reference.source_url, reference, "bandwidth")


def _reference_measurement(catalog, hardware, model, quant, tokens):
    """The verified single-GPU measurement of this model and quant on other hardware of the
    same kind, run on its usual backend when that is this hardware's usual backend, that
    scaling starts from: the nearest memory bandwidth (a ratio near 1 extrapolates least),
    then the nearest context."""
    elsewhere = [
        b
        for b in catalog.measurements(model, quant)
        if b.verified
        and b.gpu_count == 1
        and b.hardware_id != hardware.pk
        and b.decode_tok_s
        and not b.depth
        and b.hardware.kind == hardware.kind
        and (b.backend or b.hardware.backend) == b.hardware.backend == hardware.backend
    ]

    def distance(b):
        return (
            abs(math.log(b.hardware.bandwidth_gb_s / hardware.bandwidth_gb_s)),
            abs(b.context_tokens - tokens),
            b.pk,
        )

    return min(elsewhere, key=distance, default=None)


def _measurements_apply(estimate, gpu_count):
    """Measurements (and speeds scaled from them) stand for single-GPU runs that fit entirely;
    any other run shows the estimate."""
    return estimate.verdict == "fits" and gpu_count == 1


def _speeds(question, request, estimate, catalog):
    decode, prefill = _estimated(estimate.decode_tok_s), _estimated(estimate.prefill_tok_s)
    if not _measurements_apply(estimate, question.gpu_count) or question.is_raw:
        return decode, prefill
    hw, model, quant = question.hardware, question.model, question.quant
    setup = {"backend": request.hardware.backend, "depth": request.depth}
    return (
        strongest_speed(
            catalog, hw, model, quant, "decode_tok_s", request.context_tokens, decode, **setup
        ),
        strongest_speed(
            catalog, hw, model, quant, "prefill_tok_s", request.prompt_tokens, prefill, **setup
        ),
    )


def decode_lookup(catalog, context):
    """Choose my GPU's speed lookup: (hardware slug, model slug, quant name, the engine's
    estimate, GPU count) -> choose.Speed, by the same rule as `answer`."""

    def lookup(hardware_slug, model_slug, quant_name, estimate, gpu_count):
        speed = _estimated(estimate.decode_tok_s)
        if _measurements_apply(estimate, gpu_count):
            hardware = catalog.hardware[hardware_slug]
            model, quant = catalog.models[model_slug], catalog.quants[quant_name]
            speed = strongest_speed(catalog, hardware, model, quant, "decode_tok_s", context, speed)
        return choose.Speed(speed.value, speed.basis, speed.source_url)

    return lookup


# --- the answer -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The engine's estimate for a question and the speeds to show, with guidance on demand."""

    question: Question
    request: engine.EstimateRequest
    estimate: engine.Estimate
    decode: Speed | None
    prefill: Speed | None
    calibration_run: object = None
    catalog: object = field(default=None, repr=False, compare=False)

    @property
    def verdict(self):
        return self.estimate.verdict

    @property
    def verdict_text(self):
        return VERDICT_TEXT[self.verdict]

    @property
    def verdict_label(self):
        return VERDICT_LABELS[self.verdict]

    @property
    def decode_tok_s(self):
        return self.decode.value if self.decode else None

    @property
    def url(self):
        """The full answer on Will it run?."""
        return f"/will-it-run/?{self.question.query}"

    @cached_property
    def benchmarks(self):
        """Published measurements of this hardware, model and quant (any GPU count)."""
        question = self.question
        if question.hardware is None:
            return []
        return self.catalog.measurements(question.model, question.quant, question.hardware)

    @cached_property
    def largest_quant(self):
        """The biggest quant of the same family that fits entirely, or None."""
        family = [q for q in self.catalog.quants.values() if q.family == self.question.quant.family]
        quants = {q.name: q for q in family or [self.question.quant]}
        best = guidance.largest_fitting_quant(self.request, [spec_for(q) for q in quants.values()])
        return quants[best.name] if best else None

    @cached_property
    def max_context(self):
        if self.question.model.modality != "text":
            return 0
        return guidance.longest_fitting_context(self.request)

    @property
    def memory_segments(self):
        """(key, GB, x, width) of the weights, KV cache and overhead bars, in percent of a scale
        that is the larger of usable memory and the total, so an overflow stays visible."""
        memory = self.estimate.memory
        scale = max(self.estimate.usable_gb, memory.total_gb) or 1
        parts = [
            ("weights", memory.weights_gb),
            ("kv", memory.kv_cache_gb),
            ("overhead", memory.overhead_gb),
        ]
        segments, x = [], 0.0
        for key, gb in parts:
            width = gb / scale * 100
            segments.append((key, gb, round(x, 2), round(width, 2)))
            x += width
        return segments

    @property
    def usable_percent(self):
        scale = max(self.estimate.usable_gb, self.estimate.memory.total_gb) or 1
        return round(self.estimate.usable_gb / scale * 100, 2)

    def as_dict(self):
        """The API's response body."""
        estimate, memory, run = self.estimate, self.estimate.memory, self.calibration_run
        return {
            "verdict": estimate.verdict,
            "reason": estimate.reason,
            "memory": {
                "weights_gb": round(memory.weights_gb, 2),
                "kv_cache_gb": round(memory.kv_cache_gb, 2),
                "overhead_gb": round(memory.overhead_gb, 2),
                "total_gb": round(memory.total_gb, 2),
                "usable_gb": round(estimate.usable_gb, 2),
            },
            "gpu_layers": estimate.gpu_layers,
            "total_layers": estimate.total_layers,
            "decode_tok_s": self.decode.as_dict() if self.decode else None,
            "prefill_tok_s": self.prefill.as_dict() if self.prefill else None,
            "largest_quant_that_fits": self.largest_quant.name if self.largest_quant else None,
            "max_context_that_fits": self.max_context,
            "commands": list(estimate.commands),
            "notes": list(estimate.notes),
            "inputs": self._inputs(),
            "assumed": list(self.question.assumed),
            "calibration": {
                "date": run.fitted_on.isoformat() if run else None,
                "measurements": run.measurement_count if run else None,
            },
        }

    def _inputs(self):
        question, hardware = self.question, self.request.hardware
        return {
            "hardware": question.hardware.slug if question.hardware else "custom",
            "hardware_kind": hardware.kind,
            "memory_gb": hardware.memory_gb,
            "bandwidth_gb_s": hardware.bandwidth_gb_s,
            "fp16_tflops": hardware.fp16_tflops,
            "gpu_count": hardware.gpu_count,
            "system_ram_gb": hardware.system_ram_gb,
            "model": question.model.slug,
            "quant": question.quant.name,
            "context": self.request.context_tokens,
            "kv_cache_type": question.kv_cache_type,
            "runtime": question.runtime,
            "backend": hardware.backend,
            "prompt_tokens": self.request.prompt_tokens,
            "depth": self.request.depth,
            "offload": question.offload,
            "split_mode": question.split_mode,
            "gpus": [
                {"hardware": gpu.slug, "count": count}
                for gpu, count in (
                    [(question.hardware, question.gpu_count), *question.other_gpus]
                    if question.other_gpus
                    else []
                )
            ],
        }


def answers(questions) -> list[Answer]:
    """`answer` for many questions (a matrix, a list), reading the catalog snapshot and the
    calibration once."""
    catalog, calibration = snapshot.current(), current_calibration()
    return [answer(q, catalog=catalog, calibration=calibration) for q in questions]


def answer(question: Question, *, catalog=None, calibration=None) -> Answer:
    """The estimate and the speeds to show for one question. Callers asking many questions at
    once use `answers`, or pass the catalog snapshot and (Calibration, run) pair they hold."""
    catalog = catalog or snapshot.current()
    calibration, run = calibration or current_calibration()
    request = question.request()
    estimate = engine.estimate(request, calibration)
    decode, prefill = _speeds(question, request, estimate, catalog)
    return Answer(question, request, estimate, decode, prefill, run, catalog)
