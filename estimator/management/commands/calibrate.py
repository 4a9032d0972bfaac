from django.core.management.base import BaseCommand, CommandError

from estimator.calibrating import calibrate


class Command(BaseCommand):
    help = "Fit the estimator's efficiency factors from verified benchmarks and store them."

    def handle(self, *args, **options):
        try:
            run = calibrate()
        except ValueError as error:
            raise CommandError(str(error)) from error
        loo = run.cross_validation["leave_one_out"]
        self.stdout.write(
            f"Calibrated on {run.measurement_count} measurements ({run.fitted_on}). "
            f"Leave-one-out decode error: median {loo['decode_median_ape']:.1f}%, "
            f"p90 {loo['decode_p90_ape']:.1f}% (naive bandwidth/size: "
            f"median {loo['naive_decode_median_ape']:.1f}%)."
        )
