"""Memory amounts as a visitor reads them.

The engine works in GB = 10^9 bytes. Cards and Macs are sold in binary units labelled "GB": a
"24 GB" RTX 3090 holds 24 GiB (estimator.constants.MARKETED_MEMORY_BYTES_PER_GB). Shown in
10^9-byte GB, its usable memory would read as more than the box says, so every amount the site
compares with a card is shown in GiB, and the page says so.
"""

from django import template
from django.utils.html import format_html

from estimator.constants import BYTES_PER_GB, BYTES_PER_GIB

register = template.Library()

GIB_TITLE = "GiB = 2^30 bytes, the unit memory is sold in (a card sold as 24 GB holds 24 GiB)"


@register.filter
def gib(value_gb, digits=1):
    """An engine amount (GB = 10^9 bytes) in GiB, e.g. 25.2 -> "23.5 GiB"."""
    if value_gb in (None, ""):
        return "—"
    value = float(value_gb) * BYTES_PER_GB / BYTES_PER_GIB
    return format_html('{} <abbr title="{}">GiB</abbr>', f"{value:,.{int(digits)}f}", GIB_TITLE)


@register.filter
def gib_plain(value_gb, digits=1):
    """The number of GiB alone, for places that name the unit once (a column head, an SVG)."""
    if value_gb in (None, ""):
        return "—"
    return f"{float(value_gb) * BYTES_PER_GB / BYTES_PER_GIB:,.{int(digits)}f}"


@register.filter
def sold_memory(marketed_gb):
    """A catalog capacity as sold ("24 GB"), with the GiB it really is."""
    if marketed_gb in (None, ""):
        return "—"
    value = f"{float(marketed_gb):g}"
    return format_html(
        '{} GB <span class="muted">({} <abbr title="{}">GiB</abbr>)</span>', value, value, GIB_TITLE
    )


@register.simple_tag
def memory_unit_note():
    return format_html(
        'Memory in <abbr title="{}">GiB</abbr> (2<sup>30</sup> bytes): memory is sold in these '
        'units, so a card sold as 24 GB holds 24 GiB (<a href="/methodology/#units">more on '
        'units</a>). <a href="/methodology/#memory">How memory is worked out</a>.',
        GIB_TITLE,
    )
