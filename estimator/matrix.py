"""'What runs on it' and 'what it runs on' matrices: verdict and decode speed per cell.

Computed in memory by the engine from rows fetched once per table; a measured speed replaces
the estimate in its cell (marked and cited).
"""

from dataclasses import dataclass

from catalog.models import Benchmark, Hardware, Model, QuantFormat
from estimator import service

MATRIX_QUANT_NAMES = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "IQ2_XXS"]
HARDWARE_PAGE_QUANTS = ["Q8_0", "Q4_K_M", "Q3_K_M"]


@dataclass(frozen=True)
class Cell:
    verdict: str
    decode_tok_s: float | None
    basis: str  # measured | community | estimated | "" when it does not run
    source_url: str = ""

    @property
    def verdict_label(self):
        return service.VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class Matrix:
    columns: list  # labels
    rows: list  # (row object, [Cell, ...])


def _measured_index(benchmarks):
    """Nearest-to-4k single-GPU decode measurement per (hardware, model, quant)."""
    index = {}
    for b in benchmarks:
        if b.gpu_count != 1 or not b.decode_tok_s:
            continue
        key = (b.hardware_id, b.model_id, b.quant_id)
        current = index.get(key)
        if current is None or abs(b.context_tokens - 4096) < abs(current.context_tokens - 4096):
            index[key] = b
    return index


def _cell(hw, model, quant, measured, calibration):
    result = service.quick_estimate(hw, model, quant, calibration=calibration)
    if result.verdict == "does_not_fit":
        return Cell("does_not_fit", None, "")
    bench = measured.get((hw.pk, model.pk, quant.pk)) if result.verdict == "fits" else None
    if bench is not None:
        basis = "measured" if bench.verified else "community"
        return Cell(result.verdict, bench.decode_tok_s, basis, bench.source_url)
    return Cell(result.verdict, result.decode_tok_s, "estimated")


def _quants(names):
    quants = {q.name: q for q in QuantFormat.objects.filter(name__in=names)}
    return [quants[name] for name in names if name in quants]


def hardware_matrix(hw, memory_gb=None):
    """Popular text models × a few GGUF quants on one piece of hardware."""
    models = list(
        Model.objects.published().filter(popular=True, modality="text").order_by("params_b")
    )
    quants = _quants(HARDWARE_PAGE_QUANTS)
    measured = _measured_index(
        Benchmark.objects.for_listing().filter(hardware=hw, quant__in=quants)
    )
    calibration = service.current_calibration()[0]
    if memory_gb and memory_gb != hw.memory_gb:
        hw = _with_memory(hw, memory_gb)
    rows = [
        (model, [_cell(hw, model, quant, measured, calibration) for quant in quants])
        for model in models
    ]
    return Matrix([q.name for q in quants], rows)


def model_matrix(model, all_hardware=None, all_quants=None, benchmarks=None, calibration=None):
    """GGUF quants × popular hardware for one model. Rows the caller already fetched may be
    passed in, so a page reads each table once."""
    if all_hardware is None:
        all_hardware = Hardware.objects.for_listing()
    hardware = sorted(
        (hw for hw in all_hardware if hw.popular), key=lambda hw: (hw.memory_gb or 0, hw.name)
    )
    if all_quants is None:
        quants = _quants(MATRIX_QUANT_NAMES)
    else:
        by_name = {q.name: q for q in all_quants}
        quants = [by_name[name] for name in MATRIX_QUANT_NAMES if name in by_name]
    if benchmarks is None:
        benchmarks = Benchmark.objects.for_listing().filter(model=model)
    measured = _measured_index(benchmarks)
    calibration = calibration or service.current_calibration()[0]
    rows = [
        (quant, [_cell(hw, model, quant, measured, calibration) for hw in hardware])
        for quant in quants
    ]
    return Matrix([hw.name for hw in hardware], rows)


def _with_memory(hw, memory_gb):
    """A copy of a hardware row with one of its memory configurations selected."""
    copy = Hardware(**{f.attname: getattr(hw, f.attname) for f in Hardware._meta.concrete_fields})
    copy.memory_gb = memory_gb
    return copy
