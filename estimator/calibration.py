"""Fit the speed model's efficiency factors from measurements (validation.py measures the fit).

Groups, most specific first: engine/backend/kind (e.g. "ggml/cuda/discrete_gpu"), backend/kind,
kind, and "global" (GPUs only). A group gets its own factors when it holds at least
MIN_GROUP_MEASUREMENTS measurements; otherwise the next broader group answers. The low-high
range of an estimate is the spread of measured/predicted seen out-of-fold in its group.
"""

from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from estimator.constants import (
    CALIBRATION_FOLDS,
    ERROR_QUANTILE_HIGH,
    ERROR_QUANTILE_LOW,
    MIN_GROUP_MEASUREMENTS,
    PRIOR_CPU_BANDWIDTH_EFFICIENCY,
    PRIOR_CPU_FLOPS_PER_BYTE,
    PRIOR_ERROR_RATIO_HIGH,
    PRIOR_ERROR_RATIO_LOW,
    PRIOR_GPU_BANDWIDTH_EFFICIENCY,
    PRIOR_GPU_COMPUTE_EFFICIENCY,
    PRIOR_GPU_FLOPS_PER_BYTE,
    RUNTIMES,
)
from estimator.fitting import quantile, relative_least_squares
from estimator.memory import kv_cache_bytes, shared_params_b, weights_bytes
from estimator.placement import Footprint, on_cpu, on_gpus
from estimator.specs import HardwareSpec, Measurement
from estimator.speed import (
    DecodeFactors,
    DecodeFeatures,
    PrefillFactors,
    decode_features,
    decode_seconds,
    flops_per_token,
    gpu_hops,
)

__all__ = ["Calibration", "GroupCalibration", "Measurement", "fit_calibration", "group_keys"]


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


def group_keys(card: HardwareSpec | None, backend: str, runtime: str) -> tuple[str, ...]:
    """Calibration groups for a device, most specific first. card None means the CPU."""
    engine = RUNTIMES[runtime].engine if runtime in RUNTIMES else runtime
    kind, backend = ("cpu", "cpu") if card is None else (card.kind, backend)
    keys = (f"{engine}/{backend}/{kind}", f"{backend}/{kind}", kind)
    return keys if kind == "cpu" else (*keys, "global")


@dataclass(frozen=True)
class Calibration:
    """Factors per group, fitted from `measurements` runs on `fitted_on` (ISO date)."""

    groups: tuple[GroupCalibration, ...] = ()
    gpu_hop_s: float = 0.0
    measurements: int = 0
    fitted_on: str = ""
    _by_key: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {group.key: group for group in self.groups})

    def _first(self, keys, accept, fallback: GroupCalibration) -> GroupCalibration:
        groups = (self._by_key[key] for key in keys if key in self._by_key)
        return next((group for group in groups if accept(group)), fallback)

    def decode_group_for(self, keys: tuple[str, ...]) -> GroupCalibration:
        """The first group of `keys` with decode factors (a prior when none was fitted)."""
        fallback = PRIOR_GPU if "global" in keys else PRIOR_CPU
        return self._first(keys, lambda group: group.decode is not None, fallback)

    def prefill_group_for(self, keys: tuple[str, ...], uses_tflops: bool) -> GroupCalibration:
        """The first group of `keys` with the prefill factor this device needs: the share of
        peak compute when its TFLOPS are known, else the bandwidth-derived figure."""
        fallback = PRIOR_GPU if "global" in keys else PRIOR_CPU

        def accept(group):
            factors = group.prefill
            return (
                factors.compute_efficiency if uses_tflops else factors.flops_per_byte
            ) is not None

        return self._first(keys, accept, fallback)

    def decode_group(self, card: HardwareSpec | None, backend: str, runtime: str):
        """The group whose decode factors apply to this device (card None: the CPU)."""
        return self.decode_group_for(group_keys(card, backend, runtime))

    def prefill_group(self, card: HardwareSpec | None, backend: str, runtime: str):
        """The group whose prefill factors apply to this device (card None: the CPU)."""
        uses_tflops = card is not None and bool(card.fp16_tflops)
        return self.prefill_group_for(group_keys(card, backend, runtime), uses_tflops)

    def to_dict(self) -> dict:
        """A JSON-able dict."""
        return {
            "fitted_on": self.fitted_on,
            "measurements": self.measurements,
            "gpu_hop_s": self.gpu_hop_s,
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
                }
            )
            for group in data["groups"]
        )
        return cls(groups, data["gpu_hop_s"], data["measurements"], data["fitted_on"])


# --- Per-measurement inputs of the speed model ------------------------------------------------


@dataclass(frozen=True)
class MeasurementRow:
    keys: tuple[str, ...]
    decode: DecodeFeatures | None
    hops: int
    decode_s: float | None  # measured seconds per generated token
    compute_s: float | None  # prompt-token seconds at peak FP16 FLOPS (None: TFLOPS unknown)
    bandwidth_flop_s: float  # prompt-token FLOPs / bandwidth in bytes/s
    prefill_s: float | None
    quantized: bool


def measured_placement(measurement: Measurement):
    """The run as measured: every layer on the GPUs in a layer split (or all on the CPU)."""
    hardware, model, quant = measurement.setup, measurement.model, measurement.quant
    footprint = Footprint(
        weights_bytes(model, quant),
        kv_cache_bytes(model, measurement.context_tokens),
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
    # llama-bench tgN generates N tokens from an empty cache: the mean KV size is N/2.
    kv_read = kv_cache_bytes(model, measurement.context_tokens // 2)
    per_device = decode_features(placement, hardware, kv_read)
    decode = DecodeFeatures(
        sum(f.weight_seconds for _, f in per_device),
        sum(f.kv_seconds for _, f in per_device),
        sum(f.layers for _, f in per_device),
    )
    flops = flops_per_token(model, measurement.context_tokens)
    card = hardware.cards()[0] if hardware.cards() else None
    bandwidth = card.bandwidth_gb_s if card else hardware.system_ram_bandwidth_gb_s
    return MeasurementRow(
        keys=group_keys(card, hardware.backend, measurement.runtime),
        decode=decode,
        hops=gpu_hops(placement),
        decode_s=1 / measurement.decode_tok_s if measurement.decode_tok_s else None,
        compute_s=flops / (card.fp16_tflops * 1e12) if card and card.fp16_tflops else None,
        bandwidth_flop_s=flops / (bandwidth * 1e9),
        prefill_s=1 / measurement.prefill_tok_s if measurement.prefill_tok_s else None,
        quantized=measurement.quant.is_quantized,
    )


# --- Fitting ---------------------------------------------------------------------------------


def _decode_factors(rows: list[MeasurementRow], hop_s: float) -> DecodeFactors | None:
    usable = [r for r in rows if r.decode_s and r.decode]
    if len(usable) < MIN_GROUP_MEASUREMENTS:
        return None
    features = [
        [r.decode.weight_seconds + r.decode.kv_seconds, r.decode.kv_seconds, r.decode.layers]
        for r in usable
    ]
    # The hop time is fitted globally; it must not swallow a row's whole measured time.
    targets = [max(r.decode_s - hop_s * r.hops, r.decode_s / 2) for r in usable]
    beta = relative_least_squares(features, targets)
    if not beta or beta[0] <= 0:
        return None
    return DecodeFactors(1 / beta[0], beta[1] / beta[0], beta[2])


def _prefill_fit(pairs: list[tuple[float, bool, float]]) -> tuple[float | None, float | None]:
    """(1/beta, slowdown) for prefill seconds = beta x feature x (1 + slowdown if quantized),
    from (feature, quantized, seconds) triples."""
    if len(pairs) < MIN_GROUP_MEASUREMENTS:
        return None, None
    features = [[x, x if quantized else 0.0] for x, quantized, _ in pairs]
    beta = relative_least_squares(features, [t for _, _, t in pairs])
    if not beta or beta[0] <= 0:
        return None, None
    return 1 / beta[0], beta[1] / beta[0]


def _prefill_factors(rows: list[MeasurementRow]) -> PrefillFactors:
    measured = [r for r in rows if r.prefill_s]
    efficiency, slowdown = _prefill_fit(
        [(r.compute_s, r.quantized, r.prefill_s) for r in measured if r.compute_s]
    )
    per_byte, per_byte_slowdown = _prefill_fit(
        [(r.bandwidth_flop_s, r.quantized, r.prefill_s) for r in measured]
    )
    # One slowdown per group: from peak compute where fitted, else from the bandwidth figure.
    return PrefillFactors(
        efficiency, per_byte, slowdown if efficiency else per_byte_slowdown or 0.0
    )


def _global_hop_s(rows: list[MeasurementRow]) -> float:
    gpu_rows = [r for r in rows if r.decode_s and "global" in r.keys]
    if not any(r.hops for r in gpu_rows) or len(gpu_rows) < MIN_GROUP_MEASUREMENTS:
        return 0.0
    features = [
        [
            r.decode.weight_seconds + r.decode.kv_seconds,
            r.decode.kv_seconds,
            r.decode.layers,
            r.hops,
        ]
        for r in gpu_rows
    ]
    beta = relative_least_squares(features, [r.decode_s for r in gpu_rows])
    return beta[3] if beta else 0.0


def _fit(rows: list[MeasurementRow]) -> Calibration:
    hop_s = _global_hop_s(rows)
    groups = []
    for key in sorted({key for row in rows for key in row.keys}):
        members = [r for r in rows if key in r.keys]
        group = GroupCalibration(
            key, len(members), _decode_factors(members, hop_s), _prefill_factors(members)
        )
        if group.decode or group.prefill.compute_efficiency or group.prefill.flops_per_byte:
            groups.append(group)
    return Calibration(tuple(groups), hop_s, len(rows))


def _predict(calibration: Calibration, row: MeasurementRow) -> tuple[float | None, float | None]:
    """(decode, prefill) tok/s predicted for a measured row."""
    decode = None
    if row.decode:
        factors = calibration.decode_group_for(row.keys).decode
        seconds = decode_seconds(row.decode, factors) + calibration.gpu_hop_s * row.hops
        decode = 1 / seconds
    factors = calibration.prefill_group_for(row.keys, row.compute_s is not None).prefill
    slowdown = 1 + (factors.quantized_slowdown if row.quantized else 0.0)
    if row.compute_s is not None:
        return decode, factors.compute_efficiency / (row.compute_s * slowdown)
    return decode, factors.flops_per_byte / (row.bandwidth_flop_s * slowdown)


def out_of_fold_predictions(rows: list[MeasurementRow], fold_of: Sequence[Hashable]):
    """(row index, predicted decode, predicted prefill) with each fold fitted on the others."""
    predictions = []
    for fold in dict.fromkeys(fold_of):
        train = [r for r, f in zip(rows, fold_of, strict=True) if f != fold]
        fitted = _fit(train)
        for index, f in enumerate(fold_of):
            if f == fold:
                predictions.append((index, *_predict(fitted, rows[index])))
    return predictions


def fit_calibration(
    measurements: Sequence[Measurement], fitted_on: str | None = None
) -> Calibration:
    """Fit factors per group, with measured/predicted quantiles from k-fold predictions."""
    rows = [measurement_row(m) for m in measurements]
    calibration = _fit(rows)
    folds = [index % CALIBRATION_FOLDS for index in range(len(rows))]
    predictions = out_of_fold_predictions(rows, folds)
    groups = []
    for group in calibration.groups:
        decode_ratios, prefill_ratios = [], []
        for index, decode, prefill in predictions:
            row = rows[index]
            if group.key in row.keys and decode and row.decode_s:
                decode_ratios.append(1 / row.decode_s / decode)
            if group.key in row.keys and prefill and row.prefill_s:
                prefill_ratios.append(1 / row.prefill_s / prefill)
        groups.append(
            replace(
                group,
                **_ratio_range("decode", decode_ratios),
                **_ratio_range("prefill", prefill_ratios),
            )
        )
    return replace(
        calibration, groups=tuple(groups), fitted_on=fitted_on or date.today().isoformat()
    )


def _ratio_range(prefix: str, ratios: list[float]) -> dict:
    if not ratios:
        return {}
    return {
        f"{prefix}_ratio_low": min(quantile(ratios, ERROR_QUANTILE_LOW), 1.0),
        f"{prefix}_ratio_high": max(quantile(ratios, ERROR_QUANTILE_HIGH), 1.0),
    }
