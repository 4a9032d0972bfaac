"""Fit, validate and store a calibration from the catalog's verified benchmarks."""

from dataclasses import asdict

from django.utils import timezone

from estimator import bridge
from estimator.calibration import fit_calibration
from estimator.models import CalibrationRun
from estimator.validation import cross_validate, held_out_by_card


def calibrate():
    """Fit factors on every verified text-model benchmark, cross-validate with every card held
    out (errors per backend, range coverage), store a new run."""
    measurements = bridge.measurements_from_benchmarks(bridge.calibration_benchmarks())
    if not measurements:
        raise ValueError("No verified benchmarks to calibrate on: run `manage.py seed` first.")
    today = timezone.now().date()
    calibration = fit_calibration(measurements, fitted_on=today.isoformat())
    validation = {
        "leave_one_hardware_out": asdict(
            cross_validate(measurements, fold_of=lambda m: m.hardware.name)
        ),
        "held_out_by_card": held_out_by_card(measurements).as_dict(),
    }
    return CalibrationRun.objects.create(
        fitted_on=today,
        measurement_count=len(measurements),
        data=calibration.to_dict(),
        cross_validation=validation,
    )
