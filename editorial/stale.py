"""The editors' "stale" list: reviewed content past its review date, prices past their freshness
window and published models nobody has measured, each with a link to the row that fixes it."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, F, OuterRef, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from catalog.models import (
    ApiPrice,
    Benchmark,
    CloudOffer,
    Hardware,
    Model,
    PricePoint,
    price_is_stale,
)
from core.workflow import Publishable
from editorial.models import Reviewed


@dataclass(frozen=True)
class StaleItem:
    kind: str
    label: str
    why: str
    edit_url: str


@dataclass(frozen=True)
class Section:
    title: str
    rule: str
    items: list


def edit_url(obj):
    """The admin change page of `obj`."""
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def _seen(day):
    return day.strftime("%-d %b %Y")


def content_past_review(today):
    """Reviewed content (guides, Pulse, errors, glossary...) never reviewed or reviewed longer
    ago than REVIEW_STALE_AFTER_DAYS, the rule behind the public "may be out of date" note."""
    cutoff = today - datetime.timedelta(days=settings.REVIEW_STALE_AFTER_DAYS)
    items = []
    for model in apps.get_models():
        if not issubclass(model, Reviewed) or not admin.site.is_registered(model):
            continue
        rows = (
            model.objects.exclude(status=Publishable.Status.ARCHIVED)
            .filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=cutoff))
            .order_by(F("reviewed_on").asc(nulls_first=True), "pk")
        )
        kind = model._meta.verbose_name.capitalize()
        for obj in rows:
            why = f"reviewed {_seen(obj.reviewed_on)}" if obj.reviewed_on else "never reviewed"
            items.append(StaleItem(kind, str(obj), why, edit_url(obj)))
    return items


def prices_past_freshness(today):
    """The newest price of each hardware and condition, street prices, cloud offers and API
    prices that price_is_stale() says are no longer current."""
    items = []
    newest = {}
    for point in PricePoint.objects.select_related("hardware").order_by("-observed_on", "pk"):
        newest.setdefault((point.hardware_id, point.condition), point)
    for point in newest.values():
        if price_is_stale(point.observed_on, today):
            condition = point.get_condition_display().lower()
            label = f"{point.hardware} · {condition} at {point.retailer}"
            why = f"${point.price_usd:,.0f} seen {_seen(point.observed_on)}"
            items.append(StaleItem("Hardware price", label, why, edit_url(point)))
    for hardware in Hardware.objects.exclude(street_price_usd=None).order_by("name"):
        if price_is_stale(hardware.street_price_date, today):
            seen = _seen(hardware.street_price_date) if hardware.street_price_date else "undated"
            why = f"${hardware.street_price_usd:,.0f}, {seen}"
            items.append(StaleItem("Street price", hardware.name, why, edit_url(hardware)))
    dated = [
        ("Cloud offer", CloudOffer.objects.select_related("hardware")),
        ("API price", ApiPrice.objects.select_related("model")),
    ]
    for kind, queryset in dated:
        for row in queryset.order_by("checked_on", "pk"):
            if price_is_stale(row.checked_on, today):
                why = f"checked {_seen(row.checked_on)}"
                items.append(StaleItem(kind, str(row), why, edit_url(row)))
    return items


def models_without_measurement():
    """Published models with no verified benchmark: every speed shown for them is estimated."""
    measured = Benchmark.objects.verified().filter(model=OuterRef("pk"))
    rows = Model.objects.published().filter(~Exists(measured)).order_by("name")
    return [StaleItem("Model", m.name, "no verified measurement", edit_url(m)) for m in rows]


def sections(today=None):
    today = today or timezone.localdate()
    return [
        Section(
            "Content past its review date",
            f"never reviewed, or reviewed more than {settings.REVIEW_STALE_AFTER_DAYS} days ago",
            content_past_review(today),
        ),
        Section(
            "Prices past freshness",
            f"seen more than {PricePoint.fresh_days} days ago; the site marks them stale",
            prices_past_freshness(today),
        ),
        Section(
            "Models with no measurement",
            "published, with no verified benchmark on any hardware",
            models_without_measurement(),
        ),
    ]


def stale_view(request):
    context = {
        **admin.site.each_context(request),
        "title": "Stale entries",
        "sections": sections(),
    }
    return TemplateResponse(request, "admin/stale.html", context)
