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

from estimator.constants import PCIE_EFFECTIVE_BANDWIDTH_GB_S, TENSOR_PARALLEL_EFFICIENCY
from estimator.placement import DeviceShare, Placement
from estimator.specs import HardwareSpec, ModelSpec


@dataclass(frozen=True)
class DecodeFactors:
    """Fitted decode behaviour of one group of hardware + runtime."""

    bandwidth_efficiency: float  # fraction of peak bandwidth reached streaming weights
    attention_overhead: float  # extra weight-byte equivalents spent per KV byte read
    layer_overhead_s: float  # fixed seconds per layer per token (kernel launches, syncs)


@dataclass(frozen=True)
class PrefillFactors:
    """Fitted prompt-processing behaviour of one group."""

    compute_efficiency: float | None  # fraction of peak FP16 FLOPS; None: not fitted
    flops_per_byte: float | None  # effective FLOP/s per byte/s of bandwidth (no TFLOPS known)
    quantized_slowdown: float = 0.0  # extra time for quantized weights (unpacking in kernels)


@dataclass(frozen=True)
class DecodeFeatures:
    """Linear inputs of the decode model for one device, in seconds at 100% efficiency."""

    weight_seconds: float
    kv_seconds: float
    layers: float


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
        )
        return [(slowest, merged)]
    return [
        (
            share,
            DecodeFeatures(
                share.active_weight_bytes / _bandwidth_bytes_s(share, hardware),
                kv_read_bytes * share.kv_fraction / _bandwidth_bytes_s(share, hardware),
                share.layers,
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
    streamed = features.weight_seconds + features.kv_seconds * (1 + factors.attention_overhead)
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


def flops_per_token(model: ModelSpec, prompt_tokens: int, depth: int = 0) -> float:
    """FLOPs to process one prompt token: 2 per active weight, plus attention over the context
    (QK^T and AV, 4 x query width per attended position: the `depth` tokens already there and
    half the prompt on average)."""
    dense = 2 * model.active_b * 1e9
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
    else:
        attended = model.layers * mean_attended
    return dense + 4 * query_width * attended


def compute_rate_flops(
    card: HardwareSpec | None, bandwidth_gb_s: float, factors: PrefillFactors, quantized: bool
) -> float:
    """Effective FLOP/s: fitted share of peak compute, else a bandwidth-derived figure."""
    slowdown = 1 + (factors.quantized_slowdown if quantized else 0.0)
    if card is not None and card.fp16_tflops and factors.compute_efficiency:
        return card.fp16_tflops * 1e12 * factors.compute_efficiency / slowdown
    return bandwidth_gb_s * 1e9 * (factors.flops_per_byte or 0.0) / slowdown


def prefill_seconds_per_token(
    placement: Placement,
    hardware: HardwareSpec,
    model: ModelSpec,
    prompt_tokens: int,
    chunk_tokens: int,
    factors_for: FactorsFor,
    quantized: bool,
    depth: int = 0,
) -> float:
    """Seconds per prompt token. Layers in system RAM next to a discrete GPU are copied over
    PCIe for every prompt chunk and computed on the GPU (llama.cpp op offload)."""
    flops = flops_per_token(model, max(prompt_tokens, 1), depth)
    gpus = placement.gpu_shares
    seconds = 0.0

    def rate(card, bandwidth_gb_s):
        return compute_rate_flops(card, bandwidth_gb_s, factors_for(card)[1], quantized)

    if placement.split_mode == "tensor" and len(gpus) > 1:
        slowest = min(rate(share.card, share.card.bandwidth_gb_s) for share in gpus)
        seconds += flops / (slowest * len(gpus) * TENSOR_PARALLEL_EFFICIENCY)
    else:
        for share in gpus:
            seconds += flops * share.compute_fraction / rate(share.card, share.card.bandwidth_gb_s)
    cpu = placement.cpu_share
    if cpu is not None:
        if gpus and not hardware.unified_memory:
            main = gpus[0].card
            copy_seconds = cpu.weight_bytes / (PCIE_EFFECTIVE_BANDWIDTH_GB_S * 1e9)
            seconds += copy_seconds / max(min(chunk_tokens, prompt_tokens), 1)
            seconds += flops * cpu.compute_fraction / rate(main, main.bandwidth_gb_s)
        else:
            cpu_rate = rate(None, hardware.system_ram_bandwidth_gb_s)
            seconds += flops * cpu.compute_fraction / cpu_rate
    return seconds
