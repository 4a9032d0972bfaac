"""Fit the speed model's efficiency factors from measurements (validation.py measures the fit).

Groups, most specific first (the fallback order):

    0. engine/backend/kind/generation   e.g. "ggml/cuda/discrete_gpu/ada": a refinement of
                             level 1 for cards of a known architecture generation (decode on
                             the card's usual backend only), not counted as a fallback
    1. engine/backend/kind   e.g. "ggml/vulkan/apu", "mlx/metal/apple_silicon"
    2. backend/kind          the same backend and kind of hardware, any runtime
       (prefill: then engine/backend, the same kernels on any kind of hardware)
    3. kind                  any backend on this kind of hardware ("discrete_gpu")
    4. global                every GPU measurement (decode only for Apple Silicon)

A group gets its own factors when it holds at least MIN_GROUP_MEASUREMENTS measurements;
otherwise the next broader group answers, and the answer says so (`fallback_level`, the note
in advice.py) with a range widened by FALLBACK_RANGE_WIDENING per level. Apple Silicon prefill
never falls back to the global group: Apple GPUs share no compute figure with CUDA cards.

The low-high range of an estimate is the spread of measured/predicted seen in its group when
every card's measurements were predicted by a calibration fitted without that card (a
generation's group shows its engine/backend/kind group's spread).

Prefill is fitted per weight path (F16, BF16, quantized: each group's rate for each path it
measured) with one slowdown of routed-expert FLOPs for all groups (PrefillShape).
"""

import math
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import NamedTuple

from estimator.constants import (
    ERROR_QUANTILE_HIGH,
    ERROR_QUANTILE_LOW,
    FALLBACK_RANGE_WIDENING,
    FEW_MEASUREMENTS,
    MIN_GROUP_MEASUREMENTS,
    MIN_MOE_MEASUREMENTS,
    MIN_RANGE_RATIOS,
    PREFILL_EXPONENT_GRID,
    PRIOR_CPU_BANDWIDTH_EFFICIENCY,
    PRIOR_CPU_FLOPS_PER_BYTE,
    PRIOR_ERROR_RATIO_HIGH,
    PRIOR_ERROR_RATIO_LOW,
    PRIOR_GPU_BANDWIDTH_EFFICIENCY,
    PRIOR_GPU_COMPUTE_EFFICIENCY,
    PRIOR_GPU_FLOPS_PER_BYTE,
    RANGE_FOLDS,
    REF_BANDWIDTH_GB_S,
    REF_TFLOPS,
    RUNTIMES,
)
from estimator.fitting import quantile, relative_least_squares
from estimator.memory import kv_cache_bytes, shared_params_b, weights_bytes
from estimator.placement import Footprint, on_cpu, on_gpus
from estimator.specs import HARDWARE_KINDS, HardwareSpec, Measurement
from estimator.speed import (
    DecodeFactors,
    DecodeFeatures,
    PrefillFactors,
    PromptWork,
    decode_features,
    decode_seconds,
    gpu_hops,
    prefill_token_seconds,
    prompt_work,
)

__all__ = ["Calibration", "GroupCalibration", "Measurement", "fit_calibration", "group_keys"]

# Below this share of attention in a group's prompt FLOPs, its attention cost is not told apart
# from its matrix cost (the group has no long-prompt or deep-context measurement).
_ATTENTION_SHARE_TO_FIT = 0.15


@dataclass(frozen=True)
class GroupCalibration:
    """Fitted factors of one group and the error seen when predicting its measurements."""

    key: str
    measurements: int
    decode: DecodeFactors | None
    prefill: PrefillFactors
    decode_ratio_low: float = 1.0  # quantiles of measured / predicted decode speed
    decode_ratio_high: float = 1.0
    prefill_ratio_low: float = 1.0
    prefill_ratio_high: float = 1.0
    backends: tuple[str, ...] = ()  # backends of the measurements it was fitted on
    prefill_measurements: int = 0
    # The same quantiles when the group answered for runs of a narrower class held out whole
    # (another runtime, backend or card class): the range of a fallback answer.
    decode_fallback_ratio_low: float | None = None
    decode_fallback_ratio_high: float | None = None
    prefill_fallback_ratio_low: float | None = None
    prefill_fallback_ratio_high: float | None = None

    @property
    def is_prior(self) -> bool:
        return self.key.startswith("prior")


PRIOR_GPU = GroupCalibration(
    "prior:gpu",
    0,
    DecodeFactors(PRIOR_GPU_BANDWIDTH_EFFICIENCY, 0.0, 0.0),
    PrefillFactors(PRIOR_GPU_COMPUTE_EFFICIENCY, PRIOR_GPU_FLOPS_PER_BYTE),
    PRIOR_ERROR_RATIO_LOW,
    PRIOR_ERROR_RATIO_HIGH,
    PRIOR_ERROR_RATIO_LOW,
    PRIOR_ERROR_RATIO_HIGH,
)
PRIOR_CPU = replace(
    PRIOR_GPU,
    key="prior:cpu",
    decode=DecodeFactors(PRIOR_CPU_BANDWIDTH_EFFICIENCY, 0.0, 0.0),
    prefill=PrefillFactors(None, PRIOR_CPU_FLOPS_PER_BYTE),
)


def _class_keys(card: HardwareSpec | None, backend: str, runtime: str) -> tuple[str, ...]:
    engine = RUNTIMES[runtime].engine if runtime in RUNTIMES else runtime
    kind, backend = ("cpu", "cpu") if card is None else (card.calibration_kind, backend)
    keys = (f"{engine}/{backend}/{kind}", f"{backend}/{kind}", kind)
    return keys if kind == "cpu" else (*keys, "global")


def _with_generation(keys: tuple[str, ...], card: HardwareSpec | None) -> tuple[str, ...]:
    if card is None or not card.architecture:
        return keys
    return (f"{keys[0]}/{card.architecture}", *keys)


def group_keys(card: HardwareSpec | None, backend: str, runtime: str) -> tuple[str, ...]:
    """Calibration groups for a device's decode, most specific first. card None: the CPU.
    On its usual backend a card of a known architecture generation first asks its
    generation's group ("ggml/cuda/discrete_gpu/ada"), a refinement of its engine/backend/kind
    group. (Decode on another backend follows the backend's kernels more than the chip.)"""
    keys = _class_keys(card, backend, runtime)
    return _with_generation(keys, card) if card and card.on_usual_backend else keys


def prefill_keys(card: HardwareSpec | None, backend: str, runtime: str) -> tuple[str, ...]:
    """Groups for a device's prefill: its generation's group on this backend, usual or not
    (compute differs by generation), then as for decode with one more level, the engine on
    this backend on any kind of hardware, before the card class (compute figures of different
    vendors are not comparable); Apple Silicon stops at its own kind."""
    keys = _class_keys(card, backend, runtime)
    if card is None:
        return keys
    engine_backend = "/".join(keys[0].split("/")[:2])
    keys = _with_generation((*keys[:2], engine_backend, *keys[2:]), card)
    if card.kind == "apple_silicon":
        return tuple(key for key in keys if key != "global")
    return keys


def is_generation_key(key: str) -> bool:
    """A group of one architecture generation: it refines its parent, it is no fallback."""
    return key.count("/") == 3


def kind_of(keys: tuple[str, ...]) -> str:
    """The card class of a device's group keys (the level before "global"; "cpu")."""
    return keys[-2] if keys and keys[-1] == "global" else (keys[-1] if keys else "")


def parent_key(key: str) -> str:
    return key.rsplit("/", 1)[0] if is_generation_key(key) else key


def _is_class_wide(key: str) -> bool:
    """Card-class and global groups: fitted on each card's usual backend only."""
    return key in HARDWARE_KINDS or key == "global"


@dataclass(frozen=True)
class Chosen:
    """The group that answers for a device, and how many levels it fell back."""

    group: GroupCalibration
    level: int  # 0: the most specific group; each fallback adds one; prior: len(keys)

    @property
    def widening(self) -> float:
        """Exponent applied to the range's ratios: wider for fallbacks and few measurements."""
        few = self.group.measurements < FEW_MEASUREMENTS and not self.group.is_prior
        return FALLBACK_RANGE_WIDENING ** (self.level + (1 if few else 0))

    def decode_range(self) -> tuple[float, float]:
        return self._range("decode")

    def prefill_range(self) -> tuple[float, float]:
        return self._range("prefill")

    def _range(self, which: str) -> tuple[float, float]:
        group = self.group
        few = group.measurements < FEW_MEASUREMENTS and not group.is_prior
        low, high = getattr(group, f"{which}_ratio_low"), getattr(group, f"{which}_ratio_high")
        if self.level and getattr(group, f"{which}_fallback_ratio_low") is not None:
            # Seen when this group stood in for a held-out narrower class: already a fallback.
            low = getattr(group, f"{which}_fallback_ratio_low")
            high = getattr(group, f"{which}_fallback_ratio_high")
            return _widened(low, high, FALLBACK_RANGE_WIDENING if few else 1.0)
        return _widened(low, high, self.widening)


def _widened(low: float, high: float, power: float) -> tuple[float, float]:
    return min(low, 1.0) ** power, max(high, 1.0) ** power


class PrefillShape(NamedTuple):
    """What every group's prefill shares, fitted on all measurements together: the powers of
    TFLOPS and of bandwidth that prefill grows with, and the routed experts' extra time."""

    compute_exponent: float = 1.0
    bandwidth_exponent: float = 1.0
    moe_slowdown: float = 0.0


# Extra time per routed-expert FLOP tried when fitting it (0: experts run like dense weights).
MOE_PREFILL_SLOWDOWN_GRID = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)


@dataclass(frozen=True)
class Calibration:
    """Factors per group, fitted from `measurements` runs on `fitted_on` (ISO date)."""

    groups: tuple[GroupCalibration, ...] = ()
    gpu_hop_s: float = 0.0
    measurements: int = 0
    fitted_on: str = ""
    compute_exponent: float = 1.0
    bandwidth_exponent: float = 1.0
    moe_overhead: float = 0.0
    # backend -> (decode, prefill) speed ratio of runs on that backend to the prediction of
    # their card class's usual-backend groups; applied when an answer falls back to those.
    backend_ratios: dict = field(default_factory=dict)
    prefill_moe_slowdown: float = 0.0  # extra time per routed-expert FLOP in a prompt
    # card class -> decode speed ratio of GPUs split across several dies (an Apple Ultra) to
    # the prediction of the groups fitted on single-die chips; 1 where none was measured.
    die_ratios: dict = field(default_factory=dict)
    _by_key: dict = field(default=None, init=False, repr=False, compare=False)

    @property
    def prefill_shape(self) -> PrefillShape:
        return PrefillShape(
            self.compute_exponent, self.bandwidth_exponent, self.prefill_moe_slowdown
        )

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {group.key: group for group in self.groups})

    def _first(self, keys, accept, fallback: GroupCalibration, skip: int) -> Chosen:
        """The first accepted group from index `skip` on; its level counts fallbacks beyond
        the engine/backend/kind group (a generation's group is a refinement, level 0)."""
        offset = 1 if keys and is_generation_key(keys[0]) else 0
        for index, key in enumerate(keys):
            group = None if index < skip else self._by_key.get(key)
            if group is not None and accept(group):
                return Chosen(group, max(index - offset, 0))
        return Chosen(fallback, len(keys) - offset)

    def _backend_ratio(self, keys, chosen: Chosen, index: int, usual: bool) -> float:
        """The speed ratio of this backend to the hardware's usual one, when a run on another
        backend than the usual is answered by card-class groups fitted on usual backends."""
        parts = keys[0].split("/") if keys else []
        backend = parts[1] if len(parts) >= 3 else ""
        if usual or not _is_class_wide(chosen.group.key) or chosen.group.is_prior:
            return 1.0
        if backend in chosen.group.backends:
            return 1.0
        ratios = self.backend_ratios.get(backend)
        return ratios[index] if ratios and ratios[index] else 1.0

    def die_ratio(self, keys: tuple[str, ...], dies: int) -> float:
        """The decode speed ratio for a GPU spanning `dies` dies (1.0 for one die)."""
        return self.die_ratios.get(kind_of(keys), 1.0) if dies > 1 else 1.0

    def decode_choice(
        self, keys: tuple[str, ...], skip: int = 0, usual: bool = True, dies: int = 1
    ) -> Chosen:
        """The group answering for decode; skip sets aside the first `skip` levels; usual says
        whether the backend is the hardware's usual one; dies, how many dies the GPU spans."""
        fallback = PRIOR_GPU if "global" in keys else PRIOR_CPU
        chosen = self._first(keys, lambda group: group.decode is not None, fallback, skip)
        ratio = self._backend_ratio(keys, chosen, 0, usual) * self.die_ratio(keys, dies)
        if ratio == 1.0:
            return chosen
        decode = chosen.group.decode
        scaled = replace(
            decode,
            bandwidth_efficiency=decode.bandwidth_efficiency * ratio,
            layer_overhead_s=decode.layer_overhead_s / ratio,
        )
        return replace(chosen, group=replace(chosen.group, decode=scaled))

    def prefill_choice(
        self, keys: tuple[str, ...], uses_tflops: bool, skip: int = 0, usual: bool = True
    ) -> Chosen:
        fallback = PRIOR_CPU if keys and keys[-1] == "cpu" else PRIOR_GPU

        def accept(group):
            factors = group.prefill
            return (
                factors.compute_efficiency if uses_tflops else factors.flops_per_byte
            ) is not None

        chosen = self._first(keys, accept, fallback, skip)
        ratio = self._backend_ratio(keys, chosen, 1, usual)
        if ratio == 1.0:
            return chosen
        prefill = chosen.group.prefill
        scaled = replace(
            prefill,
            compute_efficiency=prefill.compute_efficiency and prefill.compute_efficiency * ratio,
            flops_per_byte=prefill.flops_per_byte and prefill.flops_per_byte * ratio,
        )
        return replace(chosen, group=replace(chosen.group, prefill=scaled))

    def decode_group_for(self, keys: tuple[str, ...]) -> GroupCalibration:
        """The first group of `keys` with decode factors (a prior when none was fitted)."""
        return self.decode_choice(keys).group

    def prefill_group_for(self, keys: tuple[str, ...], uses_tflops: bool) -> GroupCalibration:
        """The first group of `keys` with the prefill factor this device needs: the share of
        peak compute when its TFLOPS are known, else the bandwidth-derived figure."""
        return self.prefill_choice(keys, uses_tflops).group

    def decode_for(self, card: HardwareSpec | None, backend: str, runtime: str) -> Chosen:
        usual = card is None or card.on_usual_backend
        dies = card.gpu_dies if card else 1
        return self.decode_choice(group_keys(card, backend, runtime), usual=usual, dies=dies)

    def prefill_for(self, card: HardwareSpec | None, backend: str, runtime: str) -> Chosen:
        uses_tflops = card is not None and bool(card.tensor_tflops)
        usual = card is None or card.on_usual_backend
        keys = prefill_keys(card, backend, runtime)
        return self.prefill_choice(keys, uses_tflops, usual=usual)

    def decode_group(self, card: HardwareSpec | None, backend: str, runtime: str):
        """The group whose decode factors apply to this device (card None: the CPU)."""
        return self.decode_for(card, backend, runtime).group

    def prefill_group(self, card: HardwareSpec | None, backend: str, runtime: str):
        """The group whose prefill factors apply to this device (card None: the CPU)."""
        return self.prefill_for(card, backend, runtime).group

    def to_dict(self) -> dict:
        """A JSON-able dict."""
        return {
            "fitted_on": self.fitted_on,
            "measurements": self.measurements,
            "gpu_hop_s": self.gpu_hop_s,
            "compute_exponent": self.compute_exponent,
            "bandwidth_exponent": self.bandwidth_exponent,
            "moe_overhead": self.moe_overhead,
            "prefill_moe_slowdown": self.prefill_moe_slowdown,
            "backend_ratios": {key: list(value) for key, value in self.backend_ratios.items()},
            "die_ratios": dict(self.die_ratios),
            "groups": [asdict(group) for group in self.groups],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Calibration":
        groups = tuple(
            GroupCalibration(
                **{
                    **group,
                    "decode": DecodeFactors(**group["decode"]) if group["decode"] else None,
                    "prefill": PrefillFactors(**group["prefill"]),
                    "backends": tuple(group.get("backends", ())),
                }
            )
            for group in data["groups"]
        )
        return cls(
            groups,
            data["gpu_hop_s"],
            data["measurements"],
            data["fitted_on"],
            data.get("compute_exponent", 1.0),
            data.get("bandwidth_exponent", 1.0),
            data.get("moe_overhead", 0.0),
            {key: tuple(value) for key, value in data.get("backend_ratios", {}).items()},
            data.get("prefill_moe_slowdown", 0.0),
            dict(data.get("die_ratios", {})),
        )


# --- Per-measurement inputs of the speed model ------------------------------------------------


@dataclass(frozen=True)
class MeasurementRow:
    keys: tuple[str, ...]
    prefill_keys: tuple[str, ...]
    backend: str
    usual: bool  # run on the hardware's usual backend
    card: str  # the hardware's name: rows of one card are held out together
    decode: DecodeFeatures | None
    hops: int
    decode_s: float | None  # measured seconds per generated token
    tflops: float | None  # tensor TFLOPS of the first card (None: unknown)
    bandwidth_gb_s: float
    work: PromptWork  # per prompt token
    prefill_s: float | None
    dies: int = 1  # dies the GPU spans: rows of multi-die GPUs are fitted apart (die_ratios)
    legacy: bool = False  # run on a pre-2025 build (Measurement.legacy_build)

    @property
    def attention_share(self) -> float:
        return self.work.attention_flops / self.work.total_flops


def measured_placement(measurement: Measurement):
    """The run as measured: every layer on the GPUs in a layer split (or all on the CPU)."""
    hardware, model, quant = measurement.setup, measurement.model, measurement.quant
    footprint = Footprint(
        weights_bytes(model, quant),
        kv_cache_bytes(model, measurement.context_tokens + measurement.depth),
        model.layers,
        model.active_b / model.params_b,
        shared_params_b(model) / model.params_b,
    )
    cards = hardware.cards()
    if not cards:
        return on_cpu(footprint)
    return on_gpus(cards, [card.memory_gb for card in cards], footprint, "layer")


def measurement_row(measurement: Measurement) -> MeasurementRow:
    hardware, model = measurement.setup, measurement.model
    placement = measured_placement(measurement)
    # llama-bench tgN generates N tokens after `depth` tokens: the mean KV size is depth + N/2.
    kv_read = kv_cache_bytes(model, measurement.depth + measurement.context_tokens // 2)
    per_device = decode_features(placement, hardware, kv_read)
    decode = DecodeFeatures(
        sum(f.weight_seconds for _, f in per_device),
        sum(f.kv_seconds for _, f in per_device),
        sum(f.layers for _, f in per_device),
        sum(f.moe_seconds for _, f in per_device),
    )
    card = hardware.cards()[0] if hardware.cards() else None
    bandwidth = card.bandwidth_gb_s if card else hardware.system_ram_bandwidth_gb_s
    return MeasurementRow(
        keys=group_keys(card, hardware.backend, measurement.runtime),
        prefill_keys=prefill_keys(card, hardware.backend, measurement.runtime),
        backend=hardware.backend,
        usual=measurement.on_usual_backend,
        card=hardware.name,
        decode=decode,
        hops=gpu_hops(placement),
        decode_s=1 / measurement.decode_tok_s if measurement.decode_tok_s else None,
        tflops=card.tensor_tflops if card else None,
        bandwidth_gb_s=bandwidth,
        work=prompt_work(model, measurement.quant, measurement.prompt, measurement.depth),
        prefill_s=1 / measurement.prefill_tok_s if measurement.prefill_tok_s else None,
        dies=card.gpu_dies if card else 1,
        legacy=measurement.legacy_build,
    )


# --- Decode ------------------------------------------------------------------------------------


def _has_eras(rows) -> bool:
    """Whether rows hold enough runs of pre-2025 builds and of current ones to tell apart."""
    legacy = sum(1 for r in rows if r.legacy)
    return MIN_MOE_MEASUREMENTS <= legacy <= len(rows) - MIN_MOE_MEASUREMENTS


def _legacy_layers(row: MeasurementRow) -> float:
    """The layers whose per-token overhead a run on a pre-2025 build paid on top (0 for a
    current build)."""
    return row.decode.layers if row.legacy else 0.0


def _decode_columns(
    row: MeasurementRow, moe_overhead: float | None, legacy: bool = False
) -> list[float]:
    """Linear features of decode time; moe_overhead None fits it as a column of its own;
    legacy adds a column for the extra per-layer time of pre-2025 builds."""
    f = row.decode
    streamed = f.weight_seconds + f.kv_seconds
    if moe_overhead is None:
        columns = [streamed, f.kv_seconds, f.layers, f.moe_seconds]
    else:
        columns = [streamed + moe_overhead * f.moe_seconds, f.kv_seconds, f.layers]
    return [*columns, _legacy_layers(row)] if legacy else columns


def _decode_factors(
    rows: list[MeasurementRow], hop_s: float, moe_default: float, eras: bool = True
) -> DecodeFactors | None:
    """A group's decode factors. With `eras`, a group holding enough runs of pre-2025 builds
    and of current ones fits their extra per-layer time apart, so that its own per-layer
    overhead is today's (llama.cpp's Metal kernels lost most of theirs in 2024-25)."""
    usable = [r for r in rows if r.decode_s and r.decode]
    if len(usable) < MIN_GROUP_MEASUREMENTS:
        return None
    moe_rows = sum(1 for r in usable if r.decode.moe_seconds)
    own_moe = MIN_MOE_MEASUREMENTS <= moe_rows <= len(usable) - MIN_MOE_MEASUREMENTS
    legacy = eras and _has_eras(usable)
    features = [_decode_columns(r, None if own_moe else moe_default, legacy) for r in usable]
    # The hop time is fitted globally; it must not swallow a row's whole measured time.
    targets = [max(r.decode_s - hop_s * r.hops, r.decode_s / 2) for r in usable]
    beta = relative_least_squares(features, targets)
    if not beta or beta[0] <= 0:
        return None
    if beta[0] < 1:
        # Faster than the memory's peak bandwidth is not physics: the other terms took time
        # the weights need. Fix the weights at the peak rate and fit the rest.
        left = [t - row[0] for row, t in zip(features, targets, strict=True)]
        rest = relative_least_squares([row[1:] for row in features], left)
        if rest is None or min(left) <= 0:
            rest = [0.0] * (len(features[0]) - 1)
        beta = [1.0, *rest]
    moe = beta[3] / beta[0] if own_moe else moe_default
    legacy_s = beta[-1] if legacy else 0.0
    return DecodeFactors(1 / beta[0], beta[1] / beta[0], beta[2], moe, legacy_s)


def _global_decode(rows: list[MeasurementRow]) -> tuple[float, float]:
    """(hop seconds, MoE overhead) fitted on every GPU row together."""
    gpu_rows = [r for r in rows if r.decode_s and "global" in r.keys and r.dies == 1]
    if len(gpu_rows) < MIN_GROUP_MEASUREMENTS:
        return 0.0, 0.0
    has_hops = any(r.hops for r in gpu_rows)
    moe_rows = sum(1 for r in gpu_rows if r.decode.moe_seconds)
    has_moe = MIN_MOE_MEASUREMENTS <= moe_rows <= len(gpu_rows) - MIN_MOE_MEASUREMENTS
    features = [
        [*_decode_columns(r, None)[: 4 if has_moe else 3], r.hops if has_hops else 0.0]
        for r in gpu_rows
    ]
    if not has_hops:
        features = [row[:-1] for row in features]
    beta = relative_least_squares(features, [r.decode_s for r in gpu_rows])
    if not beta or beta[0] <= 0:
        return 0.0, 0.0
    hop = beta[-1] if has_hops else 0.0
    moe = beta[3] / beta[0] if has_moe else 0.0
    return hop, moe


# --- Prefill -----------------------------------------------------------------------------------


def _scale(row: MeasurementRow, shape, uses_tflops: bool) -> float:
    """The row's reference rate in FLOP/s at 100% of the fitted factor."""
    compute_exponent, bandwidth_exponent = shape[0], shape[1]
    if uses_tflops:
        return REF_TFLOPS * 1e12 * (row.tflops / REF_TFLOPS) ** compute_exponent
    ratio = row.bandwidth_gb_s / REF_BANDWIDTH_GB_S
    return REF_BANDWIDTH_GB_S * 1e9 * ratio**bandwidth_exponent


def _prefill_columns(
    row,
    shape: PrefillShape,
    uses_tflops: bool,
    paths,
    own_attention,
    attention_slowdown=0.0,
    legacy=False,
):
    """Linear features of a row's prefill seconds: the matrix work in the column of its weight
    path (paths fitted apart; the others share the first), and attention in a column of its
    own when fitted apart, else at the reference path's rate x (1 + attention_slowdown); with
    `legacy`, a last column holding a pre-2025 build's whole work (0 for a current build)."""
    scale = _scale(row, shape, uses_tflops)
    work = row.work
    matrix = work.matrix_flops(shape.moe_slowdown) / scale
    attention = work.attention_flops / scale
    column = paths.index(work.weights) if work.weights in paths else 0
    columns = [0.0] * len(paths)
    columns[column] = matrix
    if own_attention:
        columns.append(attention)
    else:
        columns[0] += attention * (1 + attention_slowdown)
    if legacy:
        columns.append(matrix + attention if row.legacy else 0.0)
    return columns


# The matrix path a prompt's speed is stated against, and which measured path stands in for an
# unmeasured one (BF16 and F16 run the same kind of 16-bit kernels).
_REFERENCE_PATHS = ("f16", "bf16", "quantized")


def _fitted_paths(rows) -> tuple[str, ...]:
    """Weight paths with a rate of their own, the reference first: F16 when measured, else the
    nearest measured path; a path needs MIN_MOE_MEASUREMENTS rows to be told apart."""
    counts = {}
    for r in rows:
        counts[r.work.weights] = counts.get(r.work.weights, 0) + 1
    enough = [path for path in _REFERENCE_PATHS if counts.get(path, 0) >= MIN_MOE_MEASUREMENTS]
    return tuple(enough) or (_REFERENCE_PATHS[0],)


def _prefill_fit(
    rows,
    shape: PrefillShape,
    uses_tflops: bool,
    attention_slowdown: float = 0.0,
    eras: bool = True,
) -> PrefillFactors | None:
    """Factors for prefill seconds = (matrix work x (1 + the weight path's slowdown) +
    attention x (1 + attention slowdown)) / (factor x scale), or None with too few rows. The
    attention slowdown is fitted when the rows tell it apart, else `attention_slowdown`; with
    `eras`, pre-2025 builds' extra time is fitted apart where both eras were measured."""
    if len(rows) < MIN_GROUP_MEASUREMENTS:
        return None
    own_attention = max(r.attention_share for r in rows) >= _ATTENTION_SHARE_TO_FIT
    legacy = eras and _has_eras(rows)
    paths = _fitted_paths(rows)
    features = [
        _prefill_columns(r, shape, uses_tflops, paths, own_attention, attention_slowdown, legacy)
        for r in rows
    ]
    beta = relative_least_squares(features, [r.prefill_s for r in rows])
    if not beta or min(beta[: len(paths)]) <= 0:
        return None
    reference = beta[0]
    slowdowns = {path: beta[i] / reference - 1 for i, path in enumerate(paths)}
    if "f16" not in slowdowns:
        # Unmeasured F16 runs at the reference path's rate; express the others against it.
        slowdowns = {**slowdowns, paths[0]: 0.0}
    factor = 1 / reference
    return PrefillFactors(
        compute_efficiency=factor if uses_tflops else None,
        flops_per_byte=None if uses_tflops else factor,
        quantized_slowdown=slowdowns.get("quantized", 0.0),
        attention_slowdown=(
            beta[len(paths)] / reference - 1 if own_attention else attention_slowdown
        ),
        attention_fitted=own_attention,
        legacy_slowdown=beta[-1] / reference if legacy else 0.0,
        compute_exponent=shape.compute_exponent,
        bandwidth_exponent=shape.bandwidth_exponent,
        bf16_slowdown=slowdowns.get("bf16", 0.0),
        moe_slowdown=shape.moe_slowdown,
    )


def _prefill_factors(
    rows: list[MeasurementRow],
    shape: PrefillShape,
    attention_slowdown: float = 0.0,
    eras: bool = True,
) -> PrefillFactors:
    measured = [r for r in rows if r.prefill_s]
    with_tflops = [r for r in measured if r.tflops]
    by_compute = _prefill_fit(with_tflops, shape, True, attention_slowdown, eras)
    by_bandwidth = _prefill_fit(measured, shape, False, attention_slowdown, eras)
    chosen = by_compute or by_bandwidth or PrefillFactors(None, None)
    return replace(
        chosen,
        compute_efficiency=by_compute.compute_efficiency if by_compute else None,
        flops_per_byte=by_bandwidth.flops_per_byte if by_bandwidth else None,
        compute_exponent=shape.compute_exponent,
        bandwidth_exponent=shape.bandwidth_exponent,
        moe_slowdown=shape.moe_slowdown,
    )


def _prefill_error(rows: list[MeasurementRow], shape: PrefillShape, uses_tflops: bool) -> float:
    """Summed squared log error of prefill fitted per engine/backend/kind group (the narrowest
    level that spans several cards, so that TFLOPS vary within it), for one shape."""
    total = 0.0
    by_group = {}
    for r in rows:
        by_group.setdefault(parent_key(r.prefill_keys[0]), []).append(r)
    for members in by_group.values():
        factors = _prefill_fit(members, shape, uses_tflops)
        if factors is None:
            continue
        for r in members:
            predicted = _row_prefill_s(r, factors, uses_tflops)
            total += math.log(predicted / r.prefill_s) ** 2
    return total


def _fit_shape(rows: list[MeasurementRow]) -> PrefillShape:
    """The exponents, the routed experts' slowdown, then the exponents again with that
    slowdown (MoE runs would otherwise bend the exponents), each fitted on every group."""
    prefill = [r for r in rows if r.prefill_s and "global" in r.keys]
    with_tflops = [r for r in prefill if r.tflops]
    if len(with_tflops) < MIN_GROUP_MEASUREMENTS:
        with_tflops = []

    def best(candidates, uses_tflops, grid, shape_for, default):
        if len(candidates) < MIN_GROUP_MEASUREMENTS:
            return shape_for(default)
        return min(
            (shape_for(value) for value in grid),
            key=lambda shape: _prefill_error(candidates, shape, uses_tflops),
        )

    def exponents(shape):
        shape = best(
            with_tflops,
            True,
            PREFILL_EXPONENT_GRID,
            lambda e: shape._replace(compute_exponent=e),
            1.0,
        )
        return best(
            prefill,
            False,
            PREFILL_EXPONENT_GRID,
            lambda e: shape._replace(bandwidth_exponent=e),
            1.0,
        )

    shape = exponents(PrefillShape())
    if sum(1 for r in prefill if r.work.expert_flops) < MIN_MOE_MEASUREMENTS:
        return shape
    shape = best(
        with_tflops or prefill,
        bool(with_tflops),
        MOE_PREFILL_SLOWDOWN_GRID,
        lambda m: shape._replace(moe_slowdown=m),
        0.0,
    )
    return exponents(shape)


def _row_prefill_s(row, factors: PrefillFactors, uses_tflops: bool) -> float:
    factor = factors.compute_efficiency if uses_tflops else factors.flops_per_byte
    shape = PrefillShape(factors.compute_exponent, factors.bandwidth_exponent)
    rate = factor * _scale(row, shape, uses_tflops)
    seconds = prefill_token_seconds(row.work, rate, factors)
    if row.legacy and factors.legacy_slowdown:
        work = row.work.matrix_flops(factors.moe_slowdown) + row.work.attention_flops
        seconds += factors.legacy_slowdown * work / rate
    return seconds


# --- Fitting -----------------------------------------------------------------------------------


def _fit(
    rows: list[MeasurementRow], shape: PrefillShape | None = None, only: set | None = None
) -> Calibration:
    """Factors of every group the rows fall in (or of the groups in `only`)."""
    hop_s, moe = _global_decode(rows)
    shape = shape or _fit_shape(rows)
    decode_members, prefill_members = {}, {}
    for row in rows:
        for key in row.keys:
            if row.dies == 1 and _member(row, row.keys, key):
                decode_members.setdefault(key, []).append(row)
        for key in row.prefill_keys:
            if _member(row, row.prefill_keys, key):
                prefill_members.setdefault(key, []).append(row)
    groups = []
    for key in sorted({*decode_members, *prefill_members}):
        if only is not None and key not in only:
            continue
        decoders, prefillers = decode_members.get(key, []), prefill_members.get(key, [])
        # Card-class and global groups do not tell eras apart: there the era's column soaked
        # up differences between cards (held out, ROCm answers, which fall back to those
        # groups, got worse).
        eras = not _is_class_wide(key)
        group = GroupCalibration(
            key,
            len(decoders),
            _decode_factors(decoders, hop_s, moe, eras),
            _prefill_factors(prefillers, shape, eras=eras),
            backends=tuple(sorted({r.backend for r in decoders})),
            prefill_measurements=sum(1 for r in prefillers if r.prefill_s),
        )
        if group.decode or group.prefill.compute_efficiency or group.prefill.flops_per_byte:
            groups.append(group)
    groups = _inherit_attention(groups, prefill_members, shape)
    calibration = Calibration(
        tuple(groups),
        hop_s,
        len(rows),
        compute_exponent=shape.compute_exponent,
        bandwidth_exponent=shape.bandwidth_exponent,
        moe_overhead=moe,
        prefill_moe_slowdown=shape.moe_slowdown,
    )
    calibration = replace(calibration, backend_ratios=_backend_ratios(calibration, rows))
    return replace(calibration, die_ratios=_die_ratios(calibration, rows))


def _inherit_attention(groups: list[GroupCalibration], members: dict, shape) -> list:
    """Refit the prefill of groups whose measurements cannot tell attention's cost apart (no
    long prompt or deep context) with the attention slowdown of the nearest broader group that
    could: a deep-context prompt then costs what this backend's attention kernels were seen to
    cost, not what its matrix kernels cost."""
    by_key = {group.key: group for group in groups}
    refitted = []
    for group in groups:
        rows = members.get(group.key, [])
        if group.prefill.attention_fitted or not rows:
            refitted.append(group)
            continue
        chain = rows[0].prefill_keys
        broader = chain[chain.index(group.key) + 1 :] if group.key in chain else ()
        source = next(
            (by_key[k] for k in broader if k in by_key and by_key[k].prefill.attention_fitted),
            None,
        )
        if source is None:
            refitted.append(group)
            continue
        eras = not _is_class_wide(group.key)
        prefill = _prefill_factors(rows, shape, source.prefill.attention_slowdown, eras)
        refitted.append(replace(group, prefill=prefill))
    return refitted


def _class_level(keys: tuple[str, ...]) -> int:
    return next((i for i, key in enumerate(keys) if _is_class_wide(key)), len(keys))


def _member(row: MeasurementRow, keys: tuple[str, ...], key: str) -> bool:
    """Whether a row counts in a group: card-class and global groups (the third level on) hold
    only runs on each card's usual backend, so that other backends are told apart."""
    if key not in keys:
        return False
    return row.usual or not _is_class_wide(key)


def _backend_ratios(calibration: Calibration, rows: list[MeasurementRow]) -> dict:
    """Per backend, the geometric mean of measured / predicted speed of its runs on hardware
    whose usual backend is another one, predicted by the card-class groups."""
    logs = {}
    for row in rows:
        if row.usual:
            continue
        decode = predict(calibration, row, skip=_class_level(row.keys)).decode
        prefill = predict(calibration, row, skip=_class_level(row.prefill_keys)).prefill
        entry = logs.setdefault(row.backend, ([], []))
        if decode and row.decode_s:
            entry[0].append(math.log(1 / row.decode_s / decode))
        if prefill and row.prefill_s:
            entry[1].append(math.log(1 / row.prefill_s / prefill))

    def mean(values):
        return math.exp(sum(values) / len(values)) if len(values) >= MIN_MOE_MEASUREMENTS else None

    return {backend: (mean(d), mean(p)) for backend, (d, p) in sorted(logs.items())}


def _die_ratios(calibration: Calibration, rows: list[MeasurementRow]) -> dict:
    """Per card class, the geometric mean of measured / predicted decode speed of GPUs that
    span several dies, predicted by the groups fitted on single-die chips. An Apple Ultra is
    two Max dies: its GPU reaches the far die's memory through the UltraFusion bridge."""
    logs = {}
    for row in rows:
        if row.dies > 1 and row.decode_s:
            decode = predict(calibration, row).decode
            if decode:
                logs.setdefault(kind_of(row.keys), []).append(math.log(1 / row.decode_s / decode))
    return {kind: math.exp(sum(v) / len(v)) for kind, v in sorted(logs.items())}


@dataclass(frozen=True)
class Prediction:
    """A held-out row's predicted speeds with the range the engine would show."""

    index: int
    decode: float | None
    decode_low: float | None
    decode_high: float | None
    prefill: float | None
    prefill_low: float | None
    prefill_high: float | None
    decode_level: int = 0
    prefill_level: int = 0


def predict(
    calibration: Calibration,
    row: MeasurementRow,
    index: int = 0,
    skip: int = 0,
    prefill_skip: int | None = None,
) -> Prediction:
    """Decode and prefill tok/s predicted for a measured row, with their ranges (skip: as if
    the first `skip` levels of groups had no measurements)."""
    decode = decode_low = decode_high = None
    decode_choice = calibration.decode_choice(row.keys, skip, row.usual, row.dies)
    if row.decode:
        seconds = decode_seconds(row.decode, decode_choice.group.decode)
        seconds += decode_choice.group.decode.legacy_layer_overhead_s * _legacy_layers(row)
        decode = 1 / (seconds + calibration.gpu_hop_s * row.hops)
        low, high = decode_choice.decode_range()
        decode_low, decode_high = decode * low, decode * high
    uses_tflops = row.tflops is not None
    prefill_skip = skip if prefill_skip is None else prefill_skip
    choice = calibration.prefill_choice(row.prefill_keys, uses_tflops, prefill_skip, row.usual)
    factors = choice.group.prefill
    prefill = 1 / _row_prefill_s(row, factors, uses_tflops)
    low, high = choice.prefill_range()
    return Prediction(
        index,
        decode,
        decode_low,
        decode_high,
        prefill,
        prefill * low,
        prefill * high,
        decode_choice.level,
        choice.level,
    )


def _predict(calibration: Calibration, row: MeasurementRow, skip: int = 0):
    """(decode, prefill) tok/s predicted for a measured row."""
    prediction = predict(calibration, row, skip=skip)
    return prediction.decode, prediction.prefill


def out_of_fold(rows: list[MeasurementRow], fold_of: Sequence[Hashable], *, ranges=False):
    """Predictions with each fold fitted on the others; with ranges=True each fold's
    calibration also carries its own held-out-by-card ranges (a nested cross-validation)."""
    predictions = []
    for fold in dict.fromkeys(fold_of):
        train = [r for r, f in zip(rows, fold_of, strict=True) if f != fold]
        fitted = _with_ranges(train) if ranges else _fit(train)
        for index, f in enumerate(fold_of):
            if f == fold:
                predictions.append(predict(fitted, rows[index], index))
    return predictions


def out_of_fold_predictions(rows: list[MeasurementRow], fold_of: Sequence[Hashable]):
    """(row index, predicted decode, predicted prefill) with each fold fitted on the others."""
    return [(p.index, p.decode, p.prefill) for p in out_of_fold(rows, fold_of)]


def _with_ranges(rows: list[MeasurementRow], fitted_on: str = "") -> Calibration:
    """Factors fitted on every row, with ranges from predicting each card's rows by a
    calibration fitted without that card's fold of cards (RANGE_FOLDS folds; the exponents
    are fitted once, on every row), and fallback ranges from leaving whole classes out."""
    calibration = _fit(rows)
    shape = calibration.prefill_shape
    cards = sorted({r.card for r in rows})
    fold_of_card = {card: index % RANGE_FOLDS for index, card in enumerate(cards)}
    folds = [fold_of_card[r.card] for r in rows]
    ratios = {}
    for fold in dict.fromkeys(folds):
        train = [r for r, f in zip(rows, folds, strict=True) if f != fold]
        fitted = _fit(train, shape)
        for row, f in zip(rows, folds, strict=True):
            if f != fold:
                continue
            _collect_ratios(fitted, row, ratios)
    _collect_fallback_ratios(rows, shape, ratios)
    # A generation's group shows the range of its engine/backend/kind group, which holds the
    # errors of every prediction made at that level (too few per generation to tell apart).
    groups = tuple(
        replace(
            group,
            **{
                field: value
                for which in ("decode", "prefill", "decode_fallback", "prefill_fallback")
                for field, value in _ratio_range(
                    which, ratios.get((parent_key(group.key), which), [])
                ).items()
            },
        )
        for group in calibration.groups
    )
    return replace(calibration, groups=groups, fitted_on=fitted_on)


def _collect_ratios(fitted: Calibration, row: MeasurementRow, ratios: dict) -> None:
    """Measured / predicted of a held-out row under the group that answered for it."""
    prediction = predict(fitted, row)
    decode = fitted.decode_choice(row.keys)
    if prediction.decode and row.decode_s and decode.level == 0:
        ratio = 1 / row.decode_s / prediction.decode
        ratios.setdefault((parent_key(decode.group.key), "decode"), []).append(ratio)
    prefill = fitted.prefill_choice(row.prefill_keys, row.tflops is not None)
    if prediction.prefill and row.prefill_s and prefill.level == 0:
        ratio = 1 / row.prefill_s / prediction.prefill
        ratios.setdefault((parent_key(prefill.group.key), "prefill"), []).append(ratio)


def _collect_fallback_ratios(rows: list[MeasurementRow], shape, ratios: dict) -> None:
    """Measured / predicted when a whole class (a runtime on a backend, a backend on a kind of
    hardware, a kind) is left out and a broader group answers for it, as it does for a
    question no measurement of its class covers."""
    classes = {}
    for row in rows:
        for key in {*row.keys[:-1], *row.prefill_keys[:-1]}:
            if not is_generation_key(key):  # without it, its parent answers: no fallback
                classes.setdefault(key, []).append(row)
    for key, members in sorted(classes.items()):
        needed = {k for r in members for k in (*r.keys, *r.prefill_keys)}
        train = [r for r in rows if key not in (*r.keys, *r.prefill_keys)]
        fitted = _fit(train, shape, only=needed | set(HARDWARE_KINDS) | {"global"})
        for row in members:
            if key in row.keys[:-1]:
                skip = row.keys.index(key) + 1
                decode = fitted.decode_choice(row.keys, skip, row.usual)
                predicted = predict(fitted, row, skip=skip).decode
                if predicted and row.decode_s and not decode.group.is_prior:
                    ratio = 1 / row.decode_s / predicted
                    ratios.setdefault((decode.group.key, "decode_fallback"), []).append(ratio)
            if key in row.prefill_keys[:-1]:
                skip = row.prefill_keys.index(key) + 1
                uses_tflops = row.tflops is not None
                prefill = fitted.prefill_choice(row.prefill_keys, uses_tflops, skip, row.usual)
                predicted = predict(fitted, row, prefill_skip=skip).prefill
                if predicted and row.prefill_s and not prefill.group.is_prior:
                    ratio = 1 / row.prefill_s / predicted
                    ratios.setdefault((prefill.group.key, "prefill_fallback"), []).append(ratio)


def fit_calibration(
    measurements: Sequence[Measurement], fitted_on: str | None = None
) -> Calibration:
    """Fit factors per group, with measured/predicted quantiles from held-out-by-card
    predictions."""
    rows = [measurement_row(m) for m in measurements]
    return _with_ranges(rows, fitted_on or date.today().isoformat())


def _ratio_range(prefix: str, ratios: list[float]) -> dict:
    """The quantiles of measured / predicted; with too few ratios to tell, the stated prior
    range (a fallback range then widens the group's own instead)."""
    if len(ratios) < MIN_RANGE_RATIOS:
        if prefix.endswith("fallback"):
            return {}
        return {
            f"{prefix}_ratio_low": PRIOR_ERROR_RATIO_LOW,
            f"{prefix}_ratio_high": PRIOR_ERROR_RATIO_HIGH,
        }
    return {
        f"{prefix}_ratio_low": min(quantile(ratios, ERROR_QUANTILE_LOW), 1.0),
        f"{prefix}_ratio_high": max(quantile(ratios, ERROR_QUANTILE_HIGH), 1.0),
    }
