"""Will this model run on this hardware, and how fast? The estimator's public entry points.

    estimate(request, calibration) -> Estimate
    fits(request) -> bool                      (memory only, no speeds)

Guidance built on them (largest quant, longest context) lives in guidance.py.

Pure Python: frozen dataclasses in, frozen dataclasses out. GB = 10^9 bytes throughout.
"""

from dataclasses import dataclass, replace

from estimator import advice, memory
from estimator.calibration import Calibration, Chosen
from estimator.commands import command_lines
from estimator.compatibility import conflicts
from estimator.constants import (
    BYTES_PER_GB,
    DEFAULT_CONTEXT_TOKENS,
    DEFAULT_PROMPT_TOKENS,
    RUNTIMES,
    VLLM_RUNTIME_OVERHEAD_BYTES,
)
from estimator.media import media_fit
from estimator.placement import Footprint, Placement, expert_offload, layer_offload, on_cpu, on_gpus
from estimator.specs import HardwareSpec, ModelSpec, QuantSpec
from estimator.speed import decode_tok_s, prefill_seconds_per_token

VERDICTS = ("fits", "partial_offload", "does_not_fit")
OFFLOAD_MODES = frozenset({"auto", "none", "layers", "experts"})
SPLIT_MODES = frozenset({"layer", "tensor"})


@dataclass(frozen=True)
class EstimateRequest:
    """One question. model_ref names the weights in commands (GGUF file, Ollama tag, HF repo)."""

    hardware: HardwareSpec
    model: ModelSpec
    quant: QuantSpec
    context_tokens: int = DEFAULT_CONTEXT_TOKENS
    kv_cache_type: str = "f16"
    runtime: str = "llama-cpp"
    prompt_tokens: int = DEFAULT_PROMPT_TOKENS
    depth: int = 0  # tokens already in the context before the prompt (llama-bench -d)
    offload: str = "auto"  # auto | none | layers | experts (MoE experts in system RAM)
    split_mode: str = "layer"  # layer | tensor, for several GPUs
    image_size_px: int = 1024  # image models: width = height of each generated image
    batch_size: int = 1  # image models: images per batch; speech: parallel 30 s windows
    model_ref: str = ""

    def __post_init__(self):
        if self.runtime not in RUNTIMES:
            raise ValueError(f"unknown runtime {self.runtime!r}")
        if self.offload not in OFFLOAD_MODES:
            raise ValueError(f"unknown offload mode {self.offload!r}")
        if self.split_mode not in SPLIT_MODES:
            raise ValueError(f"unknown split mode {self.split_mode!r}")
        if self.context_tokens < 1 or self.prompt_tokens < 0 or self.depth < 0:
            raise ValueError(
                "context_tokens must be positive, prompt_tokens and depth not negative"
            )


@dataclass(frozen=True)
class SpeedRange:
    """A point estimate and the range measured runs fell in during calibration (about 80%)."""

    low: float
    expected: float
    high: float


@dataclass(frozen=True)
class MemoryBreakdown:
    """GB (10^9 bytes). total = weights + kv_cache + overhead; gpu + system_ram = total."""

    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    total_gb: float
    gpu_gb: float
    system_ram_gb: float


@dataclass(frozen=True)
class Estimate:
    """The answer. decode_tok_s is the mean speed while generating from the end of the prompt
    to the end of the context (as llama-bench tgN averages); prefill_tok_s and
    time_to_first_token_s are for a prompt of prompt_tokens. Speeds are None when the model
    does not run, and always for image and speech models (shown only when measured)."""

    verdict: str  # fits | partial_offload | does_not_fit
    reason: str
    memory: MemoryBreakdown
    usable_gb: float  # GPU memory the runtime may fill (all cards)
    system_ram_usable_gb: float  # RAM free for offloaded weights
    gpu_layers: int | None
    total_layers: int | None
    offload: str  # none | layers | experts | cpu (image/speech partial offload: layers)
    cpu_moe_layers: int
    context_tokens: int
    decode_tok_s: SpeedRange | None
    prefill_tok_s: SpeedRange | None
    time_to_first_token_s: SpeedRange | None
    notes: tuple[str, ...]
    commands: tuple[str, ...]
    method: str


def _gb(value_bytes: float) -> float:
    return value_bytes / BYTES_PER_GB


def incompatibility(request: EstimateRequest) -> str | None:
    """Why this runtime cannot run this model on this hardware, or None."""
    found = conflicts(
        request.runtime,
        hardware_kind=request.hardware.kind,
        backend=request.hardware.backend,
        quant_family=request.quant.family,
        quant_name=request.quant.name,
    )
    return found[0].message if found else None


@dataclass(frozen=True)
class _Plan:
    """Where everything goes, before speeds are known."""

    verdict: str
    options: tuple[Placement, ...]  # candidates; the fastest is chosen
    footprint: Footprint
    buffer_bytes: float
    usable_bytes: float
    ram_usable_bytes: float
    kv_cache_type: str
    vllm_pool_bytes: float = 0.0
    extra_bytes: float = 0.0  # vision projector / auxiliary encoders, inside buffer_bytes


def _footprint(request: EstimateRequest, kv_cache_type: str) -> Footprint:
    model = request.model
    return Footprint(
        memory.weights_bytes(model, request.quant),
        memory.kv_cache_bytes(model, request.context_tokens, kv_cache_type),
        max(model.layers, 1),
        model.active_b / model.params_b,
        memory.shared_params_b(model) / model.params_b,
    )


def _plan(request: EstimateRequest) -> _Plan:
    profile, hardware = RUNTIMES[request.runtime], request.hardware
    kv_type = request.kv_cache_type if request.kv_cache_type in profile.kv_cache_types else "f16"
    footprint = _footprint(request, kv_type)
    needed = footprint.weight_bytes + footprint.kv_bytes
    cards = hardware.cards()
    usable = memory.usable_gpu_bytes_per_card(hardware)
    ram = memory.usable_system_ram_bytes(hardware)
    extra = memory.extra_weight_bytes(request.model)
    plan = dict(
        footprint=footprint,
        usable_bytes=sum(usable),
        ram_usable_bytes=ram,
        kv_cache_type=kv_type,
        extra_bytes=extra,
    )
    if not cards:
        buffer = memory.compute_buffer_bytes(request.model, request.context_tokens, profile)
        buffer += extra
        if needed + buffer > ram:
            return _Plan("does_not_fit", (), buffer_bytes=buffer, **plan)
        return _Plan("fits", (on_cpu(footprint),), buffer_bytes=buffer, **plan)
    if request.runtime == "vllm":
        return _vllm_plan(request, footprint, usable, plan)
    buffers = [
        memory.compute_buffer_bytes(
            request.model, request.context_tokens, profile, with_logits=i == 0
        )
        for i in range(len(cards))
    ]
    buffers[0] += extra  # the projector / encoder sits on the main GPU
    free = [u - b for u, b in zip(usable, buffers, strict=True)]
    split = request.split_mode if request.split_mode in profile.split_modes else "layer"
    enough = needed / len(cards) <= min(free) if split == "tensor" else needed <= sum(free)
    plan["buffer_bytes"] = sum(buffers)
    if enough:
        return _Plan("fits", (on_gpus(cards, free, footprint, split),), **plan)
    options = []
    if profile.cpu_offload and request.offload in ("auto", "layers"):
        options.append(layer_offload(cards, free, footprint))
    if request.model.is_moe and profile.expert_offload and request.offload in ("auto", "experts"):
        experts = expert_offload(cards, free, footprint)
        options += [experts] if experts else []
    options = [p for p in options if p.system_ram_bytes <= ram]
    return _Plan("partial_offload" if options else "does_not_fit", tuple(options), **plan)


def _vllm_plan(request: EstimateRequest, footprint: Footprint, usable, plan: dict) -> _Plan:
    """vLLM grabs 90% of every GPU up front, then fills what the weights leave with KV pool."""
    cards = request.hardware.cards()
    budgets = [
        min(memory.vllm_budget_bytes(card), free - VLLM_RUNTIME_OVERHEAD_BYTES)
        for card, free in zip(cards, usable, strict=True)
    ]
    split = "tensor" if request.split_mode == "tensor" or len(cards) > 1 else "layer"
    plan["usable_bytes"] = sum(budgets) + VLLM_RUNTIME_OVERHEAD_BYTES * len(cards)
    enough = (footprint.weight_bytes + footprint.kv_bytes) / len(cards) <= min(budgets)
    options = (on_gpus(cards, budgets, footprint, split),) if enough else ()
    return _Plan(
        "fits" if enough else "does_not_fit",
        options,
        buffer_bytes=VLLM_RUNTIME_OVERHEAD_BYTES * len(cards),
        vllm_pool_bytes=max(sum(budgets) - footprint.weight_bytes, 0.0),
        **plan,
    )


def _factors_for(request: EstimateRequest, calibration: Calibration):
    backend, runtime = request.hardware.backend, request.runtime

    def factors(card):
        decode = calibration.decode_group(card, backend, runtime).decode
        return decode, calibration.prefill_group(card, backend, runtime).prefill

    return factors


def _kv_read_bytes(request: EstimateRequest, kv_type: str) -> float:
    """KV read per token, generating from the end of the prompt (after `depth` tokens already in
    the context) until the context is full (the mean)."""
    start = min(request.depth + request.prompt_tokens, request.context_tokens)
    mean_tokens = (start + request.context_tokens) // 2
    return memory.kv_cache_bytes(request.model, mean_tokens, kv_type)


def _decode(request, plan: _Plan, placement: Placement, calibration: Calibration) -> float:
    return decode_tok_s(
        placement,
        request.hardware,
        _kv_read_bytes(request, plan.kv_cache_type),
        _factors_for(request, calibration),
        calibration.gpu_hop_s,
    )


def _speeds(request, plan: _Plan, placement: Placement, calibration: Calibration):
    """(decode, prefill, time to first token) ranges, and the groups they came from."""
    card = placement.gpu_shares[0].card if placement.gpu_shares else None
    backend, runtime = request.hardware.backend, request.runtime
    decode_choice = calibration.decode_for(card, backend, runtime)
    prefill_choice = calibration.prefill_for(card, backend, runtime)
    decode = _decode(request, plan, placement, calibration)
    prompt = max(min(request.prompt_tokens, request.context_tokens - request.depth), 1)
    seconds_per_prompt_token = prefill_seconds_per_token(
        placement,
        request.hardware,
        request.model,
        prompt,
        RUNTIMES[request.runtime].prompt_chunk_tokens,
        _factors_for(request, calibration),
        request.quant,
        min(request.depth, request.context_tokens),
    )
    prefill = 1 / seconds_per_prompt_token
    decode_low, decode_high = decode_choice.decode_range()
    prefill_low, prefill_high = prefill_choice.prefill_range()
    decode_range = SpeedRange(decode * decode_low, decode, decode * decode_high)
    prefill_range = SpeedRange(prefill * prefill_low, prefill, prefill * prefill_high)
    ttft = SpeedRange(
        prompt / prefill_range.high + 1 / decode_range.high,
        prompt / prefill + 1 / decode,
        prompt / prefill_range.low + 1 / decode_range.low,
    )
    return decode_range, prefill_range, ttft, (decode_choice, prefill_choice)


def estimate(request: EstimateRequest, calibration: Calibration | None = None) -> Estimate:
    """Verdict, memory breakdown, speeds with ranges, notes and commands for one request."""
    calibration = calibration or Calibration()
    if request.model.modality != "text":
        return _non_text_estimate(request)
    problem = incompatibility(request)
    plan = _plan(request)
    if problem:
        plan = replace(plan, verdict="does_not_fit", options=())
    placement = max(
        plan.options, key=lambda p: _decode(request, plan, p, calibration), default=None
    )
    speeds = None
    if placement is not None and not problem:
        speeds = _speeds(request, plan, placement, calibration)
    return _assemble(request, plan, placement, speeds, problem)


def _raised_wired_limit(request: EstimateRequest, plan: _Plan):
    """On a Mac that misses only because of the GPU wired limit: (iogpu.wired_limit_mb value,
    placement once raised), else (None, None)."""
    if request.hardware.kind != "apple_silicon" or plan.verdict == "fits":
        return None, None
    footprint = plan.footprint
    needed = footprint.weight_bytes + footprint.kv_bytes + plan.buffer_bytes
    limit_mb = memory.wired_limit_mb_needed(needed, request.hardware)
    if limit_mb is None:
        return None, None
    raised = replace(request.hardware, wired_limit_gb=limit_mb / 1024)
    raised_plan = _plan(replace(request, hardware=raised))
    if raised_plan.verdict != "fits":
        return None, None
    return limit_mb, raised_plan.options[0]


def _assemble(request, plan: _Plan, placement, speeds, problem) -> Estimate:
    footprint = plan.footprint
    kv_bytes = footprint.kv_bytes
    if request.runtime == "vllm":
        kv_bytes = max(plan.vllm_pool_bytes, kv_bytes)  # vLLM allocates its whole pool up front
    total = footprint.weight_bytes + kv_bytes + plan.buffer_bytes
    in_ram = placement.system_ram_bytes if placement else 0.0
    if placement and placement.mode == "cpu":
        in_ram = total
    decode, prefill, ttft, groups = speeds or (None, None, None, ())
    wired_mb, raised_placement = (None, None) if problem else _raised_wired_limit(request, plan)
    memory_gb = MemoryBreakdown(
        weights_gb=_gb(footprint.weight_bytes + plan.extra_bytes),
        kv_cache_gb=_gb(kv_bytes),
        overhead_gb=_gb(plan.buffer_bytes - plan.extra_bytes),
        total_gb=_gb(total),
        gpu_gb=_gb(total - in_ram),
        system_ram_gb=_gb(in_ram),
    )
    return Estimate(
        verdict=plan.verdict,
        reason=advice.reason(request, plan, placement, problem),
        memory=memory_gb,
        usable_gb=_gb(plan.usable_bytes),
        system_ram_usable_gb=_gb(plan.ram_usable_bytes),
        gpu_layers=placement.gpu_layers if placement else None,
        total_layers=request.model.layers or None,
        offload=_offload_label(placement),
        cpu_moe_layers=placement.cpu_moe_layers if placement else 0,
        context_tokens=request.context_tokens,
        decode_tok_s=decode,
        prefill_tok_s=prefill,
        time_to_first_token_s=ttft,
        notes=advice.notes(request, plan, placement, groups, wired_mb),
        commands=()
        if problem
        else command_lines(request, raised_placement or placement, plan.kv_cache_type, wired_mb),
        method=_method(groups),
    )


def _offload_label(placement: Placement | None) -> str:
    if placement is None or placement.mode == "gpu":
        return "none"
    return placement.mode


def _method(choices: tuple[Chosen, ...]) -> str:
    if not choices:
        return "Memory from weights, KV cache and runtime buffers; no speed estimate."
    keys = ", ".join(dict.fromkeys(choice.group.key for choice in choices))
    return (
        "Decode: bytes read per token over calibrated effective bandwidth; prefill: FLOPs per "
        f"token over calibrated effective compute (calibration groups: {keys})."
    )


def _non_text_estimate(request: EstimateRequest) -> Estimate:
    """Image and speech models: a memory verdict from weights + working memory, no speed."""
    fit = media_fit(request)
    return Estimate(
        verdict=fit.verdict,
        reason=fit.reason,
        memory=MemoryBreakdown(
            _gb(fit.weights_bytes),
            0.0,
            _gb(fit.working_bytes),
            _gb(fit.total_bytes),
            _gb(fit.gpu_bytes),
            _gb(fit.total_bytes - fit.gpu_bytes),
        ),
        usable_gb=_gb(fit.usable_bytes),
        system_ram_usable_gb=_gb(fit.ram_usable_bytes),
        gpu_layers=None,
        total_layers=None,
        offload="none" if fit.verdict == "fits" else "layers",
        cpu_moe_layers=0,
        context_tokens=request.context_tokens,
        decode_tok_s=None,
        prefill_tok_s=None,
        time_to_first_token_s=None,
        notes=("No measured speed for this model on this hardware.",),
        commands=(),
        method=fit.method,
    )


def fits(request: EstimateRequest) -> bool:
    """Whether everything fits on the GPU (or in RAM on a CPU-only machine), without speeds."""
    if request.model.modality != "text":
        return media_fit(request).verdict == "fits"
    return incompatibility(request) is None and _plan(request).verdict == "fits"
