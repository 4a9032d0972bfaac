"""Memory physics: weight, KV-cache and working-buffer sizes, and what each device can hold.

All sizes are bytes (float). Conversions to GB happen only in the Estimate.
"""

import math

from estimator.constants import (
    ACTIVATION_BYTES,
    ACTIVATION_TENSORS_ALIVE,
    APPLE_GPU_SHARE_LARGE,
    APPLE_GPU_SHARE_SMALL,
    APPLE_SMALL_MEMORY_LIMIT_GB,
    APU_GPU_SHARE,
    ATTENTION_SCORE_BYTES,
    BYTES_PER_GIB,
    DISPLAY_RESERVED_BYTES,
    FALLBACK_COMPUTE_BUFFER_BYTES,
    GPU_DRIVER_RESERVED_BYTES,
    KV_BYTES_PER_ELEMENT,
    LOGIT_BYTES,
    MARKETED_MEMORY_BYTES_PER_GB,
    MOE_SHARED_SHARE_OF_ACTIVE,
    OLLAMA_DEFAULT_CONTEXT_BY_VRAM_GIB,
    SYSTEM_RAM_OS_RESERVED_BYTES,
    VLLM_GPU_MEMORY_UTILIZATION,
    VLLM_RUNTIME_OVERHEAD_BYTES,
    RuntimeProfile,
)
from estimator.specs import HardwareSpec, ModelSpec, QuantSpec


def weights_bytes(model: ModelSpec, quant: QuantSpec) -> float:
    """Bytes of all weights: the known file size, else params x bits per weight / 8."""
    if quant.file_size_bytes:
        return float(quant.file_size_bytes)
    return model.params_b * 1e9 * quant.bits_per_weight / 8


def extra_weight_bytes(model: ModelSpec) -> float:
    """Weights loaded beside the model's own: a vision projector (mmproj), text encoders."""
    return (model.extra_weights_gb or 0.0) * 1e9


def shared_params_b(model: ModelSpec) -> float:
    """Parameters every token uses (attention, shared experts, embeddings); all of a dense model.

    With E experts of which k are routed per token, total = shared + experts and
    active = shared + experts x k/E, so experts = (total - active) / (1 - k/E).
    """
    if not model.is_moe:
        return model.params_b
    if model.expert_count and model.experts_per_token:
        routed_share = model.experts_per_token / model.expert_count
        experts_b = (model.params_b - model.active_b) / (1 - routed_share)
        return max(model.params_b - experts_b, 0.0)
    return model.active_b * MOE_SHARED_SHARE_OF_ACTIVE


def kv_elements_per_token_per_layer(model: ModelSpec) -> int:
    """Cached values per token per layer: K and V heads, or MLA's compressed latent + RoPE key."""
    if model.attention_kind == "mla":
        return (model.kv_lora_rank or 0) + (model.rope_head_dim or 0)
    return 2 * model.kv_heads * model.head_dim


def kv_cache_bytes(model: ModelSpec, context_tokens: int, kv_cache_type: str = "f16") -> float:
    """KV-cache bytes at a context: sliding-window layers hold at most `sliding_window` tokens;
    in a hybrid model only the full-attention layers keep a cache that grows with the context
    (linear-attention layers keep a fixed-size state, counted in the runtime buffers)."""
    per_token_layer = kv_elements_per_token_per_layer(model) * KV_BYTES_PER_ELEMENT[kv_cache_type]
    if model.attention_kind == "hybrid":
        return per_token_layer * attention_layers(model) * context_tokens
    if model.attention_kind == "sliding" and model.sliding_window:
        full_layers = model.full_attention_layers or 0
        windowed_layers = model.layers - full_layers
        token_layers = full_layers * context_tokens + windowed_layers * min(
            context_tokens, model.sliding_window
        )
    else:
        token_layers = model.layers * context_tokens
    return per_token_layer * token_layers


def attention_layers(model: ModelSpec) -> int:
    """Layers that attend over the whole context (all of them but in a hybrid model)."""
    if model.attention_kind == "hybrid" and model.full_attention_layers is not None:
        return model.full_attention_layers
    return model.layers


def compute_buffer_bytes(
    model: ModelSpec, context_tokens: int, runtime: RuntimeProfile, *, with_logits: bool = True
) -> float:
    """Scratch memory for one prompt chunk: logits, attention scores, activations.

    Scores are stored whole only without flash attention. The graph allocator reuses memory,
    so the peak is the larger of logits and scores, plus the activations alive beside them.
    """
    if not (model.vocab_size and model.hidden_size):
        return FALLBACK_COMPUTE_BUFFER_BYTES
    chunk = min(runtime.prompt_chunk_tokens, max(context_tokens, 1))
    logit_rows = chunk if runtime.logits_for_whole_chunk else 1
    logits = model.vocab_size * logit_rows * LOGIT_BYTES if with_logits else 0.0
    scores = 0.0
    if not runtime.flash_attention_default:
        heads = model.attention_heads or max(model.hidden_size // max(model.head_dim, 1), 1)
        scores = heads * context_tokens * chunk * ATTENTION_SCORE_BYTES
    activations = model.hidden_size * chunk * ACTIVATION_BYTES * ACTIVATION_TENSORS_ALIVE
    return max(logits, scores) + activations


def capacity_bytes(card: HardwareSpec) -> float:
    """Physical memory of one card (or the unified pool)."""
    return card.memory_gb * MARKETED_MEMORY_BYTES_PER_GB


def apple_gpu_share(memory_gb: float) -> float:
    """Fraction of unified memory macOS lets the GPU wire by default."""
    if memory_gb <= APPLE_SMALL_MEMORY_LIMIT_GB:
        return APPLE_GPU_SHARE_SMALL
    return APPLE_GPU_SHARE_LARGE


def usable_gpu_bytes(card: HardwareSpec, *, drives_display: bool) -> float:
    """Bytes of one card the runtime can fill before driver, display or OS limits bite."""
    capacity = capacity_bytes(card)
    if card.kind == "apple_silicon" and card.wired_limit_gb:
        return min(card.wired_limit_gb * BYTES_PER_GIB, capacity)
    if card.kind == "apple_silicon" and card.gpu_working_set_gb:
        # The working set the catalog records for this Mac (recommendedMaxWorkingSetSize).
        return min(card.gpu_working_set_gb * 1e9, capacity)
    if card.kind == "apple_silicon":
        return capacity * apple_gpu_share(card.memory_gb)
    if card.kind == "apu":
        return capacity * APU_GPU_SHARE
    reserved = GPU_DRIVER_RESERVED_BYTES + (DISPLAY_RESERVED_BYTES if drives_display else 0.0)
    return max(capacity - reserved, 0.0)


def usable_gpu_bytes_per_card(hardware: HardwareSpec) -> tuple[float, ...]:
    """Usable bytes of every GPU; only the first card can drive the display."""
    return tuple(
        usable_gpu_bytes(card, drives_display=hardware.drives_display and index == 0)
        for index, card in enumerate(hardware.cards())
    )


def usable_system_ram_bytes(hardware: HardwareSpec) -> float:
    """System RAM free for weights that do not fit on the GPU.

    Unified memory: what the GPU may not wire, less the OS's share.
    """
    if hardware.unified_memory:
        pool = capacity_bytes(hardware)
        gpu_share = usable_gpu_bytes(hardware, drives_display=False)
        return max(pool - gpu_share - SYSTEM_RAM_OS_RESERVED_BYTES, 0.0)
    ram = hardware.system_ram_gb * MARKETED_MEMORY_BYTES_PER_GB
    return max(ram - SYSTEM_RAM_OS_RESERVED_BYTES, 0.0)


def vllm_budget_bytes(card: HardwareSpec) -> float:
    """What vLLM may hold on one card (weights + KV pool) after its own overhead."""
    return capacity_bytes(card) * VLLM_GPU_MEMORY_UTILIZATION - VLLM_RUNTIME_OVERHEAD_BYTES


def wired_limit_mb_needed(needed_bytes: float, hardware: HardwareSpec) -> int | None:
    """iogpu.wired_limit_mb value (whole GiB) that fits `needed_bytes`, or None when that would
    leave macOS less than its reserve."""
    limit_bytes = capacity_bytes(hardware) - SYSTEM_RAM_OS_RESERVED_BYTES
    if needed_bytes > limit_bytes:
        return None
    mib = 2**20
    return min(math.ceil(needed_bytes / mib / 1024) * 1024, math.floor(limit_bytes / mib))


def ollama_default_context(hardware: HardwareSpec) -> int:
    """Context Ollama uses when none is set, from the total VRAM."""
    vram_gib = sum(capacity_bytes(card) for card in hardware.cards()) / BYTES_PER_GIB
    return next(
        context for limit, context in OLLAMA_DEFAULT_CONTEXT_BY_VRAM_GIB if vram_gib < limit
    )
