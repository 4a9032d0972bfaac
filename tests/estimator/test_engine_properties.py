"""Invariants of the engine, checked on generated hardware and requests."""

from dataclasses import replace
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.estimator_accuracy import load_catalog
from estimator import EstimateRequest, HardwareSpec, estimate, fit_calibration

VERDICT_RANK = {"does_not_fit": 0, "partial_offload": 1, "fits": 2}
BACKENDS = {
    "discrete_gpu": "cuda",
    "datacenter_gpu": "cuda",
    "apple_silicon": "metal",
    "apu": "rocm",
    "cpu": "cpu",
}
QUANTS = [
    "Q4_K_M",
    "Q8_0",
    "F16",
    "IQ2_XXS",
    "AWQ 4-bit (g128)",
    "EXL2 4.0 bpw",
    "MLX 4-bit",
    "BF16 (safetensors)",
]
RUNTIMES = ["llama-cpp", "ollama", "lm-studio", "mlx-lm", "vllm", "exllamav2"]


@cache
def catalog():
    return load_catalog()


@cache
def calibration():
    return fit_calibration(catalog().measurements, "2025-01-01")


@cache
def text_models():
    """The smallest and the largest text model of each shape the engine treats differently
    (attention kind, mixture of experts, sliding window), whatever the shipped rows are called."""
    text = sorted(
        (m for m in catalog().models.values() if m.modality == "text"), key=lambda m: m.params_b
    )
    shapes = {}
    for model in text:
        shape = (model.attention_kind, bool(model.expert_count), bool(model.sliding_window))
        shapes.setdefault(shape, []).append(model)
    chosen = {m.slug: m for models in shapes.values() for m in (models[0], models[-1])}
    assert len(shapes) >= 4, "the catalog should hold text models of several shapes"
    return tuple(chosen.values())


@st.composite
def hardware_specs(draw):
    kind = draw(st.sampled_from(sorted(BACKENDS)))
    memory_gb = 0.0 if kind == "cpu" else draw(st.floats(4, 256))
    ram_gb = memory_gb if kind in ("apple_silicon", "apu") else draw(st.floats(8, 512))
    secondary = None
    if kind == "discrete_gpu" and draw(st.booleans()):
        secondary = HardwareSpec(
            kind=kind,
            memory_gb=draw(st.floats(4, 48)),
            bandwidth_gb_s=draw(st.floats(100, 1800)),
            fp16_tflops=draw(st.none() | st.floats(5, 400)),
        )
    return HardwareSpec(
        secondary=secondary,
        kind=kind,
        memory_gb=memory_gb,
        bandwidth_gb_s=draw(st.floats(50, 4000)),
        fp16_tflops=draw(st.none() | st.floats(5, 1000)),
        gpu_count=draw(st.integers(1, 4)) if kind.endswith("_gpu") else 1,
        system_ram_gb=ram_gb,
        system_ram_bandwidth_gb_s=draw(st.floats(40, 800)),
        backend=BACKENDS[kind],
        drives_display=draw(st.booleans()),
    )


@st.composite
def requests(draw):
    hardware = draw(hardware_specs())
    runtime = draw(st.sampled_from(RUNTIMES))
    return EstimateRequest(
        hardware=hardware,
        model=draw(st.sampled_from(text_models())),
        quant=catalog().quants[draw(st.sampled_from(QUANTS))],
        context_tokens=draw(st.integers(256, 131072)),
        kv_cache_type=draw(st.sampled_from(["f16", "q8_0", "q4_0"])),
        runtime=runtime,
        prompt_tokens=draw(st.integers(0, 8192)),
        offload=draw(st.sampled_from(["auto", "layers", "experts", "none"])),
        split_mode=draw(st.sampled_from(["layer", "tensor"])),
    )


@settings(max_examples=150, deadline=None)
@given(requests(), st.floats(1.0, 4.0))
def test_more_memory_never_turns_fits_into_does_not_fit(request, factor):
    hardware = request.hardware
    bigger = replace(
        hardware,
        memory_gb=hardware.memory_gb * factor,
        system_ram_gb=hardware.system_ram_gb * factor,
    )
    before = estimate(request, calibration())
    after = estimate(replace(request, hardware=bigger), calibration())
    if before.verdict == "fits":
        assert after.verdict == "fits"
    if before.verdict != "does_not_fit" and not hardware.unified_memory:
        assert VERDICT_RANK[after.verdict] >= VERDICT_RANK[before.verdict]


@settings(max_examples=150, deadline=None)
@given(requests(), st.floats(1.0, 4.0))
def test_more_bandwidth_never_lowers_tokens_per_second(request, factor):
    faster = replace(
        request.hardware,
        bandwidth_gb_s=request.hardware.bandwidth_gb_s * factor,
        system_ram_bandwidth_gb_s=request.hardware.system_ram_bandwidth_gb_s * factor,
    )
    before = estimate(request, calibration())
    after = estimate(replace(request, hardware=faster), calibration())
    if before.decode_tok_s is None:
        assert after.decode_tok_s is None
        return
    assert after.decode_tok_s.expected >= before.decode_tok_s.expected * (1 - 1e-9)
    if before.offload == after.offload:
        assert after.prefill_tok_s.expected >= before.prefill_tok_s.expected * (1 - 1e-9)


@settings(max_examples=150, deadline=None)
@given(requests(), st.integers(1, 65536))
def test_longer_context_never_lowers_memory(request, extra_tokens):
    longer = replace(request, context_tokens=request.context_tokens + extra_tokens)
    before = estimate(request, calibration()).memory
    after = estimate(longer, calibration()).memory
    assert after.kv_cache_gb >= before.kv_cache_gb
    assert after.total_gb >= before.total_gb


@settings(max_examples=100, deadline=None)
@given(requests())
def test_estimates_are_internally_consistent(request):
    result = estimate(request, calibration())
    memory = result.memory
    assert memory.total_gb == pytest.approx(
        memory.weights_gb + memory.kv_cache_gb + memory.overhead_gb
    )
    assert memory.gpu_gb + memory.system_ram_gb == pytest.approx(memory.total_gb)
    assert result.verdict in VERDICT_RANK and result.reason.endswith(".")
    if result.verdict == "does_not_fit":
        assert result.decode_tok_s is None
    else:
        for speed in (result.decode_tok_s, result.prefill_tok_s, result.time_to_first_token_s):
            assert 0 < speed.low <= speed.expected <= speed.high
