"""Bar charts of the báo cáo, laid out once and drawn two ways: vector for PDF, PNG for DOCX.

`layout(chart)` turns a `BarChart` into primitives (rectangles, lines, text) in points, origin
bottom left, measuring text with the bundled Liberation Serif; `to_drawing` hands them to
reportlab's graphics (vector, in the PDF) and `to_png` paints them with Pillow's ImageDraw and the
same TTF (the DOCX embeds the PNG). Why not reportlab's renderPM: on this platform it needs the
rlPyCairo backend (pycairo + libcairo), a new native dependency; Pillow is already required
(docs/decisions/0005-charts-without-matplotlib.md). One layout means the two files show the same
chart.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from sipas_desktop.core import paths
from sipas_desktop.core.reporting.fonts import BOLD, REGULAR, register_fonts
from sipas_desktop.core.text import format_number

BAR_COLOUR = (0.16, 0.38, 0.62)
LOW_COLOUR = (0.80, 0.36, 0.20)
GRID_COLOUR = (0.80, 0.80, 0.80)
TEXT_COLOUR = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    group: str = ""               # bars of one group are drawn under a group caption
    highlight: bool = False       # drawn in the "low" colour (the lowest element, say)


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    horizontal: bool = True
    max_value: float = 100.0
    unit: str = "%"
    width: float = 453.0          # points (16 cm)
    bar_height: float = 16.0      # horizontal charts: points per bar
    height: float = 220.0         # vertical charts
    font_size: float = 10.0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: tuple[float, float, float]


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: tuple[float, float, float] = GRID_COLOUR
    width: float = 0.5


@dataclass(frozen=True)
class Text:
    x: float
    y: float                      # baseline
    text: str
    size: float
    bold: bool = False
    anchor: str = "start"         # start | middle | end


@dataclass
class Layout:
    width: float
    height: float
    items: list[Rect | Line | Text] = field(default_factory=list)


def _width(text: str, size: float, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return stringWidth(text, BOLD if bold else REGULAR, size)


def wrap(text: str, size: float, max_width: float, bold: bool = False) -> list[str]:
    """Greedy word wrap by measured width."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and _width(candidate, size, bold) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def value_text(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{format_number(value, 2)}{' ' + unit if unit else ''}"


def _horizontal(chart: BarChart) -> Layout:
    fs = chart.font_size
    label_w = chart.width * 0.42
    value_w = _width("100,00 %", fs) + 6
    plot_x = label_w + 6
    plot_w = chart.width - plot_x - value_w
    rows: list[tuple[str, Bar | None, list[str]]] = []
    group = None
    for bar in chart.bars:
        if bar.group and bar.group != group:
            rows.append(("group", None, [bar.group]))
            group = bar.group
        rows.append(("bar", bar, wrap(bar.label, fs, label_w - 4)))
    line_h = fs * 1.15
    heights = [max(chart.bar_height, len(lines) * line_h + 4) if kind == "bar" else line_h + 6
               for kind, _, lines in rows]
    title_h = fs * 1.6 + 6
    axis_h = fs + 8
    height = title_h + sum(heights) + axis_h
    out = Layout(chart.width, height)
    out.items.append(Text(chart.width / 2, height - fs * 1.3, chart.title, fs * 1.1, True, "middle"))
    top = height - title_h
    bottom = axis_h
    for tick in range(0, 101, 20):
        x = plot_x + plot_w * tick / 100
        out.items.append(Line(x, bottom, x, top))
        out.items.append(Text(x, bottom - fs - 1, format_number(chart.max_value * tick / 100, 0), fs * 0.9,
                              anchor="middle"))
    y = top
    for (kind, bar, lines), h in zip(rows, heights, strict=True):
        y -= h
        if kind == "group":
            out.items.append(Text(0, y + 5, lines[0], fs, True))
            continue
        assert bar is not None
        inner = min(chart.bar_height - 4, h - 4)
        bar_y = y + (h - inner) / 2
        if bar.value is not None and bar.value > 0:
            w = plot_w * min(bar.value, chart.max_value) / chart.max_value
            out.items.append(Rect(plot_x, bar_y, w, inner, LOW_COLOUR if bar.highlight else BAR_COLOUR))
        end = plot_x + (plot_w * min(bar.value or 0, chart.max_value) / chart.max_value)
        out.items.append(Text(end + 3, bar_y + inner / 2 - fs * 0.35, value_text(bar.value, chart.unit), fs))
        block_h = len(lines) * line_h
        first = y + h / 2 + block_h / 2 - line_h + fs * 0.25
        for i, line in enumerate(lines):
            out.items.append(Text(label_w, first - i * line_h, line, fs, anchor="end"))
    out.items.append(Line(plot_x, bottom, plot_x, top, TEXT_COLOUR, 0.8))
    return out


def _vertical(chart: BarChart) -> Layout:
    fs = chart.font_size
    n = max(len(chart.bars), 1)
    slot = chart.width / n
    label_lines = [wrap(b.label, fs, slot - 6) for b in chart.bars]
    label_h = max((len(lines) for lines in label_lines), default=1) * fs * 1.15 + 4
    title_h = fs * 1.6 + 6
    top_pad = fs + 6
    height = chart.height
    out = Layout(chart.width, height)
    out.items.append(Text(chart.width / 2, height - fs * 1.3, chart.title, fs * 1.1, True, "middle"))
    bottom = label_h
    plot_h = height - title_h - top_pad - bottom
    for tick in range(0, 101, 20):
        y = bottom + plot_h * tick / 100
        out.items.append(Line(0, y, chart.width, y))
    for i, (bar, lines) in enumerate(zip(chart.bars, label_lines, strict=True)):
        cx = slot * i + slot / 2
        w = min(slot * 0.6, 60)
        h = plot_h * min(bar.value or 0, chart.max_value) / chart.max_value
        if h > 0:
            out.items.append(Rect(cx - w / 2, bottom, w, h, LOW_COLOUR if bar.highlight else BAR_COLOUR))
        out.items.append(Text(cx, bottom + h + 3, value_text(bar.value, chart.unit), fs, anchor="middle"))
        for j, line in enumerate(lines):
            out.items.append(Text(cx, bottom - fs - 2 - j * fs * 1.15, line, fs, anchor="middle"))
    out.items.append(Line(0, bottom, chart.width, bottom, TEXT_COLOUR, 0.8))
    return out


def layout(chart: BarChart) -> Layout:
    return _horizontal(chart) if chart.horizontal else _vertical(chart)


def to_drawing(chart: BarChart):
    """A reportlab Drawing (a flowable) of the chart, vector."""
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.shapes import Line as RLine
    from reportlab.graphics.shapes import Rect as RRect
    from reportlab.lib.colors import Color

    register_fonts()
    lay = layout(chart)
    d = Drawing(lay.width, lay.height, initialFontName=REGULAR, initialFontSize=chart.font_size)
    for item in lay.items:
        if isinstance(item, Rect):
            d.add(RRect(item.x, item.y, item.w, item.h, fillColor=Color(*item.fill), strokeColor=None))
        elif isinstance(item, Line):
            d.add(RLine(item.x1, item.y1, item.x2, item.y2, strokeColor=Color(*item.colour),
                        strokeWidth=item.width))
        else:
            d.add(String(item.x, item.y, item.text, fontName=BOLD if item.bold else REGULAR,
                         fontSize=item.size, textAnchor=item.anchor, fillColor=Color(*TEXT_COLOUR)))
    return d


def to_png(chart: BarChart, dpi: int = 200) -> bytes:
    """The chart as PNG bytes, painted by Pillow with the bundled TTF (same layout as the PDF)."""
    from PIL import Image, ImageDraw, ImageFont

    lay = layout(chart)
    scale = dpi / 72.0
    size = (max(1, round(lay.width * scale)), max(1, round(lay.height * scale)))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[float, bool], ImageFont.FreeTypeFont] = {}

    def font(pt: float, bold: bool) -> ImageFont.FreeTypeFont:
        key = (pt, bold)
        if key not in fonts:
            fonts[key] = ImageFont.truetype(str(paths.font_path("Bold" if bold else "Regular")),
                                            max(1, round(pt * scale)))
        return fonts[key]

    def rgb(c: tuple[float, float, float]) -> tuple[int, int, int]:
        return tuple(round(v * 255) for v in c)  # type: ignore[return-value]

    def flip(y: float) -> float:
        return (lay.height - y) * scale

    for item in lay.items:
        if isinstance(item, Rect):
            draw.rectangle([item.x * scale, flip(item.y + item.h), (item.x + item.w) * scale, flip(item.y)],
                           fill=rgb(item.fill))
        elif isinstance(item, Line):
            draw.line([item.x1 * scale, flip(item.y1), item.x2 * scale, flip(item.y2)], fill=rgb(item.colour),
                      width=max(1, round(item.width * scale)))
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
            draw.text((item.x * scale, flip(item.y)), item.text, font=font(item.size, item.bold),
                      fill=rgb(TEXT_COLOUR), anchor=anchor)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()
