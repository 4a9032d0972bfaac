from django.core.management.base import BaseCommand, CommandError

from estimator.calibrating import calibrate


class Command(BaseCommand):
    help = "Fit the estimator's efficiency factors from verified benchmarks and store them."

    def handle(self, *args, **options):
        try:
            run = calibrate()
        except ValueError as error:
            raise CommandError(str(error)) from error
        held_out = run.cross_validation["held_out_by_card"]
        decode = held_out["decode"]["all"]
        self.stdout.write(
            f"Calibrated on {run.measurement_count} measurements ({run.fitted_on}). "
            f"Decode error with every card held out: median {decode['median_ape']:.1f}%, "
            f"p90 {decode['p90_ape']:.1f}%; {decode['coverage']:.0f}% of measurements inside "
            f"the {held_out['stated_share']:.0f}% range."
        )
