"""The latest Pulse entries, for pages outside the editorial app (the home page)."""

from django import template

from editorial.models import PulseEntry

register = template.Library()

LATEST_PULSE_COUNT = 3


@register.inclusion_tag("editorial/latest_pulse.html")
def latest_pulse(count=LATEST_PULSE_COUNT):
    """The newest published Pulse entries, newest first."""
    return {"entries": list(PulseEntry.objects.published()[:count])}
