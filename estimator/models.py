from django.db import models


class CalibrationRunQuerySet(models.QuerySet):
    def latest_run(self):
        return self.order_by("-created_at", "-pk").first()


class CalibrationRun(models.Model):
    """Efficiency factors fitted from the Benchmark rows by `manage.py calibrate`, versioned."""

    created_at = models.DateTimeField(auto_now_add=True)
    fitted_on = models.DateField()
    measurement_count = models.PositiveIntegerField()
    data = models.JSONField(help_text="Calibration.to_dict(): fitted factors and error ranges.")
    cross_validation = models.JSONField(
        default=dict, help_text="Cross-validated error of the engine and of the naive estimate."
    )

    objects = CalibrationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Calibration of {self.fitted_on} ({self.measurement_count} measurements)"
