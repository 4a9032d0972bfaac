"""Guidance on top of the engine: the largest quantization and the longest context that fit."""

from dataclasses import replace

from estimator.constants import RUNTIMES
from estimator.engine import EstimateRequest, fits
from estimator.memory import weights_bytes
from estimator.specs import QuantSpec


def largest_fitting_quant(request: EstimateRequest, quants: list[QuantSpec]) -> QuantSpec | None:
    """The biggest of `quants` (that this runtime loads) that fits entirely at this context."""
    loadable = [q for q in quants if q.family in RUNTIMES[request.runtime].formats]
    ranked = sorted(loadable, key=lambda q: weights_bytes(request.model, q), reverse=True)
    return next((q for q in ranked if fits(replace(request, quant=q))), None)


def longest_fitting_context(request: EstimateRequest, step_tokens: int = 256) -> int:
    """The longest context (a multiple of step_tokens, up to the model's maximum) that fits
    entirely; 0 when not even step_tokens fits."""
    limit = request.model.max_context or request.context_tokens
    low, high = 0, limit // step_tokens
    while low < high:
        middle = (low + high + 1) // 2
        if fits(replace(request, context_tokens=middle * step_tokens)):
            low = middle
        else:
            high = middle - 1
    return low * step_tokens
