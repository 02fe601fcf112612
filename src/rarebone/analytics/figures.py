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
    import matplotlib.pyplot as plt

    return plt


def km_figure(curves, *, scale: float, unit: str, ticks, at_risk: dict[str, list[int]], title: str) -> str:
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
    table.set_xlabel(f"Time since origin ({unit})")
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
    fig.tight_layout()
    return _svg(fig)


def cif_figure(curves, *, scale: float, unit: str, title: str) -> str:
    plt = _setup()
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for curve in curves:
        t, inc, lower, upper = _thin([x / scale for x in curve.timeline], curve.incidence, curve.lower, curve.upper)
        line, = ax.step(t, inc, where="post", label=f"{curve.endpoint} ({curve.events} events)")
        ax.fill_between(t, lower, upper, step="post", alpha=0.15, color=line.get_color())
    ax.set_ylim(0, 1.0)
    ax.set_xlabel(f"Time since transplant ({unit})")
    ax.set_ylabel("Cumulative incidence")
    ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    return _svg(fig)
