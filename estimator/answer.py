"""One answer for the page, the JSON API and the CLI: validated inputs in, everything shown out.

`answer_for(cleaned_data)` runs the engine through estimator.service (so measured speeds
replace estimates where the catalog has them) and adds the guidance: largest quant, longest
context, commands, and the benchmarks of this pair. `as_json(answer)` is the API's body.
"""

from dataclasses import dataclass, replace

from catalog import snapshot
from estimator import service
from estimator.constants import DEFAULT_SYSTEM_RAM_BANDWIDTH_GB_S
from estimator.specs import HardwareSpec

VERDICT_TEXT = {
    "fits": "Fits",
    "partial_offload": "Runs with partial offload",
    "does_not_fit": "Does not fit",
}


@dataclass(frozen=True)
class Answer:
    inputs: dict
    result: service.Result
    largest_quant: object  # QuantFormat or None
    max_context: int
    benchmarks: list
    calibration_run: object
    assumed: tuple = ()

    @property
    def estimate(self):
        return self.result.estimate

    @property
    def verdict(self):
        return self.result.estimate.verdict

    @property
    def verdict_text(self):
        return VERDICT_TEXT[self.verdict]

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


def _quants_for_guidance():
    return list(snapshot.current().quants.values())


def hardware_spec_for(data):
    """The hardware as asked: a catalog row (or one of its memory configurations) with any raw
    values given replacing the catalog's, or a custom machine from raw values alone."""
    hw = data.get("hardware")
    if hw is None:
        return HardwareSpec(
            kind=data["hardware_kind"],
            memory_gb=0.0 if data["hardware_kind"] == "cpu" else data["memory_gb"],
            bandwidth_gb_s=data["bandwidth_gb_s"],
            fp16_tflops=data.get("fp16_tflops"),
            gpu_count=data["gpu_count"],
            system_ram_gb=data["system_ram_gb"],
            system_ram_bandwidth_gb_s=data.get("system_ram_bandwidth_gb_s")
            or DEFAULT_SYSTEM_RAM_BANDWIDTH_GB_S,
            backend=CUSTOM_BACKENDS[data["hardware_kind"]],
            drives_display=data.get("drives_display", False),
            name="custom",
        )
    spec = service.hardware_spec(
        hw,
        memory_gb=data.get("memory_gb") or data.get("variant_memory_gb"),
        gpu_count=data["gpu_count"],
        system_ram_gb=data["system_ram_gb"],
        drives_display=data.get("drives_display", False),
    )
    return with_overrides(
        spec,
        bandwidth_gb_s=data.get("bandwidth_gb_s"),
        fp16_tflops=data.get("fp16_tflops"),
        system_ram_bandwidth_gb_s=data.get("system_ram_bandwidth_gb_s"),
    )


# A custom machine's backend follows its kind (vendor unknown: CUDA is the common case).
CUSTOM_BACKENDS = {
    "discrete_gpu": "cuda",
    "datacenter_gpu": "cuda",
    "apple_silicon": "metal",
    "apu": "vulkan",
    "cpu": "cpu",
}


def answer_for(data):
    """Answer for a validated form's cleaned_data."""
    hw, model, quant = data.get("hardware"), data["model"], data["quant"]
    model_spec = replace(service.model_spec(model), **data.get("model_overrides", {}))
    quant_spec = service.quant_spec(quant)
    if data.get("bits_per_weight"):
        quant_spec = replace(quant_spec, bits_per_weight=data["bits_per_weight"])
    calibration, run = service.current_calibration()
    request = service.engine.EstimateRequest(
        hardware=hardware_spec_for(data),
        model=model_spec,
        quant=quant_spec,
        context_tokens=data["context"],
        kv_cache_type=data["kv_cache_type"],
        runtime=data["runtime"],
    )
    benchmarks, scaled_from = [], None
    if hw is not None:
        catalog = snapshot.current()
        benchmarks = catalog.benchmarks_for(hardware=hw, model=model, quant=quant)
        elsewhere = [
            b
            for b in catalog.benchmarks_for(model=model, quant=quant)
            if b.verified and b.gpu_count == 1 and b.hardware_id != hw.pk and b.decode_tok_s
        ]
        scaled_from = min(elsewhere, key=lambda b: (b.context_tokens, b.pk), default=None)
    measured_here = [b for b in benchmarks if b.gpu_count == 1] if data["gpu_count"] == 1 else []
    raw_hardware = hw is None or any(
        data.get(name) for name in ("bandwidth_gb_s", "fp16_tflops", "memory_gb")
    )
    result = service.estimate(
        request,
        benchmarks=[] if raw_hardware or data.get("model_overrides") else measured_here,
        scaled_from=None if raw_hardware else scaled_from,
        target_hw=hw,
        calibration=calibration,
    )
    quants = [q for q in _quants_for_guidance() if q.family == quant.family] or [quant]
    return Answer(
        inputs=data,
        result=result,
        largest_quant=service.largest_quant(request, quants),
        max_context=service.longest_context(request) if model.modality == "text" else 0,
        benchmarks=benchmarks,
        calibration_run=run,
        assumed=tuple(data.get("assumed", ())),
    )


def _speed_json(speed):
    if speed is None:
        return None
    return speed.as_dict()


def echo_inputs(data, hardware_spec):
    hw = data.get("hardware")
    return {
        "hardware": hw.slug if hw else "custom",
        "hardware_kind": hardware_spec.kind,
        "memory_gb": hardware_spec.memory_gb,
        "bandwidth_gb_s": hardware_spec.bandwidth_gb_s,
        "fp16_tflops": hardware_spec.fp16_tflops,
        "gpu_count": hardware_spec.gpu_count,
        "system_ram_gb": hardware_spec.system_ram_gb,
        "model": data["model"].slug,
        "quant": data["quant"].name,
        "context": data["context"],
        "kv_cache_type": data["kv_cache_type"],
        "runtime": data["runtime"],
    }


def as_json(answer):
    """The API's response body."""
    estimate = answer.estimate
    memory = estimate.memory
    run = answer.calibration_run
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
        "decode_tok_s": _speed_json(answer.result.decode),
        "prefill_tok_s": _speed_json(answer.result.prefill),
        "largest_quant_that_fits": answer.largest_quant.name if answer.largest_quant else None,
        "max_context_that_fits": answer.max_context,
        "commands": list(estimate.commands),
        "notes": list(estimate.notes),
        "inputs": echo_inputs(answer.inputs, answer.result.request.hardware),
        "assumed": list(answer.assumed),
        "calibration": {
            "date": run.fitted_on.isoformat() if run else None,
            "measurements": run.measurement_count if run else None,
        },
    }


def with_overrides(spec: HardwareSpec, **changes):
    """A hardware spec with raw API values replacing the catalog's."""
    return replace(spec, **{key: value for key, value in changes.items() if value is not None})
