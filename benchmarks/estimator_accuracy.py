"""How well does the estimator predict measured speeds? Prints cross-validated errors.

Reads the catalog's CSVs (catalog/data: hardware, models, quant_formats, benchmarks), builds the
estimator's dataclasses, and reports, holding out every row of a card together, the median and
90th-percentile absolute percentage error of decode and prefill speed per backend and overall,
and the range coverage: the share of those held-out measurements inside the range the estimate
showed (each fold's ranges come from a cross-validation of its own). Leave-one-out errors and
the naive estimates (bandwidth / model size; peak FP16 FLOPS / 2 x params) follow.

    python benchmarks/estimator_accuracy.py [--data-dir catalog/data]
"""

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from estimator.calibration import fit_calibration  # noqa: E402
from estimator.specs import (  # noqa: E402
    HardwareSpec,
    Measurement,
    ModelSpec,
    QuantSpec,
    hardware_from_row,
    measurement_from_row,
    model_from_row,
    quant_from_row,
)
from estimator.validation import (  # noqa: E402
    CrossValidation,
    HeldOutReport,
    cross_validate,
    held_out_by_card,
)

DATA_DIR = ROOT / "catalog" / "data"


@dataclass(frozen=True)
class CatalogData:
    hardware_rows: dict[str, dict]
    hardware: dict[str, HardwareSpec]
    models: dict[str, ModelSpec]
    quants: dict[str, QuantSpec]
    measurements: list[Measurement]


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_catalog(data_dir: Path = DATA_DIR) -> CatalogData:
    """Specs keyed by slug / quant name, and every benchmark row as a Measurement."""
    hardware_rows = {row["slug"]: row for row in _rows(data_dir / "hardware.csv")}
    hardware = {slug: hardware_from_row(row) for slug, row in hardware_rows.items()}
    models = {row["slug"]: model_from_row(row) for row in _rows(data_dir / "models.csv")}
    quants = {row["name"]: quant_from_row(row) for row in _rows(data_dir / "quant_formats.csv")}
    # The published file size of a model at a quant beats params x bits, as in the app.
    file_sizes = {
        (row["model"], row["quant"]): int(row["size_bytes"])
        for row in _rows(data_dir / "model_files.csv")
    }
    measurements = [
        measurement_from_row(row, hardware, models, quants, file_sizes)
        for row in _rows(data_dir / "benchmarks.csv")
        if row["verified"].strip().lower() in ("yes", "true", "1")  # `calibrate` uses these
        and models[row["model"]].modality == "text"
    ]
    return CatalogData(hardware_rows, hardware, models, quants, measurements)


def _table(title: str, result: CrossValidation) -> str:
    return "\n".join(
        [
            title,
            f"  {'':28}{'n':>5}{'median APE':>13}{'p90 APE':>10}",
            f"  {'decode, estimator':28}{result.decode_count:>5}"
            f"{result.decode_median_ape:>12.1f}%{result.decode_p90_ape:>9.1f}%",
            f"  {'decode, naive bw/size':28}{result.decode_count:>5}"
            f"{result.naive_decode_median_ape:>12.1f}%{result.naive_decode_p90_ape:>9.1f}%",
            f"  {'prefill, estimator':28}{result.prefill_count:>5}"
            f"{result.prefill_median_ape:>12.1f}%{result.prefill_p90_ape:>9.1f}%",
            f"  {'prefill, naive peak FLOPS':28}{result.naive_prefill_count:>5}"
            f"{result.naive_prefill_median_ape:>12.1f}%{result.naive_prefill_p90_ape:>9.1f}%",
        ]
    )


def held_out_table(report: HeldOutReport) -> str:
    """Per backend and overall: count, median and p90 error, and range coverage."""
    lines = [
        "Held out by card (every row of a card predicted by a calibration fitted without it)",
        f"  {'':10}{'backend':10}{'n':>5}{'median APE':>13}{'p90 APE':>10}{'in range':>11}",
    ]
    for speed, table in (("decode", report.decode), ("prefill", report.prefill)):
        for backend, stats in table.items():
            lines.append(
                f"  {speed:10}{backend:10}{stats.count:>5}{stats.median_ape:>12.1f}%"
                f"{stats.p90_ape:>9.1f}%{stats.coverage:>10.0f}%"
            )
    lines.append(f"  (the range shown is meant to hold {report.stated_share:.0f}% of measurements)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    catalog = load_catalog(args.data_dir)
    measurements = catalog.measurements
    print(f"{len(measurements)} measurements from {args.data_dir}\n")
    print(held_out_table(held_out_by_card(measurements)))
    print()
    print(_table("Leave-one-out", cross_validate(measurements)))
    print()
    by_hardware = cross_validate(measurements, lambda m: m.hardware.name)
    print(_table("Leave-one-hardware-out (every row of a card held out together)", by_hardware))
    print("\nCalibration groups fitted on all measurements:")
    calibration = fit_calibration(measurements)
    for group in calibration.groups:
        if group.key.count("/") != 2 and group.key != "global":
            continue
        decode = group.decode
        print(
            f"  {group.key:28} n={group.measurements:<4}"
            + (
                f" bandwidth eff {decode.bandwidth_efficiency:.2f},"
                f" per-layer {decode.layer_overhead_s * 1e6:.0f} us,"
                if decode
                else ""
            )
            + f" decode range x{group.decode_ratio_low:.2f}-x{group.decode_ratio_high:.2f}"
        )


if __name__ == "__main__":
    main()
