"""The sentences an estimate carries: the one-line reason for its verdict, and its notes."""

from estimator.compatibility import BACKEND_LABELS
from estimator.constants import (
    BYTES_PER_GIB,
    DISPLAY_RESERVED_BYTES,
    RUNTIMES,
    SYSTEM_RAM_OS_RESERVED_BYTES,
    TENSOR_PARALLEL_EFFICIENCY,
)
from estimator.memory import apple_gpu_share, capacity_bytes, ollama_default_context

KIND_LABELS = {
    "discrete_gpu": "this card class (discrete GPUs)",
    "datacenter_gpu": "this card class (data-centre GPUs)",
    "apple_silicon": "Apple Silicon",
    "apu": "unified-memory PCs",
    "cpu": "CPUs",
}


def _gb(value_bytes: float) -> str:
    """Memory in the binary unit it is sold in (a card sold as "24 GB" holds 24 GiB)."""
    return f"{value_bytes / BYTES_PER_GIB:.1f} GiB"


def reason(request, plan, placement, problem: str | None) -> str:
    """One sentence saying why the verdict is what it is."""
    if problem:
        return problem
    footprint = plan.footprint
    need_bytes = footprint.weight_bytes + footprint.kv_bytes + plan.buffer_bytes
    need, usable, ram = _gb(need_bytes), _gb(plan.usable_bytes), _gb(plan.ram_usable_bytes)
    if not request.hardware.cards() and plan.verdict == "fits":
        return f"Runs on the CPU: needs {need} of the {ram} of system RAM available."
    if not request.hardware.cards():
        return f"Needs {need} but only {ram} of system RAM is free."
    if plan.verdict == "fits":
        spare = _gb(max(plan.usable_bytes - need_bytes, 0.0))
        return f"Needs {need} of the {usable} of usable GPU memory, leaving {spare} spare."
    if _tight_on_a_mac(request, plan, need_bytes):
        return (
            f"Tight: needs {need}, which fits the Mac's {request.hardware.memory_gb:g} GB but "
            f"not the {usable} GPU working set macOS recommends, so it swaps or runs partly on "
            "the CPU."
        )
    short = f"Needs {need} but only {usable} of GPU memory is usable"
    if plan.verdict == "partial_offload" and placement.mode == "experts":
        layers = f"{placement.cpu_moe_layers} of {placement.total_layers} layers"
        return f"{short}, so the expert weights of {layers} stay in system RAM."
    if plan.verdict == "partial_offload":
        layers = f"{placement.gpu_layers} of {placement.total_layers} layers"
        return f"{short}, so {layers} run on the GPU and the rest from system RAM."
    if RUNTIMES[request.runtime].cpu_offload and request.offload != "none":
        return f"Needs {need}: more than the {usable} of usable GPU memory plus {ram} of free RAM."
    return f"{short}, and {request.runtime} keeps everything on the GPU."


def _tight_on_a_mac(request, plan, need_bytes: float) -> bool:
    """Fits the Mac's memory (less what macOS keeps) but not the GPU working set."""
    hardware = request.hardware
    if hardware.kind != "apple_silicon" or plan.verdict == "fits":
        return False
    return need_bytes <= capacity_bytes(hardware) - SYSTEM_RAM_OS_RESERVED_BYTES


def notes(request, plan, placement, groups, wired_limit_mb: int | None) -> tuple[str, ...]:
    """Caveats and tips that apply to this request."""
    return tuple(
        note
        for note in (
            *_memory_notes(request, plan, wired_limit_mb),
            *_runtime_notes(request, plan),
            *_placement_notes(request, placement),
            *_calibration_notes(request, groups),
        )
        if note
    )


def _memory_notes(request, plan, wired_limit_mb):
    hardware, model = request.hardware, request.model
    if hardware.kind == "apple_silicon" and hardware.wired_limit_gb:
        yield f"GPU wired limit raised to {hardware.wired_limit_gb:g} GiB (iogpu.wired_limit_mb)."
    elif hardware.kind == "apple_silicon":
        share = apple_gpu_share(hardware.memory_gb)
        yield (
            f"macOS lets the GPU use about {share:.0%} of unified memory by default "
            f"({_gb(plan.usable_bytes)}); `sudo sysctl iogpu.wired_limit_mb=N` raises it "
            "until the next reboot."
        )
        if wired_limit_mb and plan.verdict != "fits":
            yield f"With iogpu.wired_limit_mb={wired_limit_mb} this model fits on the GPU."
    if model.extra_weights_gb:
        yield (
            f"Includes {_gb(model.extra_weights_gb * 1e9)} of weights loaded beside the model "
            "(vision projector or text encoder)."
        )
    if hardware.drives_display and hardware.cards():
        yield f"{_gb(DISPLAY_RESERVED_BYTES)} is kept free for the desktop this GPU drives."
    if model.max_context and request.context_tokens > model.max_context:
        yield f"The context is longer than the model's maximum of {model.max_context:,} tokens."
    if plan.kv_cache_type != request.kv_cache_type:
        yield f"{request.runtime} has no {request.kv_cache_type} KV cache; estimated with f16."


def _runtime_notes(request, plan):
    kv_quantized = plan.kv_cache_type != "f16"
    if kv_quantized and request.runtime in ("llama-cpp", "lm-studio"):
        yield "KV-cache quantization needs flash attention in llama.cpp (-fa on)."
    if kv_quantized and request.runtime == "ollama":
        yield "Ollama quantizes the KV cache only with OLLAMA_FLASH_ATTENTION=1 set."
    if request.runtime == "ollama":
        default = ollama_default_context(request.hardware)
        if default != request.context_tokens:
            yield (
                f"Ollama's default context on this GPU is {default:,} tokens; the command sets "
                f"OLLAMA_CONTEXT_LENGTH={request.context_tokens}."
            )
    if request.runtime == "vllm" and plan.verdict == "fits":
        yield (
            f"vLLM reserves 90% of each GPU (--gpu-memory-utilization 0.9); the "
            f"{_gb(plan.vllm_pool_bytes)} KV pool beyond the weights serves this context "
            "and concurrent requests."
        )
    if request.runtime == "vllm" and plan.verdict == "does_not_fit":
        yield "vLLM can stream weights from RAM (--cpu-offload-gb), but tokens then wait on PCIe."


def _placement_notes(request, placement):
    if placement is None:
        return
    gpus = placement.gpu_shares
    if len(gpus) > 1 and placement.split_mode == "layer":
        yield "Layer split: each token visits the GPUs in turn, so speed is about one card's."
    if len(gpus) > 1 and placement.split_mode == "tensor":
        yield (
            f"Tensor parallel: every GPU reads its slice at once; {TENSOR_PARALLEL_EFFICIENCY:.0%} "
            "communication efficiency assumed (not yet calibrated)."
        )
    if placement.mode == "layers":
        yield "Layers in system RAM run at RAM bandwidth: they dominate the time per token."
    if placement.mode == "experts":
        yield "Attention and shared weights stay on the GPU; only routed experts are read from RAM."


def _calibration_notes(request, choices):
    """Say when a speed rests on a broader group than the question's own, and on what."""
    hardware = request.hardware
    seen = set()
    for which, choice in zip(("Generation", "Prompt"), choices, strict=False):
        group = choice.group
        if group.key in seen and not group.is_prior:
            continue
        seen.add(group.key)
        if group.is_prior:
            yield (
                f"{which} speed: no measurements cover this hardware, so it uses a stated "
                "prior and the range is a guess."
            )
        elif choice.level:
            yield f"{which} speed: {_fallback_sentence(request, hardware, group)}"


def _fallback_sentence(request, hardware, group) -> str:
    backend = BACKEND_LABELS.get(hardware.backend, hardware.backend)
    kind = KIND_LABELS.get(hardware.kind, hardware.kind)
    runtime = RUNTIMES[request.runtime].name
    derived = "/".join(BACKEND_LABELS.get(b, b) for b in group.backends) or "other"
    class_wide = group.key == "global" or "/" not in group.key
    if not class_wide:
        return (
            f"no {runtime} measurements on {backend} for {kind}; derived from {backend} runs "
            "of other runtimes or hardware, so the range is wider."
        )
    if hardware.backend in group.backends:
        return (
            f"too few {backend} measurements for {kind} to fit on their own; derived from "
            f"{derived} runs, so the range is wider."
        )
    return f"no {backend} measurements for {kind}; {derived}-derived, so the range is wider."
