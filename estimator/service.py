"""The Django side of the estimator: catalog rows to engine specs, the current calibration,
and each speed's basis (measured, community, scaled, estimated) with its source.

The engine (estimator/engine.py and friends) stays pure; everything that touches the database
is here, so the page, the API, the CLI and the catalog matrices give one answer.
"""

from dataclasses import dataclass

from estimator import engine, guidance
from estimator.calibration import Calibration, fit_calibration
from estimator.specs import (
    Measurement,
    hardware_from_row,
    model_from_row,
    quant_from_row,
)

DEFAULT_QUANT_NAME = "Q4_K_M"
DEFAULT_CONTEXT = 4096

BASIS_LABELS = {
    "measured": "measured",
    "community": "community measurement (unverified)",
    "scaled": "scaled from a measurement on other hardware",
    "estimated": "estimated",
}


# --- catalog rows to engine specs -------------------------------------------------------


def hardware_row(hw):
    return {
        "slug": hw.slug,
        "kind": hw.kind,
        "memory_gb": hw.memory_gb,
        "bandwidth_gb_s": hw.bandwidth_gb_s,
        "fp16_tflops": hw.fp16_tflops,
        "backend": hw.backend,
    }


def hardware_spec(hw, *, memory_gb=None, gpu_count=1, system_ram_gb=None, drives_display=False):
    return hardware_from_row(
        hardware_row(hw),
        memory_gb=memory_gb,
        gpu_count=gpu_count,
        system_ram_gb=system_ram_gb,
        drives_display=drives_display,
    )


def model_row(model):
    return {
        "slug": model.slug,
        "params_b": model.params_b,
        "active_params_b": model.active_params_b,
        "num_layers": model.layers,
        "num_kv_heads": model.kv_heads,
        "head_dim": model.head_dim,
        "attention_kind": model.attention_kind,
        "sliding_window": model.sliding_window,
        "full_attention_layers": model.full_attention_layers,
        "kv_lora_rank": model.kv_lora_rank,
        "rope_head_dim": model.rope_head_dim,
        "max_context": model.max_context,
        "modality": model.modality,
        "hidden_size": model.hidden_size,
        "num_attention_heads": model.attention_heads,
        "vocab_size": model.vocab_size,
        "hf_repo": model.hf_repo,
        "notes": model.notes,
    }


def model_spec(model):
    return model_from_row(model_row(model))


def quant_spec(quant, file_size_bytes=None):
    row = {"name": quant.name, "family": quant.family, "bits_per_weight": quant.bits_per_weight}
    return quant_from_row(row, file_size_bytes=file_size_bytes)


def default_quant():
    from catalog.models import QuantFormat

    return QuantFormat.objects.get(name=DEFAULT_QUANT_NAME)


# --- calibration --------------------------------------------------------------------------


def measurements_from_benchmarks(benchmarks):
    """Engine Measurements for benchmarks of text models."""
    measurements = []
    for b in benchmarks:
        if b.model.modality != "text":
            continue
        measurements.append(
            Measurement(
                hardware=hardware_spec(b.hardware),
                model=model_spec(b.model),
                quant=quant_spec(b.quant),
                context_tokens=b.context_tokens,
                gpu_count=b.gpu_count,
                decode_tok_s=b.decode_tok_s,
                prefill_tok_s=b.prefill_tok_s,
                runtime=b.runtime.slug if b.runtime.slug in engine.RUNTIMES else "llama-cpp",
            )
        )
    return measurements


def calibration_benchmarks():
    from catalog.models import Benchmark

    return Benchmark.objects.for_listing().verified().order_by("pk")


def current_calibration():
    """(Calibration, CalibrationRun or None): the latest stored run, or — when none is stored
    yet — one fitted from the catalog's verified benchmarks. Kept per content version."""
    from catalog import snapshot

    return snapshot.cached("calibration", _load_calibration)


def _load_calibration():
    from estimator.models import CalibrationRun

    run = CalibrationRun.objects.latest_run()
    if run:
        return Calibration.from_dict(run.data), run
    measurements = measurements_from_benchmarks(calibration_benchmarks())
    return fit_calibration(measurements), None


# --- estimates with a basis ----------------------------------------------------------------


@dataclass(frozen=True)
class Speed:
    """A speed to show: the value, its range and where it comes from."""

    value: float
    low: float
    high: float
    basis: str  # measured | community | scaled | estimated
    source_url: str = ""
    benchmark: object = None

    @property
    def basis_label(self):
        return BASIS_LABELS[self.basis]

    def as_dict(self):
        return {
            "value": round(self.value, 1),
            "low": round(self.low, 1),
            "high": round(self.high, 1),
            "basis": self.basis,
            "source_url": self.source_url or None,
        }


@dataclass(frozen=True)
class Result:
    request: object
    estimate: object
    decode: Speed | None
    prefill: Speed | None

    @property
    def verdict(self):
        return self.estimate.verdict

    @property
    def decode_tok_s(self):
        return self.decode.value if self.decode else None


def _engine_speed(speed_range):
    if speed_range is None:
        return None
    return Speed(speed_range.expected, speed_range.low, speed_range.high, "estimated")


def _nearest(benchmarks, attribute, context):
    with_value = [b for b in benchmarks if getattr(b, attribute)]
    if not with_value:
        return None
    return min(with_value, key=lambda b: (not b.verified, abs(b.context_tokens - context)))


def measured_speed(benchmarks, attribute, context, estimated):
    """The strongest basis available for this exact setup, else None."""
    best = _nearest(benchmarks, attribute, context)
    if best is None:
        return None
    value = getattr(best, attribute)
    basis = "measured" if best.verified else "community"
    low, high = value, value
    if estimated:
        # Keep the estimate's relative spread so the range still says how uncertain we are.
        low = value * estimated.low / estimated.value
        high = value * estimated.high / estimated.value
    return Speed(value, low, high, basis, best.source_url, best)


def scaled_speed(benchmark, attribute, target_hw, estimated):
    """A measurement of the same model and quant elsewhere, scaled by bandwidth (decode) or
    compute (prefill) ratio."""
    if benchmark is None or not getattr(benchmark, attribute):
        return None
    source_hw = benchmark.hardware
    if attribute == "decode_tok_s":
        ratio = target_hw.bandwidth_gb_s / source_hw.bandwidth_gb_s
    elif target_hw.fp16_tflops and source_hw.fp16_tflops:
        ratio = target_hw.fp16_tflops / source_hw.fp16_tflops
    else:
        return None
    value = getattr(benchmark, attribute) * ratio
    spread = (
        (estimated.low / estimated.value, estimated.high / estimated.value) if estimated else (1, 1)
    )
    return Speed(
        value, value * spread[0], value * spread[1], "scaled", benchmark.source_url, benchmark
    )


def build_request(
    hw,
    model,
    quant,
    *,
    context=DEFAULT_CONTEXT,
    memory_gb=None,
    gpu_count=1,
    system_ram_gb=None,
    drives_display=False,
    **options,
):
    return engine.EstimateRequest(
        hardware=hardware_spec(
            hw,
            memory_gb=memory_gb,
            gpu_count=gpu_count,
            system_ram_gb=system_ram_gb,
            drives_display=drives_display,
        ),
        model=model_spec(model),
        quant=quant_spec(quant),
        context_tokens=context,
        **options,
    )


def estimate(request, *, benchmarks=(), scaled_from=None, target_hw=None, calibration=None):
    """Run the engine and attach the strongest speed basis available.

    benchmarks: published benchmarks of this exact hardware/model/quant (single GPU).
    scaled_from: a benchmark of the same model and quant on other hardware, if any.
    """
    calibration = calibration or current_calibration()[0]
    result = engine.estimate(request, calibration)
    decode, prefill = _engine_speed(result.decode_tok_s), _engine_speed(result.prefill_tok_s)
    if result.verdict == "fits" and request.hardware.gpu_count == 1:
        decode = (
            measured_speed(benchmarks, "decode_tok_s", request.context_tokens, decode)
            or (scaled_speed(scaled_from, "decode_tok_s", target_hw, decode) if target_hw else None)
            or decode
        )
        prefill = (
            measured_speed(benchmarks, "prefill_tok_s", request.prompt_tokens, prefill)
            or (
                scaled_speed(scaled_from, "prefill_tok_s", target_hw, prefill)
                if target_hw
                else None
            )
            or prefill
        )
    return Result(request, result, decode, prefill)


def quick_estimate(hw, model, quant, context=DEFAULT_CONTEXT, calibration=None):
    """The engine alone for a catalog pair (no measurement lookup): for lists and matrices."""
    calibration = calibration or current_calibration()[0]
    return estimate(build_request(hw, model, quant, context=context), calibration=calibration)


def estimate_for_hardware(hardware_rows, model, quant, context=DEFAULT_CONTEXT):
    calibration = current_calibration()[0]
    return {hw.pk: quick_estimate(hw, model, quant, context, calibration) for hw in hardware_rows}


def estimate_for_models(hw, models, quant, context=DEFAULT_CONTEXT):
    calibration = current_calibration()[0]
    return {m.pk: quick_estimate(hw, m, quant, context, calibration) for m in models}


def largest_quant(request, quants):
    specs = {quant_spec(q).name: q for q in quants}
    best = guidance.largest_fitting_quant(request, [quant_spec(q) for q in quants])
    return specs[best.name] if best else None


def longest_context(request):
    return guidance.longest_fitting_context(request)


# --- labels for shortcodes -----------------------------------------------------------------

VERDICT_LABELS = {
    "fits": "fits",
    "partial_offload": "partial offload",
    "does_not_fit": "does not fit",
}


def weights_gb(model, quant):
    from estimator.memory import weights_bytes

    return weights_bytes(model_spec(model), quant_spec(quant)) / 1e9


def weights_label(model, quant):
    return f"{weights_gb(model, quant):.1f} GB"


def kv_cache_label(model, context):
    from estimator.memory import kv_cache_bytes

    return f"{kv_cache_bytes(model_spec(model), context, 'f16') / 1e9:.2f} GB"


def verdict_label(hw, model, quant):
    return VERDICT_LABELS[quick_estimate(hw, model, quant).verdict]


def decode_label(hw, model, quant):
    from catalog.models import Benchmark

    benchmarks = list(
        Benchmark.objects.for_listing().filter(hardware=hw, model=model, quant=quant, gpu_count=1)
    )
    result = estimate(build_request(hw, model, quant), benchmarks=benchmarks)
    if result.decode is None:
        return "no speed (does not run)"
    if result.decode.basis in {"measured", "community"}:
        speed = result.decode
        return f"{speed.value:.0f} tok/s ({speed.basis_label}: {speed.source_url})"
    return f"~{result.decode.value:.0f} tok/s (estimated)"
