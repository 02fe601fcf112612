"""Figures as inline SVG (matplotlib, Agg): KM curves with CI bands and a numbers-at-risk table; CIF curves."""

from __future__ import annotations

import io


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.find("<svg"):]


def _thin(curve_t, *series, limit: int = 1500):
    """At most ``limit`` points of a step curve for drawing (first and last kept); numbers are never thinned."""
    n = len(curve_t)
    if n <= limit:
        return (curve_t, *series)
    import numpy as np

    idx = np.unique(np.concatenate([np.linspace(0, n - 1, limit).astype(int), [n - 1]]))
    return ([curve_t[i] for i in idx], *([s[i] for i in idx] for s in series))


def _setup():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable (SYNTHETIC DATA), smaller files
    import matplotlib.pyplot as plt

    return plt


def km_figure(curves, *, scale: float, unit: str, ticks, at_risk: dict[str, list[int]], title: str,
              synthetic: bool = False, origin: str = "origin") -> str:
    """``curves``: KMResult list (times in days); ``scale`` days per display unit; ``ticks`` in display units."""
    plt = _setup()
    rows = len(curves)
    fig, (ax, table) = plt.subplots(2, 1, figsize=(7, 4.6 + 0.25 * rows), sharex=True,
                                    gridspec_kw={"height_ratios": [4, 0.5 + 0.28 * rows]})
    for curve in curves:
        t, surv, lower, upper = _thin([x / scale for x in curve.timeline], curve.survival, curve.lower, curve.upper)
        line, = ax.step(t, surv, where="post", label=f"{curve.label} (n={curve.n})")
        ax.fill_between(t, lower, upper, step="post", alpha=0.18, color=line.get_color())
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("Overall survival")
    ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    table.set_xlabel(f"{unit.capitalize()} since {origin}")
    table.set_yticks(range(rows))
    table.set_yticklabels([c.label for c in curves][::-1], fontsize=8)
    table.tick_params(axis="y", length=0)
    for spine in table.spines.values():
        spine.set_visible(False)
    for i, curve in enumerate(curves[::-1]):
        for tick, n in zip(ticks, at_risk[curve.label]):
            table.text(tick, i, str(n), ha="center", va="center", fontsize=8)
    table.set_ylim(-0.6, rows - 0.4)
    table.set_title("Number at risk", fontsize=8, loc="left")
    table.set_xticks(list(ticks))
    ax.set_xlim(-0.02 * max(ticks), max(ticks) * 1.02)
    _mark(fig, synthetic)
    fig.tight_layout()
    return _svg(fig)


def _nice_limit(t: float) -> float:
    for limit in (30, 60, 100, 180, 365, 730, 1095, 1826, 3652, 7305):
        if t <= limit:
            return float(limit)
    return float(t)


def cif_figure(panels: dict[str, list], *, title: str, synthetic: bool = False,
               notes: dict[str, list[str]] | None = None) -> str:
    """One panel per endpoint (``panels``: endpoint -> CIFResult list, one per group; times in days). Each panel's
    time axis ends at the first round day count after its last event (at least day +100), so early endpoints
    such as engraftment stay readable; the numbers in the tables are not limited by it. ``notes``: endpoint ->
    lines written in the panel (curves that are not estimable are not drawn, the panel says why). The legend
    sits below each panel so it never hides a curve."""
    notes = notes or {}
    plt = _setup()
    names = list(panels)
    rows = max((len(c) for c in panels.values()), default=1)  # legend lines under each panel
    fig, axes = plt.subplots(1, len(names), figsize=(3.0 * len(names) + 0.6, 3.6 + 0.16 * rows), squeeze=False,
                             sharey=True)
    for ax, name in zip(axes[0], names):
        last = 0.0
        for curve in panels[name]:
            t, inc, lower, upper = _thin(curve.timeline, curve.incidence, curve.lower, curve.upper)
            label = f"{curve.label or 'all'} ({curve.events}/{curve.n})"
            line, = ax.step(t, inc, where="post", label=label)
            ax.fill_between(t, lower, upper, step="post", alpha=0.15, color=line.get_color(), linewidth=0)
            steps = [x for x, a, b in zip(curve.timeline, curve.incidence, [0.0, *curve.incidence]) if a != b]
            if not steps and curve.events == 0:
                steps = [0.0]
            last = max(last, max(steps) if steps else 0.0)
        ax.set_xlim(0, _nice_limit(max(last * 1.05, 100.0)))
        ax.set_ylim(0, 1.0)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("Days since transplant", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        lines = notes.get(name, [])
        if lines:
            centre = not panels[name]
            ax.text(0.5, 0.5 if centre else 0.97, "\n".join(_wrap(x) for x in lines), transform=ax.transAxes,
                    ha="center", va="center" if centre else "top", fontsize=7 if centre else 6, color="#b00020")
        if panels[name]:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=6.5, frameon=False,
                      title="group (events/n)", title_fontsize=6.5, ncol=1)
    axes[0][0].set_ylabel("Cumulative incidence", fontsize=8)
    fig.suptitle(title, fontsize=10)
    _mark(fig, synthetic)
    fig.tight_layout()
    return _svg(fig)


def _wrap(text: str, width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _mark(fig, synthetic: bool) -> None:
    if synthetic:
        fig.text(0.995, 0.005, "SYNTHETIC DATA", ha="right", va="bottom", fontsize=8, color="#b00020",
                 fontweight="bold")


def activity_figure(visits, median, q1, q3, patients, *, ylabel: str, synthetic: bool = False) -> str:
    """A score by visit number: median line with the interquartile range as a band; patients per visit below."""
    plt = _setup()
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.plot(visits, median, marker="o", color="#1f4e79", label="median")
    ax.fill_between(visits, q1, q3, alpha=0.2, color="#1f4e79", linewidth=0, label="interquartile range")
    ax.set_xticks(visits)
    ax.set_xticklabels([f"{v}\nn={n}" for v, n in zip(visits, patients)], fontsize=8)
    ax.set_xlabel("Visit (patients seen)", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_ylim(0, 10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    _mark(fig, synthetic)
    fig.tight_layout()
    return _svg(fig)
