"""Where the weights and KV cache go: all on the GPUs, some layers in system RAM, or MoE experts
in system RAM (llama.cpp --cpu-moe / --n-cpu-moe)."""

import math
from dataclasses import dataclass, replace

from estimator.specs import HardwareSpec


@dataclass(frozen=True)
class Footprint:
    """What has to be placed, in bytes, and the parameter shares that drive speed."""

    weight_bytes: float
    kv_bytes: float
    layers: int
    active_fraction: float  # active / total parameters (1 for dense models)
    shared_fraction: float  # non-expert / total parameters (1 for dense models)

    @property
    def is_moe(self) -> bool:
        return self.active_fraction < 1

    @property
    def per_layer_bytes(self) -> float:
        return (self.weight_bytes + self.kv_bytes) / self.layers


@dataclass(frozen=True)
class DeviceShare:
    """One device's part of the model. card is None for the CPU and system RAM."""

    card: HardwareSpec | None
    layers: int
    weight_bytes: float  # resident
    kv_bytes: float  # resident at the full context
    active_weight_bytes: float  # read for every decoded token
    kv_fraction: float  # share of the KV cache this device reads
    compute_fraction: float  # share of the per-token arithmetic done here


@dataclass(frozen=True)
class Placement:
    mode: str  # "gpu" | "layers" | "experts" | "cpu"
    split_mode: str  # "layer" | "tensor"
    shares: tuple[DeviceShare, ...]
    total_layers: int
    gpu_layers: int
    cpu_moe_layers: int = 0
    moe: bool = False  # a mixture-of-experts model (routing and dispatch cost per token)

    @property
    def gpu_shares(self) -> tuple[DeviceShare, ...]:
        return tuple(share for share in self.shares if share.card is not None)

    @property
    def cpu_share(self) -> DeviceShare | None:
        return next((share for share in self.shares if share.card is None), None)

    @property
    def system_ram_bytes(self) -> float:
        cpu = self.cpu_share
        return cpu.weight_bytes + cpu.kv_bytes if cpu else 0.0


def distribute(total: int, weights: list[float]) -> list[int]:
    """Split `total` whole items in proportion to `weights` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _layer_share(card, layers: int, footprint: Footprint) -> DeviceShare:
    """A device holding `layers` whole layers (weights and their KV cache)."""
    fraction = layers / footprint.layers
    return DeviceShare(
        card=card,
        layers=layers,
        weight_bytes=footprint.weight_bytes * fraction,
        kv_bytes=footprint.kv_bytes * fraction,
        active_weight_bytes=footprint.weight_bytes * footprint.active_fraction * fraction,
        kv_fraction=fraction,
        compute_fraction=fraction,
    )


def on_gpus(cards, free_bytes, footprint: Footprint, split_mode: str) -> Placement:
    """Everything on the GPUs: layers in proportion to free memory, or every tensor split evenly."""
    if split_mode == "tensor":
        shares = tuple(
            _scaled(_layer_share(card, footprint.layers, footprint), 1 / len(cards))
            for card in cards
        )
    else:
        layers = distribute(footprint.layers, list(free_bytes))
        shares = tuple(
            _layer_share(card, n, footprint) for card, n in zip(cards, layers, strict=True) if n
        )
    return Placement(
        "gpu", split_mode, shares, footprint.layers, footprint.layers, moe=footprint.is_moe
    )


def _scaled(share: DeviceShare, factor: float) -> DeviceShare:
    return DeviceShare(
        card=share.card,
        layers=share.layers,
        weight_bytes=share.weight_bytes * factor,
        kv_bytes=share.kv_bytes * factor,
        active_weight_bytes=share.active_weight_bytes * factor,
        kv_fraction=share.kv_fraction * factor,
        compute_fraction=share.compute_fraction * factor,
    )


def on_cpu(footprint: Footprint) -> Placement:
    """Everything in system RAM, computed by the CPU."""
    share = _layer_share(None, footprint.layers, footprint)
    return Placement("cpu", "layer", (share,), footprint.layers, 0, moe=footprint.is_moe)


def layer_offload(cards, free_bytes, footprint: Footprint) -> Placement:
    """As many whole layers as fit on each GPU; the rest (weights and KV) in system RAM."""
    per_card = [math.floor(max(free, 0.0) / footprint.per_layer_bytes) for free in free_bytes]
    while sum(per_card) > footprint.layers:
        per_card[per_card.index(max(per_card))] -= 1
    shares = [
        _layer_share(card, n, footprint) for card, n in zip(cards, per_card, strict=True) if n
    ]
    on_gpu = sum(per_card)
    if on_gpu < footprint.layers:
        cpu = _layer_share(None, footprint.layers - on_gpu, footprint)
        shares.append(cpu)
    return Placement(
        "layers", "layer", tuple(shares), footprint.layers, on_gpu, moe=footprint.is_moe
    )


def expert_offload(cards, free_bytes, footprint: Footprint) -> Placement | None:
    """All layers on the GPUs, with the routed experts of the first N layers in system RAM.

    None when even the shared weights and the KV cache do not fit on the GPUs.
    """
    free = [max(value, 0.0) for value in free_bytes]
    expert_bytes_per_layer = (
        footprint.weight_bytes * (1 - footprint.shared_fraction) / footprint.layers
    )
    always_on_gpu = footprint.weight_bytes * footprint.shared_fraction + footprint.kv_bytes
    if always_on_gpu > sum(free) or expert_bytes_per_layer <= 0:
        return None
    overflow = footprint.weight_bytes + footprint.kv_bytes - sum(free)
    cpu_moe_layers = min(max(math.ceil(overflow / expert_bytes_per_layer), 0), footprint.layers)
    # Per-token reads and arithmetic of the routed experts, per layer, as shares of the whole.
    routed_active = footprint.active_fraction - footprint.shared_fraction
    cpu_layer_share = cpu_moe_layers / footprint.layers
    cpu_active_bytes = footprint.weight_bytes * routed_active * cpu_layer_share
    cpu_compute = routed_active / footprint.active_fraction * cpu_layer_share
    everything = _layer_share(None, footprint.layers, footprint)
    on_gpu = DeviceShare(
        card=None,
        layers=footprint.layers,
        weight_bytes=everything.weight_bytes - expert_bytes_per_layer * cpu_moe_layers,
        kv_bytes=everything.kv_bytes,
        active_weight_bytes=everything.active_weight_bytes - cpu_active_bytes,
        kv_fraction=1.0,
        compute_fraction=1.0 - cpu_compute,
    )
    layers = distribute(footprint.layers, free)
    shares = [
        replace(_scaled(on_gpu, n / footprint.layers), card=card, layers=n)
        for card, n in zip(cards, layers, strict=True)
        if n
    ]
    if cpu_moe_layers:
        cpu = DeviceShare(
            card=None,
            layers=cpu_moe_layers,
            weight_bytes=expert_bytes_per_layer * cpu_moe_layers,
            kv_bytes=0.0,
            active_weight_bytes=cpu_active_bytes,
            kv_fraction=0.0,
            compute_fraction=cpu_compute,
        )
        shares.append(cpu)
    return Placement(
        "experts",
        "layer",
        tuple(shares),
        footprint.layers,
        footprint.layers,
        cpu_moe_layers,
        moe=True,
    )
