"""'What runs on it' and 'what it runs on' matrices: each cell is `bridge.answer` for one
hardware, model and quant at the default context, so a cell says what Will it run? says."""

from dataclasses import dataclass

from catalog import snapshot
from estimator import bridge
from estimator.constants import DEFAULT_CONTEXT_TOKENS

MATRIX_QUANT_NAMES = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "IQ2_XXS"]
HARDWARE_PAGE_QUANTS = ["Q8_0", "Q4_K_M", "Q3_K_M"]


@dataclass(frozen=True)
class Matrix:
    columns: list  # labels
    rows: list  # (row object, [bridge.Answer, ...])
    context: int = DEFAULT_CONTEXT_TOKENS


def _quants(catalog, names):
    return [catalog.quants[name] for name in names if name in catalog.quants]


def popular_text_models(catalog):
    """The models the matrices and Compare show, smallest first."""
    models = (m for m in catalog.models.values() if m.popular and m.modality == "text")
    return sorted(models, key=lambda m: (m.params_b, m.name))


def hardware_matrix(hw, memory_gb=None):
    """Popular text models × a few GGUF quants on one piece of hardware."""
    catalog = snapshot.current()
    quants = _quants(catalog, HARDWARE_PAGE_QUANTS)
    memory_gb = memory_gb if memory_gb != hw.memory_gb else None
    rows = [
        (model, bridge.answers(bridge.Question(model, q, hw, memory_gb=memory_gb) for q in quants))
        for model in popular_text_models(catalog)
    ]
    return Matrix([q.name for q in quants], rows)


def model_matrix(model, all_hardware=None):
    """GGUF quants × popular hardware for one model. Hardware rows the caller already fetched
    may be passed in, so a page reads the table once."""
    catalog = snapshot.current()
    if all_hardware is None:
        all_hardware = catalog.hardware.values()
    hardware = sorted(
        (hw for hw in all_hardware if hw.popular), key=lambda hw: (hw.memory_gb or 0, hw.name)
    )
    rows = [
        (quant, bridge.answers(bridge.Question(model, quant, hw) for hw in hardware))
        for quant in _quants(catalog, MATRIX_QUANT_NAMES)
    ]
    return Matrix([hw.name for hw in hardware], rows)
