"""Grouped horizontal bar charts: one group per metric, one bar per series, every bar labelled.

Each group has its own scale (memory, bandwidth and speed share no unit), so each bar carries
its value as text and no shared axis is drawn. A chart is laid out for a given width: a page
draws a wide one and a narrow one and shows the one that fits, so text stays at its real size.
"""

from dataclasses import dataclass

SERIES_COUNT = 4  # distinguishable fills in the stylesheet: .series-0 … .series-3


@dataclass(frozen=True)
class GroupBar:
    series: int
    value_text: str
    width: float
    y: float
    text_x: float
    label: str  # series name, for the tooltip


@dataclass(frozen=True)
class Group:
    label: str
    label_y: float
    bars: list


@dataclass(frozen=True)
class GroupedChart:
    title: str
    description: str
    width: int
    height: int
    left: int
    bar_height: int
    groups: list
    series: list  # names, in series order


def grouped_bar_chart(title, description, series, groups, width=720):
    """series: names of up to four series; groups: (label, [(value or None, text)] in series
    order). A None value is drawn as its text alone (e.g. "does not fit")."""
    narrow = width < 500
    left, bar_height, bar_gap, group_gap = 4, 14, 4, 14
    label_room = 118 if narrow else 150
    plot_width = width - left - label_room
    y = 4
    drawn = []
    for label, cells in groups:
        label_y = y + 12
        y += 18
        known = [value for value, _text in cells if value is not None and value > 0]
        top = max(known, default=0)
        bars = []
        for index, (value, text) in enumerate(cells):
            bar_width = round(plot_width * value / top, 1) if top and value else 0
            bars.append(
                GroupBar(
                    series=index % SERIES_COUNT,
                    value_text=text,
                    width=max(bar_width, 1.0) if value else 0,
                    y=y,
                    text_x=round(left + bar_width + 4, 1),
                    label=series[index],
                )
            )
            y += bar_height + bar_gap
        drawn.append(Group(label, label_y, bars))
        y += group_gap
    return GroupedChart(
        title=title,
        description=description,
        width=width,
        height=round(y),
        left=left,
        bar_height=bar_height,
        groups=drawn,
        series=list(series),
    )
