"""Cost vs cloud's chart: the cumulative cost of each option by month, as SVG coordinates.

Drawn in two sizes from the same numbers: a wide one for desktops and a narrow one a phone
shows at its own scale, so the 12px text stays 12px instead of shrinking with the drawing.
The lines are named in an HTML legend beside the chart; only the end values sit in the SVG.
"""

import math
from dataclasses import dataclass

from core.charts import nice_step

SERIES_CLASSES = {"Buy": "line-buy", "Rent": "line-rent", "API": "line-api"}
LABEL_GAP_PX = 15  # the 12px end labels' line height: closer labels would overlap


@dataclass(frozen=True)
class Line:
    label: str
    css: str
    points: str  # "x,y x,y ..."
    end_x: float
    end_y: float
    label_y: float  # end_y moved apart from the other end labels
    end_value: float

    @property
    def end_text(self):
        return f"${self.end_value:,.0f}"


@dataclass(frozen=True)
class LineChart:
    title: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: list  # [Line]
    x_ticks: list  # (x, label)
    y_ticks: list  # (y, label)
    table: list  # (month, [values in line order])


def spread_labels(positions, gap, low, high):
    """Label y positions moved apart to at least `gap`, kept within [low, high], in the input
    order; labels keep their vertical order so each stays next to its line."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = {}
    previous = None
    for index in order:
        y = max(positions[index], low)
        if previous is not None:
            y = max(y, previous + gap)
        placed[index] = y
        previous = y
    overflow = placed[order[-1]] - high if order else 0
    if overflow > 0:
        # Pushed past the bottom: shift up from the bottom, keeping the gaps.
        following = None
        for index in reversed(order):
            y = (
                placed[index] - overflow
                if following is None
                else min(placed[index], following - gap)
            )
            placed[index] = max(y, low)
            following = placed[index]
    return [round(placed[i], 1) for i in range(len(positions))]


def tick_step_months(months, narrow):
    for step in (6, 12, 24) if not narrow else (12, 24, 48):
        if months / step <= (6 if not narrow else 4):
            return step
    return 60


def cumulative_chart(rows, months, narrow=False):
    """rows: objects with .kind, .label and .cost (estimator.costs.OptionCost)."""
    width, height = (360, 240) if narrow else (720, 300)
    left, top = (56, 12) if narrow else (72, 14)
    right, bottom = width - (58 if narrow else 70), height - 34
    series = [(row, [row.cost.cumulative(m) for m in range(months + 1)]) for row in rows]
    peak = max((max(values) for _row, values in series), default=0)
    step = nice_step(peak, target_ticks=4 if narrow else 5) if peak > 0 else 1
    top_value = step * max(1, math.ceil(peak / step - 1e-9))

    def x(month):
        return round(left + (right - left) * month / months, 1)

    def y(value):
        return round(bottom - (bottom - top) * value / top_value, 1)

    ends = [y(values[-1]) for _row, values in series]
    label_ys = spread_labels(ends, LABEL_GAP_PX, top + 4, bottom - 4)
    lines = [
        Line(
            label=f"{row.kind}: {row.label}",
            css=SERIES_CLASSES[row.kind],
            points=" ".join(f"{x(m)},{y(v)}" for m, v in enumerate(values)),
            end_x=x(months),
            end_y=y(values[-1]),
            label_y=label_y,
            end_value=values[-1],
        )
        for (row, values), label_y in zip(series, label_ys, strict=True)
    ]
    tick_months = tick_step_months(months, narrow)
    month_ticks = list(range(0, months + 1, tick_months))
    if month_ticks[-1] != months:
        month_ticks.append(months)
        if months - month_ticks[-2] < tick_months / 2:
            del month_ticks[-2]  # too close to the last month to label both
    x_ticks = [(x(m), str(m)) for m in month_ticks]
    y_ticks = []
    value = 0.0
    while value <= top_value + 1e-9:
        y_ticks.append((y(value), f"${value:,.0f}"))
        value += step
    table = [(m, [values[m] for _row, values in series]) for m in month_ticks]
    return LineChart(
        "Cumulative cost by month (USD)",
        width,
        height,
        left,
        right,
        top,
        bottom,
        lines,
        x_ticks,
        y_ticks,
        table,
    )
