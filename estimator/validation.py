"""How well the calibrated speed model predicts measurements it was not fitted on."""

import statistics
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass

from estimator.calibration import measurement_row, out_of_fold, out_of_fold_predictions
from estimator.constants import ERROR_QUANTILE_HIGH, ERROR_QUANTILE_LOW
from estimator.fitting import quantile
from estimator.memory import weights_bytes
from estimator.specs import Measurement


@dataclass(frozen=True)
class CrossValidation:
    """Absolute percentage errors (%) of out-of-fold predictions, and of the naive estimate
    (decode: bandwidth / model size; prefill: peak FP16 FLOPS / (2 x active params))."""

    decode_count: int
    decode_median_ape: float
    decode_p90_ape: float
    prefill_count: int
    prefill_median_ape: float
    prefill_p90_ape: float
    naive_decode_median_ape: float
    naive_decode_p90_ape: float
    naive_prefill_count: int
    naive_prefill_median_ape: float
    naive_prefill_p90_ape: float


def naive_decode_tok_s(measurement: Measurement) -> float:
    """The rule of thumb: memory bandwidth divided by the model's size."""
    hardware = measurement.setup
    bandwidth = (
        hardware.bandwidth_gb_s if hardware.kind != "cpu" else hardware.system_ram_bandwidth_gb_s
    )
    return bandwidth * 1e9 / weights_bytes(measurement.model, measurement.quant)


def naive_prefill_tok_s(measurement: Measurement) -> float | None:
    """Peak FP16 FLOPS over 2 FLOPs per active parameter; None without a TFLOPS figure."""
    tflops = measurement.setup.fp16_tflops
    return tflops * 1e12 / (2 * measurement.model.active_b * 1e9) if tflops else None


def _ape(predicted: float, measured: float) -> float:
    return abs(predicted - measured) / measured * 100


def _median_p90(errors: list[float]) -> tuple[float, float]:
    if not errors:
        return float("nan"), float("nan")
    return statistics.median(errors), quantile(errors, 0.9)


def cross_validate(
    measurements: Sequence[Measurement],
    fold_of: Callable[[Measurement], Hashable] | None = None,
) -> CrossValidation:
    """Out-of-fold errors: leave-one-out by default, or one fold per fold_of(measurement)
    (e.g. lambda m: m.hardware.name for leave-one-hardware-out)."""
    rows = [measurement_row(m) for m in measurements]
    folds = [fold_of(m) if fold_of else index for index, m in enumerate(measurements)]
    decode_errors, prefill_errors = [], []
    for index, decode, prefill in out_of_fold_predictions(rows, folds):
        measured = measurements[index]
        if measured.decode_tok_s and decode:
            decode_errors.append(_ape(decode, measured.decode_tok_s))
        if measured.prefill_tok_s and prefill:
            prefill_errors.append(_ape(prefill, measured.prefill_tok_s))
    naive_decode = [
        _ape(naive_decode_tok_s(m), m.decode_tok_s) for m in measurements if m.decode_tok_s
    ]
    naive_prefill = [
        _ape(naive_prefill_tok_s(m), m.prefill_tok_s)
        for m in measurements
        if m.prefill_tok_s and naive_prefill_tok_s(m)
    ]
    return CrossValidation(
        len(decode_errors),
        *_median_p90(decode_errors),
        len(prefill_errors),
        *_median_p90(prefill_errors),
        *_median_p90(naive_decode),
        len(naive_prefill),
        *_median_p90(naive_prefill),
    )


# --- Held out by card: errors per backend and range coverage ----------------------------------


@dataclass(frozen=True)
class ErrorStats:
    """Absolute percentage errors (%) of one slice of held-out predictions, and the share (%)
    of its measurements inside the range the estimate showed."""

    count: int
    median_ape: float
    p90_ape: float
    coverage: float


@dataclass(frozen=True)
class HeldOutReport:
    """Every card's measurements predicted by a calibration fitted without that card (its
    ranges from a cross-validation of its own), per backend and overall ("all")."""

    stated_share: float  # % of measurements the range is meant to hold
    decode: dict
    prefill: dict

    def as_dict(self) -> dict:
        return {
            "stated_share": self.stated_share,
            "decode": {key: asdict(value) for key, value in self.decode.items()},
            "prefill": {key: asdict(value) for key, value in self.prefill.items()},
        }


def _stats(results: list[tuple[float, bool]]) -> ErrorStats:
    errors = [error for error, _ in results]
    median, p90 = _median_p90(errors)
    inside = sum(1 for _, hit in results if hit)
    return ErrorStats(len(results), median, p90, inside / len(results) * 100 if results else 0.0)


def held_out_by_card(measurements: Sequence[Measurement]) -> HeldOutReport:
    """Decode and prefill error and range coverage with every row of a card held out."""
    rows = [measurement_row(m) for m in measurements]
    predictions = out_of_fold(rows, [row.card for row in rows], ranges=True)
    decode, prefill = {}, {}
    for p in predictions:
        measured, backend = measurements[p.index], rows[p.index].backend
        if measured.decode_tok_s and p.decode:
            hit = p.decode_low <= measured.decode_tok_s <= p.decode_high
            result = (_ape(p.decode, measured.decode_tok_s), hit)
            for key in (backend, "all"):
                decode.setdefault(key, []).append(result)
        if measured.prefill_tok_s and p.prefill:
            hit = p.prefill_low <= measured.prefill_tok_s <= p.prefill_high
            result = (_ape(p.prefill, measured.prefill_tok_s), hit)
            for key in (backend, "all"):
                prefill.setdefault(key, []).append(result)
    share = (ERROR_QUANTILE_HIGH - ERROR_QUANTILE_LOW) * 100
    return HeldOutReport(
        round(share),
        {key: _stats(value) for key, value in sorted(decode.items())},
        {key: _stats(value) for key, value in sorted(prefill.items())},
    )
