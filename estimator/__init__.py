"""RunLocalAI's estimator: will this model run on this hardware, and how fast?

Pure Python (no Django). Build the inputs, call `estimate`, read the `Estimate`:

    from estimator import EstimateRequest, HardwareSpec, ModelSpec, QuantSpec, estimate
    result = estimate(EstimateRequest(hardware, model, quant, context_tokens=8192), calibration)

Speeds come from a `Calibration` fitted on measurements (`fit_calibration`); without one the
engine falls back to stated priors and says so in the notes.
"""

from estimator.calibration import Calibration, GroupCalibration, fit_calibration
from estimator.engine import (
    VERDICTS,
    Estimate,
    EstimateRequest,
    MemoryBreakdown,
    SpeedRange,
    estimate,
    fits,
    incompatibility,
)
from estimator.guidance import largest_fitting_quant, longest_fitting_context
from estimator.memory import kv_cache_bytes, weights_bytes
from estimator.specs import (
    HardwareSpec,
    Measurement,
    ModelSpec,
    QuantSpec,
    hardware_from_row,
    measurement_from_row,
    model_from_row,
    quant_from_row,
)
from estimator.validation import CrossValidation, cross_validate

__all__ = [
    "VERDICTS",
    "Calibration",
    "CrossValidation",
    "Estimate",
    "EstimateRequest",
    "GroupCalibration",
    "HardwareSpec",
    "Measurement",
    "MemoryBreakdown",
    "ModelSpec",
    "QuantSpec",
    "SpeedRange",
    "cross_validate",
    "estimate",
    "fit_calibration",
    "fits",
    "hardware_from_row",
    "incompatibility",
    "kv_cache_bytes",
    "largest_fitting_quant",
    "longest_fitting_context",
    "measurement_from_row",
    "model_from_row",
    "quant_from_row",
    "weights_bytes",
]
