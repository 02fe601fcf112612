"""Charts (matplotlib, Agg backend), returned as base64 PNG for embedding in HTML."""

from __future__ import annotations

import base64
import io


def engraftment_chart_png(anc: list[tuple[int, float]], platelets: list[tuple[int, float]],
                          transfusion_days: list[int], neutrophil_day: int | None, platelet_day: int | None,
                          anc_threshold: float, platelet_threshold: float) -> str:
    """ANC and platelets over study days, with thresholds, engraftment days and platelet transfusions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def with_gaps(points):
        """Insert NaN at unobserved days so the line breaks there instead of drawing through a gap."""
        xs, ys, prev = [], [], None
        for day, value in sorted(points):
            if prev is not None and day > prev + 1:
                xs.append(prev + 1)
                ys.append(float("nan"))
            xs.append(day)
            ys.append(value)
            prev = day
        return xs, ys

    fig, ax1 = plt.subplots(figsize=(9, 4), dpi=110)
    ax2 = ax1.twinx()
    if anc:
        d, v = with_gaps(anc)
        ax1.plot(d, v, "o-", color="#1f77b4", ms=3, lw=1.2, label="ANC (10^9/L)")
    if platelets:
        d, v = with_gaps(platelets)
        ax2.plot(d, v, "s-", color="#d62728", ms=3, lw=1.2, label="Platelets (10^9/L)")
    ax1.axhline(anc_threshold, color="#1f77b4", ls=":", lw=1, label=f"ANC threshold {anc_threshold:g} x10^9/L")
    ax2.axhline(platelet_threshold, color="#d62728", ls=":", lw=1,
                label=f"platelet threshold {platelet_threshold:g} x10^9/L")
    for i, day in enumerate(transfusion_days):
        ax2.axvline(day, color="#ff9896", lw=4, alpha=0.4, label="platelet transfusion" if i == 0 else None)
    if neutrophil_day is not None:
        ax1.axvline(neutrophil_day, color="#1f77b4", ls="--", lw=1.5, zorder=5, label=f"neutrophil engraftment d+{neutrophil_day}")
    if platelet_day is not None:
        ax1.axvline(platelet_day, color="#d62728", ls="--", lw=1.5, label=f"platelet engraftment d+{platelet_day}")
    ax1.set_xlabel("study day (day 0 = stem-cell infusion); breaks in a line = days not observed")
    ax1.set_ylabel("ANC (10^9/L)", color="#1f77b4")
    ax2.set_ylabel("platelets (10^9/L)", color="#d62728")
    handles = ax1.get_legend_handles_labels()
    handles2 = ax2.get_legend_handles_labels()
    ax1.legend(handles[0] + handles2[0], handles[1] + handles2[1], loc="upper left", fontsize=7)
    ax1.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")
