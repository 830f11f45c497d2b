"""The progress charts, drawn on the server: each panel's shapes, written out as SVG here (a
template would spend most of the page's time on a few hundred shapes), and the figures of the
table behind them.

No script and no style attribute (the site's CSP forbids inline styles): every shape carries a
class that findus.css colours, and positions are SVG attributes. Text is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chat.history.progress import CATEGORIES, Point, Series
from chat.history.trends import NO_FIGURE, format_rate
from chat.languages import LEVELS

WIDTH = 560
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 28
MAX_X_LABELS = 7


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    position: float  # x for the x axis, y for the y axis
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass
class Panel:
    """One chart: its size, axes and marks, in SVG user units."""

    height: int
    width: int = WIDTH
    bars: list[Bar] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    line: str = ""  # a polyline's points
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)

    @property
    def left(self) -> int:
        return LEFT

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def top(self) -> int:
        return TOP

    @property
    def bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def label_y(self) -> int:
        return self.height - 8

    @property
    def svg(self) -> SafeString:
        """Return the panel as an inline SVG element, hidden from screen readers (the table
        behind the charts says the same)."""
        parts = [
            f'<svg class="chart" viewBox="0 0 {self.width} {self.height}" aria-hidden="true" '
            'focusable="false">'
        ]
        for tick in self.y_ticks:
            parts.append(
                f'<line class="grid" x1="{self.left}" x2="{self.right}" y1="{tick.position}" '
                f'y2="{tick.position}"/><text class="tick" x="{self.left - 6}" '
                f'y="{tick.position}" text-anchor="end" dominant-baseline="middle">'
                f"{escape(tick.label)}</text>"
            )
        for bar in self.bars:
            parts.append(
                f'<rect class="{bar.css}" x="{bar.x}" y="{bar.y}" width="{bar.width}" '
                f'height="{bar.height}"><title>{escape(bar.title)}</title></rect>'
            )
        if self.line:
            parts.append(f'<polyline class="level-line" points="{self.line}"/>')
        for dot in self.dots:
            parts.append(
                f'<circle class="level-dot" cx="{dot.x}" cy="{dot.y}" r="4">'
                f"<title>{escape(dot.title)}</title></circle>"
            )
        parts.append(
            f'<line class="axis" x1="{self.left}" x2="{self.right}" y1="{self.bottom}" '
            f'y2="{self.bottom}"/>'
        )
        for tick in self.x_ticks:
            parts.append(
                f'<text class="tick" x="{tick.position}" y="{self.label_y}" '
                f'text-anchor="middle">{escape(tick.label)}</text>'
            )
        parts.append("</svg>")
        # Every value above is a number, a class name from this module, or escaped text.
        return mark_safe("".join(parts))  # noqa: S308


@dataclass(frozen=True)
class Charts:
    mistakes: Panel
    words: Panel
    levels: Panel | None  # None until a review has estimated a level


def draw(series: Series) -> Charts:
    points = series.points
    return Charts(
        mistakes=_mistakes_panel(points, series.granularity),
        words=_words_panel(points, series.granularity),
        levels=_levels_panel(points, series.granularity) if series.levels else None,
    )


@dataclass(frozen=True)
class Row:
    """One row of the table behind the charts, its figures written out."""

    label: str
    url: str  # the conversation's page, when the row is one conversation
    conversations: int
    cells: list[str]  # words, mistakes per 100 words, then per category, then the level


def figures(series: Series) -> list[Row]:
    """Return the table behind the charts: a row per point, oldest first."""
    return [
        Row(
            label=point.label,
            url=reverse("conversation", args=[point.conversation_id])
            if point.conversation_id
            else "",
            conversations=point.conversations,
            cells=[
                str(point.words),
                format_rate(point.rate),
                *(format_rate(point.rates[category]) for category in CATEGORIES),
                point.level or NO_FIGURE,
            ],
        )
        for point in series.points
    ]


def _slots(panel: Panel, count: int) -> tuple[float, float]:
    """Return the width of each point's slot and of the bar inside it."""
    slot = (panel.right - panel.left) / max(count, 1)
    return slot, max(1.0, min(slot * 0.7, 40.0))


def _x_ticks(panel: Panel, points: list[Point], granularity: str) -> list[Tick]:
    slot, _ = _slots(panel, len(points))
    step = math.ceil(len(points) / MAX_X_LABELS) or 1
    fmt = "%b %y" if granularity == "month" else "%-d %b"
    return [
        Tick(_r(panel.left + slot * (i + 0.5)), p.start.strftime(fmt))
        for i, p in enumerate(points)
        if i % step == 0
    ]


def _y_scale(panel: Panel, highest: float, ticks: int = 4) -> tuple[float, list[Tick]]:
    """Return the top of a round scale above `highest`, and its ticks."""
    step = _nice_step(highest / ticks) if highest > 0 else 1
    top = step * max(1, math.ceil(highest / step))
    count = round(top / step)
    return top, [Tick(_r(_y(panel, step * n, top)), _number(step * n)) for n in range(count + 1)]


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    for nice in (1, 2, 2.5, 5, 10):
        if nice * magnitude >= raw:
            return nice * magnitude
    return 10 * magnitude


def _y(panel: Panel, value: float, top: float) -> float:
    return panel.bottom - (panel.bottom - panel.top) * value / top


def _mistakes_panel(points: list[Point], granularity: str) -> Panel:
    panel = Panel(height=220)
    top, panel.y_ticks = _y_scale(panel, max((p.rate or 0 for p in points), default=0))
    slot, width = _slots(panel, len(points))
    for i, point in enumerate(points):
        x = panel.left + slot * (i + 0.5) - width / 2
        stacked = 0.0
        for category in CATEGORIES:
            rate = point.rates[category] or 0
            if not rate:
                continue
            y_top, y_bottom = _y(panel, stacked + rate, top), _y(panel, stacked, top)
            stacked += rate
            title = f"{point.label}: {category.replace('_', ' ')} {rate:g} per 100 words"
            panel.bars.append(
                Bar(_r(x), _r(y_top), _r(width), _r(y_bottom - y_top), f"cat-{category}", title)
            )
    panel.x_ticks = _x_ticks(panel, points, granularity)
    return panel


def _words_panel(points: list[Point], granularity: str) -> Panel:
    panel = Panel(height=130)
    top, panel.y_ticks = _y_scale(panel, max((p.words for p in points), default=0), ticks=2)
    slot, width = _slots(panel, len(points))
    for i, point in enumerate(points):
        x = panel.left + slot * (i + 0.5) - width / 2
        y = _y(panel, point.words, top)
        title = f"{point.label}: {point.words} words"
        panel.bars.append(Bar(_r(x), _r(y), _r(width), _r(panel.bottom - y), "words", title))
    panel.x_ticks = _x_ticks(panel, points, granularity)
    return panel


def _levels_panel(points: list[Point], granularity: str) -> Panel:
    panel = Panel(height=150)
    levels = list(LEVELS)
    gap = (panel.bottom - panel.top) / (len(levels) - 1)
    level_y = {level: panel.bottom - gap * n for n, level in enumerate(levels)}
    panel.y_ticks = [Tick(_r(y), level) for level, y in level_y.items()]
    slot, _ = _slots(panel, len(points))
    for i, point in enumerate(points):
        if point.level in level_y:
            x, y = panel.left + slot * (i + 0.5), level_y[point.level]
            panel.dots.append(Dot(_r(x), _r(y), f"{point.label}: level {point.level}"))
    panel.line = " ".join(f"{dot.x},{dot.y}" for dot in panel.dots)
    panel.x_ticks = _x_ticks(panel, points, granularity)
    return panel


def _r(value: float) -> float:
    return round(value, 1)


def _number(value: float) -> str:
    return f"{value:g}" if value < 1000 else f"{value / 1000:g}k"
