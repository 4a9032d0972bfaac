"""Speed physics: decode is memory-bandwidth bound, prefill is compute bound.

The time for one decoded token is the sum over the devices holding part of the model of

    (weights read + KV read x (1 + attention_overhead)) / (bandwidth x bandwidth_efficiency)
    + layers x layer_overhead_s

plus a hop cost per extra GPU in a layer split. Devices work one after another (a layer split
pipelines a single sequence), so times add up: a partially offloaded model is as slow as its
GPU part plus its CPU part, not an average of the two speeds. The factors are fitted from
measurements (calibration.py); this module only states the model and its inputs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from estimator.constants import (
    PCIE_EFFECTIVE_BANDWIDTH_GB_S,
    REF_BANDWIDTH_GB_S,
    REF_TFLOPS,
    TENSOR_PARALLEL_EFFICIENCY,
)
from estimator.memory import shared_params_b
from estimator.placement import DeviceShare, Placement
from estimator.specs import HardwareSpec, ModelSpec, QuantSpec


@dataclass(frozen=True)
class DecodeFactors:
    """Fitted decode behaviour of one group of hardware + runtime."""

    bandwidth_efficiency: float  # fraction of peak bandwidth reached streaming weights
    attention_overhead: float  # extra weight-byte equivalents spent per KV byte read
    layer_overhead_s: float  # fixed seconds per layer per token (kernel launches, syncs)
    moe_overhead: float = 0.0  # extra time per expert-weight byte (routing, expert dispatch)
    # Extra seconds per layer per token that runs on pre-2025 builds paid (fitted to read older
    # measurements right; estimates answer for current builds and never add it).
    legacy_layer_overhead_s: float = 0.0


@dataclass(frozen=True)
class PrefillFactors:
    """Fitted prompt-processing behaviour of one group.

    Effective FLOP/s = compute_efficiency x REF_TFLOPS x (tensor TFLOPS / REF_TFLOPS) ^
    compute_exponent: prefill in llama.cpp grows less than in proportion to the headline
    figure, so the share of peak reached falls on bigger chips. Without a TFLOPS figure the
    same form runs on memory bandwidth (flops_per_byte, bandwidth_exponent).
    """

    compute_efficiency: float | None  # share of peak at a REF_TFLOPS card; None: not fitted
    flops_per_byte: float | None  # FLOP/s per byte/s at a REF_BANDWIDTH card (no TFLOPS known)
    quantized_slowdown: float = 0.0  # extra time for quantized weights (dequantisation)
    attention_slowdown: float = 0.0  # extra time per attention FLOP over a dense-matmul FLOP
    # Whether attention_slowdown was told apart in this group's own long-prompt measurements
    # (False: taken from the nearest broader group that could, or 0 where none could).
    attention_fitted: bool = False
    # Extra time per FLOP that prompts on pre-2025 builds took (fitted to read older
    # measurements right; estimates answer for current builds and never add it).
    legacy_slowdown: float = 0.0
    compute_exponent: float = 1.0
    bandwidth_exponent: float = 1.0
    # Extra time per BF16 weight FLOP over F16: backends without a native BF16 matrix path
    # (llama.cpp's Vulkan shaders on GPUs without BF16 cooperative matrices) convert first.
    bf16_slowdown: float = 0.0
    # Extra time per routed-expert FLOP: a prompt micro-batch spreads its tokens over the
    # experts, so each expert multiplies a few dozen rows instead of hundreds.
    moe_slowdown: float = 0.0


@dataclass(frozen=True)
class PromptWork:
    """The arithmetic of one prompt token, split by the kernels that run it."""

    dense_flops: float  # matrix FLOPs of the weights every token uses
    expert_flops: float  # matrix FLOPs of the routed experts (0 for a dense model)
    attention_flops: float  # QK^T and AV over the context
    weights: str  # the matrix path: "quantized", "bf16" or "f16"

    @property
    def total_flops(self) -> float:
        return self.dense_flops + self.expert_flops + self.attention_flops

    def matrix_flops(self, moe_slowdown: float) -> float:
        """Matrix FLOPs at the dense rate: routed experts count 1 + moe_slowdown times."""
        return self.dense_flops + self.expert_flops * (1 + moe_slowdown)


def weight_path(quant: QuantSpec) -> str:
    """Which matrix kernels a prompt runs for these weights."""
    if quant.is_quantized:
        return "quantized"
    return "bf16" if quant.name.upper() == "BF16" else "f16"


def prompt_work(model: ModelSpec, quant: QuantSpec, prompt_tokens: int, depth: int = 0):
    """FLOPs per prompt token: 2 per active weight (shared and routed apart) plus attention."""
    shared_b = min(shared_params_b(model), model.active_b)
    return PromptWork(
        2 * shared_b * 1e9,
        2 * (model.active_b - shared_b) * 1e9,
        attention_flops_per_token(model, prompt_tokens, depth),
        weight_path(quant),
    )


@dataclass(frozen=True)
class DecodeFeatures:
    """Linear inputs of the decode model for one device, in seconds at 100% efficiency."""

    weight_seconds: float
    kv_seconds: float
    layers: float
    moe_seconds: float = 0.0  # weight seconds of a mixture-of-experts model (0 when dense)


FactorsFor = Callable[[HardwareSpec | None], tuple[DecodeFactors, PrefillFactors]]


def _bandwidth_bytes_s(share: DeviceShare, hardware: HardwareSpec) -> float:
    if share.card is None:
        return hardware.system_ram_bandwidth_gb_s * 1e9
    return share.card.bandwidth_gb_s * 1e9


def decode_features(
    placement: Placement, hardware: HardwareSpec, kv_read_bytes: float
) -> list[tuple[DeviceShare, DecodeFeatures]]:
    """Per-device decode inputs; kv_read_bytes is the whole KV cache at the decode context."""
    if placement.split_mode == "tensor" and len(placement.gpu_shares) > 1:
        # Every card reads its slice at once; the slowest card sets the pace.
        gpus = placement.gpu_shares
        slowest = max(gpus, key=lambda s: s.active_weight_bytes / _bandwidth_bytes_s(s, hardware))
        bandwidth = _bandwidth_bytes_s(slowest, hardware) * TENSOR_PARALLEL_EFFICIENCY
        merged = DecodeFeatures(
            slowest.active_weight_bytes / bandwidth,
            kv_read_bytes * slowest.kv_fraction / bandwidth,
            placement.total_layers,
            slowest.active_weight_bytes / bandwidth if placement.moe else 0.0,
        )
        return [(slowest, merged)]
    return [
        (
            share,
            DecodeFeatures(
                share.active_weight_bytes / _bandwidth_bytes_s(share, hardware),
                kv_read_bytes * share.kv_fraction / _bandwidth_bytes_s(share, hardware),
                share.layers,
                share.active_weight_bytes / _bandwidth_bytes_s(share, hardware)
                if placement.moe
                else 0.0,
            ),
        )
        for share in placement.shares
    ]


def gpu_hops(placement: Placement) -> int:
    """Hand-overs between GPUs per token in a layer split."""
    if placement.split_mode == "tensor":
        return 0
    return max(len(placement.gpu_shares) - 1, 0)


def decode_seconds(features: DecodeFeatures, factors: DecodeFactors) -> float:
    streamed = (
        features.weight_seconds
        + features.moe_seconds * factors.moe_overhead
        + features.kv_seconds * (1 + factors.attention_overhead)
    )
    return streamed / factors.bandwidth_efficiency + features.layers * factors.layer_overhead_s


def decode_tok_s(
    placement: Placement,
    hardware: HardwareSpec,
    kv_read_bytes: float,
    factors_for: FactorsFor,
    gpu_hop_s: float,
) -> float:
    """Tokens per second while generating, at the KV size given."""
    seconds = gpu_hops(placement) * gpu_hop_s
    for share, features in decode_features(placement, hardware, kv_read_bytes):
        seconds += decode_seconds(features, factors_for(share.card)[0])
    return 1 / seconds


def attention_flops_per_token(model: ModelSpec, prompt_tokens: int, depth: int = 0) -> float:
    """Attention FLOPs per prompt token (QK^T and AV, 4 x query width per attended position:
    the `depth` tokens already there and half the prompt on average)."""
    query_width = (
        model.attention_heads * model.head_dim
        if model.attention_heads and model.head_dim
        else (model.hidden_size or 0)
    )
    mean_attended = depth + prompt_tokens / 2
    if model.attention_kind == "sliding" and model.sliding_window:
        full_layers = model.full_attention_layers or 0
        windowed = min(mean_attended, model.sliding_window)
        attended = full_layers * mean_attended + (model.layers - full_layers) * windowed
    elif model.attention_kind == "hybrid" and model.full_attention_layers is not None:
        attended = model.full_attention_layers * mean_attended  # linear layers: O(1) per token
    else:
        attended = model.layers * mean_attended
    return 4 * query_width * attended


def compute_rate_flops(card: HardwareSpec | None, bandwidth_gb_s: float, factors: PrefillFactors):
    """Effective dense-matmul FLOP/s: from the card's tensor TFLOPS when it is known and the
    group is fitted on TFLOPS, else from memory bandwidth."""
    if card is not None and card.tensor_tflops and factors.compute_efficiency:
        scale = (card.tensor_tflops / REF_TFLOPS) ** factors.compute_exponent
        return REF_TFLOPS * 1e12 * scale * factors.compute_efficiency
    scale = (bandwidth_gb_s / REF_BANDWIDTH_GB_S) ** factors.bandwidth_exponent
    return REF_BANDWIDTH_GB_S * 1e9 * scale * (factors.flops_per_byte or 0.0)


def prefill_token_seconds(work: PromptWork, rate: float, factors: PrefillFactors) -> float:
    """Seconds for one prompt token's arithmetic at an effective rate."""
    weights = 1 + {
        "quantized": factors.quantized_slowdown,
        "bf16": factors.bf16_slowdown,
    }.get(work.weights, 0.0)
    matrix = work.matrix_flops(factors.moe_slowdown) * weights
    return (matrix + work.attention_flops * (1 + factors.attention_slowdown)) / rate


def prefill_seconds_per_token(
    placement: Placement,
    hardware: HardwareSpec,
    model: ModelSpec,
    prompt_tokens: int,
    chunk_tokens: int,
    factors_for: FactorsFor,
    quant: QuantSpec,
    depth: int = 0,
) -> float:
    """Seconds per prompt token. Layers in system RAM next to a discrete GPU are copied over
    PCIe for every prompt chunk and computed on the GPU (llama.cpp op offload)."""
    prompt = max(prompt_tokens, 1)
    work = prompt_work(model, quant, prompt, depth)
    gpus = placement.gpu_shares
    seconds = 0.0

    def token_seconds(card, bandwidth_gb_s):
        factors = factors_for(card)[1]
        rate = compute_rate_flops(card, bandwidth_gb_s, factors)
        return prefill_token_seconds(work, rate, factors)

    if placement.split_mode == "tensor" and len(gpus) > 1:
        slowest = max(token_seconds(share.card, share.card.bandwidth_gb_s) for share in gpus)
        seconds += slowest / (len(gpus) * TENSOR_PARALLEL_EFFICIENCY)
    else:
        for share in gpus:
            seconds += share.compute_fraction * token_seconds(share.card, share.card.bandwidth_gb_s)
    cpu = placement.cpu_share
    if cpu is not None:
        if gpus and not hardware.unified_memory:
            main = gpus[0].card
            copy_seconds = cpu.weight_bytes / (PCIE_EFFECTIVE_BANDWIDTH_GB_S * 1e9)
            seconds += copy_seconds / max(min(chunk_tokens, prompt), 1)
            seconds += cpu.compute_fraction * token_seconds(main, main.bandwidth_gb_s)
        else:
            seconds += cpu.compute_fraction * token_seconds(
                None, hardware.system_ram_bandwidth_gb_s
            )
    return seconds
