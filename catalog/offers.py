"""Prices from outside: retailer offers (affiliate links), cloud GPU rentals and API prices."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

OFFER_FRESH_DAYS = 30


class OfferQuerySet(models.QuerySet):
    def fresh(self, today=None):
        """Offers an editor checked in the last 30 days; older ones are hidden from visitors."""
        today = today or timezone.now().date()
        return self.filter(last_checked__gte=today - datetime.timedelta(days=OFFER_FRESH_DAYS))


class Offer(models.Model):
    """A retailer listing for a piece of hardware, linked through /go/<id>/ (affiliate)."""

    hardware = models.ForeignKey(
        "catalog.Hardware", on_delete=models.CASCADE, related_name="offers"
    )
    retailer = models.CharField(max_length=80)
    url = models.URLField(max_length=1000)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    in_stock = models.BooleanField(default=True)
    condition = models.CharField(
        max_length=4, choices=[("new", "New"), ("used", "Used")], default="new"
    )
    last_checked = models.DateField(default=datetime.date.today)
    clicks = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["price"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="offer_price_positive"),
        ]

    def __str__(self):
        return f"{self.hardware} at {self.retailer}"

    def get_outbound_url(self):
        return reverse("catalog:offer_redirect", args=[self.pk])

    def count_click(self):
        """Count one outbound click atomically; no personal data is recorded."""
        type(self).objects.filter(pk=self.pk).update(clicks=F("clicks") + 1)


class CloudOffer(models.Model):
    """An hourly GPU rental price an editor checked on a provider's pricing page."""

    provider = models.CharField(max_length=80)
    hardware = models.ForeignKey(
        "catalog.Hardware", on_delete=models.PROTECT, related_name="cloud_offers"
    )
    gpu_count = models.PositiveSmallIntegerField(default=1)
    usd_per_hour = models.DecimalField(max_digits=8, decimal_places=3)
    checked_on = models.DateField()
    source_url = models.URLField(max_length=500)
    notes = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["usd_per_hour"]
        constraints = [
            models.CheckConstraint(condition=Q(usd_per_hour__gt=0), name="cloud_price_positive"),
            models.UniqueConstraint(
                fields=["provider", "hardware", "gpu_count"], name="one_cloud_offer_per_setup"
            ),
        ]

    def __str__(self):
        count = f"{self.gpu_count}× " if self.gpu_count > 1 else ""
        return f"{self.provider}: {count}{self.hardware} ${self.usd_per_hour}/h"


class ApiPrice(models.Model):
    """Per-million-token prices for a hosted open model, as published by the provider."""

    provider = models.CharField(max_length=80)
    model = models.ForeignKey("catalog.Model", on_delete=models.PROTECT, related_name="api_prices")
    input_usd_per_m = models.DecimalField(max_digits=8, decimal_places=3)
    output_usd_per_m = models.DecimalField(max_digits=8, decimal_places=3)
    checked_on = models.DateField()
    source_url = models.URLField(max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["output_usd_per_m"]
        constraints = [
            models.CheckConstraint(
                condition=Q(input_usd_per_m__gte=0) & Q(output_usd_per_m__gte=0),
                name="api_price_not_negative",
            ),
            models.UniqueConstraint(fields=["provider", "model"], name="one_api_price_per_model"),
        ]

    def __str__(self):
        return (
            f"{self.provider}: {self.model} ${self.input_usd_per_m}/${self.output_usd_per_m} per M"
        )
