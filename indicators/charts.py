"""Bar, line and box charts drawn on the server as SVG by Matplotlib.

Each chart is one self-contained SVG document: ``<title>`` and ``<desc>`` as its first
children and ``role="img"`` with ``aria-labelledby`` naming them, text kept as text (not
outlines) so it reads and searches, numbers in the reader's format, and no colour that
carries meaning alone: the unit in focus is hatched, the median is a dashed line, and each
line of a time series has its own dash pattern and marker, so the charts read in greyscale.
Pages show them through ``<img>`` with the same data in a table beside them; a page needs
no JavaScript for them. Matplotlib is used through ``Figure`` alone (no pyplot state), which
is safe in threads.
"""

import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import cycle
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from indicators.numbers import format_number
from indicators.stats import Summary

INK = "#1a1a1a"
BAR = "#6b6b6b"
FOCUS = "#1a1a1a"
GRID = "#d0d0d0"
LINE_STYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
WIDTH_INCHES = 7.5
# Typed loosely: Matplotlib types its keys as a literal union.
RC: Any = {
    "svg.fonttype": "none",
    # Names are drawn as written: "$…$" in a municipality's name is not mathematics, and
    # a malformed one would fail the chart, the PDF report and its filing.
    "text.parse_math": False,
    # Stable ids make the same data give the same bytes (tests, caches, versions).
    "svg.hashsalt": "gwd-chart",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.color": "#ffffff",
}

Formatter = Callable[[Decimal | float | None], str]


def _number_formatter(locale: str | None) -> FuncFormatter:
    return FuncFormatter(lambda value, _position: format_number(Decimal(str(value)), locale=locale))


def _figure(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _svg(figure: Figure, title: str, description: str) -> str:
    buffer = io.StringIO()
    metadata = {"Title": title, "Description": description, "Date": None}
    with matplotlib.rc_context(RC):
        figure.savefig(buffer, format="svg", metadata=metadata)
    text = buffer.getvalue()
    # The XML prolog and DOCTYPE go: the SVG may be embedded in a page or a PDF as it is.
    text = text[text.index("<svg") :]
    text = text.replace("<svg ", '<svg role="img" aria-labelledby="chart-title chart-desc" ', 1)
    # Matplotlib writes the title as the first child; the description follows it.
    title_end = text.index("</title>") + len("</title>")
    text = (
        text[:title_end].replace("<title>", '<title id="chart-title">', 1)
        + f'\n <desc id="chart-desc">{escape(description)}</desc>'
        + text[title_end:]
    )
    return text


def bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[Decimal],
    median: Decimal | None = None,
    median_label: str = "",
    focus: int | None = None,
    axis_label: str = "",
    locale: str | None = None,
) -> str:
    """Horizontal bars, one per unit in the order given (best first), the median as a
    dashed line and the unit at index ``focus`` hatched."""
    with matplotlib.rc_context(RC):
        figure, axes = _figure(max(2.0, 0.9 + 0.32 * len(labels)))
        positions = list(range(len(labels)))
        bars = axes.barh(positions, [float(v) for v in values], color=BAR, height=0.7)
        if focus is not None and 0 <= focus < len(bars):
            bars[focus].set_color(FOCUS)
            bars[focus].set_hatch("///")
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        if median is not None:
            axes.axvline(
                float(median), color=INK, linestyle="--", linewidth=1.2, label=median_label
            )
            # Above the bars, never over one.
            axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
        axes.xaxis.set_major_formatter(_number_formatter(locale))
        axes.xaxis.set_major_locator(MaxNLocator(6))
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        axes.set_xlabel(axis_label)
        return _svg(figure, title, description)


def line_chart(
    *,
    title: str,
    description: str,
    series: Mapping[str, Mapping[int, Decimal]],
    axis_label: str = "",
    locale: str | None = None,
) -> str:
    """One line per unit across the years, each with its own dash pattern and marker."""
    with matplotlib.rc_context(RC):
        figure, axes = _figure(3.6)
        styles = cycle([(line, marker) for marker in MARKERS for line in LINE_STYLES[:2]])
        years: set[int] = set()
        for name, points in series.items():
            line, marker = next(styles)
            ordered = sorted(points.items())
            years.update(year for year, _ in ordered)
            axes.plot(
                [year for year, _ in ordered],
                [float(value) for _, value in ordered],
                color=INK,
                linestyle=line,
                marker=marker,
                markerfacecolor="white",
                linewidth=1.4,
                label=name,
            )
        if years:
            axes.set_xticks(sorted(years), [str(year) for year in sorted(years)])
        axes.yaxis.set_major_formatter(_number_formatter(locale))
        axes.yaxis.set_major_locator(MaxNLocator(6))
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_ylabel(axis_label)
        if series:
            axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(figure, title, description)


def box_chart(
    *,
    title: str,
    description: str,
    boxes: Sequence[tuple[str, Summary]],
    axis_label: str = "",
    locale: str | None = None,
) -> str:
    """One box per label from summaries computed in ``indicators.stats`` (the whiskers
    reach the minimum and maximum), so the chart shows exactly the table's quartiles."""
    with matplotlib.rc_context(RC):
        figure, axes = _figure(max(1.5, 0.9 + 0.5 * len(boxes)))
        stats = [
            {
                "label": label,
                "whislo": float(summary.minimum),
                "q1": float(summary.q1),
                "med": float(summary.median),
                "q3": float(summary.q3),
                "whishi": float(summary.maximum),
                "fliers": [],
            }
            for label, summary in boxes
        ]
        if stats:
            axes.bxp(
                stats,
                orientation="horizontal",
                patch_artist=True,
                boxprops={"facecolor": "#e6e6e6", "edgecolor": INK},
                medianprops={"color": INK, "linewidth": 2},
                whiskerprops={"color": INK},
                capprops={"color": INK},
            )
            axes.invert_yaxis()
        axes.xaxis.set_major_formatter(_number_formatter(locale))
        axes.xaxis.set_major_locator(MaxNLocator(6))
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        axes.set_xlabel(axis_label)
        return _svg(figure, title, description)
