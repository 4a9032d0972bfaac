"""Server-rendered SVG bar charts: accessible titles, labelled axes with units, no JavaScript.

The template shows the data table beside every chart, so the chart is never the only way to
read the numbers.
"""

import math
from dataclasses import dataclass

# Roughly the widest average glyph advance of the 12px chart font, for fitting labels.
LABEL_CHAR_PX = 7
# Far above any speed or size a chart shows, and far below where float arithmetic on tick
# positions overflows.
CHART_MAX_VALUE = 1e12


def fit_label(label, width_px, separator=" · "):
    """The label shortened to fit left of the plot without being clipped.

    A label of several parts ("card · model quant · tokens") loses characters from its longest
    part first, so the short parts that tell two bars apart stay readable."""
    limit = max(4, width_px // LABEL_CHAR_PX)
    parts = label.split(separator)
    while len(separator.join(parts)) > limit:
        by_length = sorted(range(len(parts)), key=lambda i: len(parts[i]), reverse=True)
        longest = by_length[0]
        runner_up = len(parts[by_length[1]]) if len(parts) > 1 else 0
        current = len(parts[longest])
        target = current - (len(separator.join(parts)) - limit)
        if target < runner_up < current:
            target = runner_up  # no shorter than the next part this round; then look again
        target = max(target, 5)
        if target >= current:
            return label[: limit - 1].rstrip() + "…"
        parts[longest] = parts[longest][: target - 1].rstrip() + "…"
    return separator.join(parts)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlighted: bool = False  # e.g. a measured value among estimates
    short_label: str = ""
    y: float = 0
    width: float = 0
    text_x: float = 0
    value_text: str = ""
    label_y: float = 0  # phone layout: the label's baseline, on its own line above the bar


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    unit: str
    bars: list
    width: int
    height: int
    plot_left: int
    plot_right: int
    ticks: list  # (x, label)
    bar_height: int
    # The same bars laid out for a narrow screen: each label on its own line above its bar,
    # so neither labels nor bars shrink to unreadable text on a phone.
    phone: "BarChart | None" = None

    @property
    def axis_y(self):
        return self.height - 30


def nice_step(maximum, target_ticks=5):
    """A round tick step (1, 2 or 5 × 10^n) giving about `target_ticks` ticks."""
    if not math.isfinite(maximum) or maximum <= 0:
        return 1
    maximum = min(maximum, CHART_MAX_VALUE)
    raw = maximum / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


# Drawn this wide, a phone (288-358 px of content) scales chart text to 10-12 px.
PHONE_WIDTH = 340


def _scale(rows, plot_left, plot_right, target_ticks):
    maximum = min(max((row[1] for row in rows), default=0), CHART_MAX_VALUE)
    step = nice_step(maximum, target_ticks)
    top_value = step * max(1, math.ceil(maximum / step)) if maximum else 1
    scale = (plot_right - plot_left) / top_value
    ticks = []
    tick = 0.0
    while tick <= top_value + 1e-9:
        ticks.append((round(plot_left + tick * scale, 1), f"{tick:,.0f}"))
        tick += step
    return scale, ticks


def _value_text(value):
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _phone_chart(title, description, unit, rows):
    """Labels on their own line above full-width bars."""
    bar_height, label_line, gap, top = 14, 16, 10, 4
    row_height = label_line + bar_height + gap
    plot_left, plot_right = 2, PHONE_WIDTH - 48
    scale, ticks = _scale(rows, plot_left, plot_right, target_ticks=3)
    bars = []
    for index, (label, value, highlighted) in enumerate(rows):
        bar_width = max(1.0, min(value, CHART_MAX_VALUE) * scale)
        y = top + index * row_height + label_line
        bars.append(
            Bar(
                label=label,
                short_label=fit_label(label, PHONE_WIDTH - 4),
                value=value,
                highlighted=highlighted,
                y=y,
                label_y=y - 4,
                width=round(bar_width, 1),
                text_x=round(plot_left + bar_width + 4, 1),
                value_text=_value_text(value),
            )
        )
    return BarChart(
        title=title,
        description=description,
        unit=unit,
        bars=bars,
        width=PHONE_WIDTH,
        height=top + len(rows) * row_height + 40,
        plot_left=plot_left,
        plot_right=plot_right,
        ticks=ticks,
        bar_height=bar_height,
    )


def horizontal_bar_chart(title, description, unit, rows, width=720, label_width=230):
    """rows: (label, value, highlighted) tuples, drawn top to bottom in the given order."""
    bar_height, gap, top = 20, 8, 10
    # A number no chart can draw (NaN, infinite, negative) is left to the table beside it;
    # a huge one is drawn at the axis ceiling.
    rows = [row for row in rows if row[1] is not None and math.isfinite(row[1]) and row[1] >= 0]
    height = top + len(rows) * (bar_height + gap) + 40
    plot_left, plot_right = label_width, width - 70
    scale, ticks = _scale(rows, plot_left, plot_right, target_ticks=5)
    bars = []
    for index, (label, value, highlighted) in enumerate(rows):
        bar_width = max(1.0, min(value, CHART_MAX_VALUE) * scale)
        bars.append(
            Bar(
                label=label,
                short_label=fit_label(label, label_width - 10),
                value=value,
                highlighted=highlighted,
                y=top + index * (bar_height + gap),
                width=round(bar_width, 1),
                text_x=round(plot_left + bar_width + 4, 1),
                value_text=_value_text(value),
            )
        )
    return BarChart(
        title=title,
        description=description,
        unit=unit,
        bars=bars,
        width=width,
        height=height,
        plot_left=plot_left,
        plot_right=plot_right,
        ticks=ticks,
        bar_height=bar_height,
        phone=_phone_chart(title, description, unit, rows),
    )
