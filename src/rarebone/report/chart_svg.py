"""The engraftment chart as SVG text, drawn without matplotlib.

The workbench's monitoring page shows this chart on every view after each lab saved; matplotlib needs about
half a second of CPU (holding the GIL) per PNG, which under 50 users made the monitoring page the slowest of all.
Written as text, the same chart takes about a millisecond. It draws what report.charts.engraftment_chart_png
draws — ANC (left axis) and platelets (right axis) by study day, lines broken at days not observed, the two
thresholds, platelet transfusions, the engraftment days — and is served as an image (no inline script or style:
presentation attributes only, which the workbench's CSP allows).
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

ANC_COLOUR = "#1f77b4"
PLT_COLOUR = "#d62728"
TRANSFUSION_COLOUR = "#ff9896"
WIDTH, HEIGHT = 900, 400
LEFT, RIGHT, TOP, BOTTOM = 64, 72, 16, 64  # plot margins, px
TICKS = 5


def _nice_top(value: float) -> float:
    """The smallest 1/2/2.5/5 x 10^n at or above value (an axis end a reader can count in)."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp


def _runs(points: list[tuple[int, float]]) -> list[list[tuple[int, float]]]:
    """Consecutive-day runs: a line breaks where a day was not observed."""
    runs: list[list[tuple[int, float]]] = []
    for day, value in sorted(points):
        if runs and day == runs[-1][-1][0] + 1:
            runs[-1].append((day, value))
        else:
            runs.append([(day, value)])
    return runs


def engraftment_chart_svg(anc: list[tuple[int, float]], platelets: list[tuple[int, float]],
                          transfusion_days: list[int], neutrophil_day: int | None, platelet_day: int | None,
                          anc_threshold: float, platelet_threshold: float) -> str:
    """ANC and platelets over study days, with thresholds, engraftment days and platelet transfusions (SVG)."""
    days = [d for d, _ in anc] + [d for d, _ in platelets] + list(transfusion_days) + \
        [d for d in (neutrophil_day, platelet_day) if d is not None]
    x0, x1 = (min(days), max(days)) if days else (0, 1)
    if x1 == x0:
        x1 = x0 + 1
    anc_top = _nice_top(max([v for _, v in anc] + [anc_threshold]) * 1.05)
    plt_top = _nice_top(max([v for _, v in platelets] + [platelet_threshold]) * 1.05)
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: float) -> float:
        return round(LEFT + (day - x0) / (x1 - x0) * pw, 1)

    def y(value: float, top: float) -> float:
        return round(TOP + ph - max(0.0, min(value, top)) / top * ph, 1)

    def text(tx, ty, s, **attrs) -> str:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        return f'<text x="{tx}" y="{ty}" font-size="11"{extra}>{escape(s)}</text>'

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
           f'height="{HEIGHT}" font-family="sans-serif" role="img">',
           "<title>ANC and platelets over study days with thresholds, engraftment days and platelet "
           "transfusions</title>",
           f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    for day in transfusion_days:
        out.append(f'<line x1="{x(day)}" y1="{TOP}" x2="{x(day)}" y2="{TOP + ph}" stroke="{TRANSFUSION_COLOUR}" '
                   'stroke-width="4" stroke-opacity="0.4"/>')
    # grid and ticks: both axes divided in TICKS equal steps
    for i in range(TICKS + 1):
        gy = round(TOP + ph - i * ph / TICKS, 1)
        out.append(f'<line x1="{LEFT}" y1="{gy}" x2="{LEFT + pw}" y2="{gy}" stroke="#000000" stroke-opacity="0.12"/>')
        out.append(text(LEFT - 6, gy + 4, f"{anc_top * i / TICKS:g}", text_anchor="end", fill=ANC_COLOUR))
        out.append(text(LEFT + pw + 6, gy + 4, f"{plt_top * i / TICKS:g}", fill=PLT_COLOUR))
    step = max(1, _nice_top((x1 - x0) / 10))
    first = math.ceil(x0 / step) * step
    for i in range(int((x1 - first) // step) + 1):
        day = first + i * step
        label = f"+{day:g}" if day > 0 else f"{day:g}"
        out.append(f'<line x1="{x(day)}" y1="{TOP + ph}" x2="{x(day)}" y2="{TOP + ph + 4}" stroke="#000000"/>')
        out.append(text(x(day), TOP + ph + 16, label, text_anchor="middle"))
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#000000"/>')
    out.append(f'<line x1="{LEFT}" y1="{y(anc_threshold, anc_top)}" x2="{LEFT + pw}" y2="{y(anc_threshold, anc_top)}" '
               f'stroke="{ANC_COLOUR}" stroke-dasharray="2 3"/>')
    out.append(f'<line x1="{LEFT}" y1="{y(platelet_threshold, plt_top)}" x2="{LEFT + pw}" '
               f'y2="{y(platelet_threshold, plt_top)}" stroke="{PLT_COLOUR}" stroke-dasharray="2 3"/>')
    for day, colour in ((neutrophil_day, ANC_COLOUR), (platelet_day, PLT_COLOUR)):
        if day is not None:
            out.append(f'<line x1="{x(day)}" y1="{TOP}" x2="{x(day)}" y2="{TOP + ph}" stroke="{colour}" '
                       'stroke-width="1.5" stroke-dasharray="6 3"/>')
    for series, top, colour, square in ((anc, anc_top, ANC_COLOUR, False), (platelets, plt_top, PLT_COLOUR, True)):
        for run in _runs(series):
            pts = " ".join(f"{x(d)},{y(v, top)}" for d, v in run)
            if len(run) > 1:
                out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.2"/>')
            for d, v in run:
                if square:
                    out.append(f'<rect x="{x(d) - 2.5}" y="{y(v, top) - 2.5}" width="5" height="5" fill="{colour}"/>')
                else:
                    out.append(f'<circle cx="{x(d)}" cy="{y(v, top)}" r="2.5" fill="{colour}"/>')
    out.append(text(LEFT + pw / 2, HEIGHT - 24, "study day (day 0 = stem-cell infusion); breaks in a line = days "
                    "not observed", text_anchor="middle"))
    out.append(f'<text x="14" y="{TOP + ph / 2}" font-size="11" fill="{ANC_COLOUR}" text-anchor="middle" '
               f'transform="rotate(-90 14 {TOP + ph / 2})">ANC (10^9/L)</text>')
    out.append(f'<text x="{WIDTH - 14}" y="{TOP + ph / 2}" font-size="11" fill="{PLT_COLOUR}" text-anchor="middle" '
               f'transform="rotate(90 {WIDTH - 14} {TOP + ph / 2})">platelets (10^9/L)</text>')
    legend = [(ANC_COLOUR, "", "ANC (10^9/L)"), (PLT_COLOUR, "", "Platelets (10^9/L)"),
              (ANC_COLOUR, "2 3", f"ANC threshold {anc_threshold:g} x10^9/L"),
              (PLT_COLOUR, "2 3", f"platelet threshold {platelet_threshold:g} x10^9/L")]
    if transfusion_days:
        legend.append((TRANSFUSION_COLOUR, "", "platelet transfusion"))
    if neutrophil_day is not None:
        legend.append((ANC_COLOUR, "6 3", f"neutrophil engraftment d+{neutrophil_day}"))
    if platelet_day is not None:
        legend.append((PLT_COLOUR, "6 3", f"platelet engraftment d+{platelet_day}"))
    out.append(f'<rect x="{LEFT + 6}" y="{TOP + 6}" width="250" height="{len(legend) * 14 + 8}" fill="#ffffff" '
               'fill-opacity="0.85" stroke="#cccccc"/>')
    for i, (colour, dash, label) in enumerate(legend):
        ly = TOP + 18 + i * 14
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{LEFT + 12}" y1="{ly - 4}" x2="{LEFT + 32}" y2="{ly - 4}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(text(LEFT + 38, ly, label))
    out.append("</svg>")
    return "\n".join(out)
