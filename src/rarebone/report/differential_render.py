"""Text and HTML for the differential (the JSON is the contract itself)."""

from __future__ import annotations

from rarebone.report.html import render


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%" if p >= 0.001 else "<0.1%"


def _freq(f: float | None) -> str:
    return "frequency not published" if f is None else f"{round(100 * f)}%"


def render_text(d) -> str:
    lines = [f"rarebone differential — {d.patient_id} ({d.source})", d.notice,
             f"{d.method}; pre-test: {d.pretest}; HPO {d.hpo_release}, annotation qualifiers {d.annotation_release}.",
             f"Model numbers are {d.model_certainty}.", ""]
    for w in d.warnings:
        lines.append(f"WARNING: {w}")
    if d.terms_not_understood:
        lines.append("Terms not understood (not used): " + ", ".join(d.terms_not_understood))
    lines.append(f"{'#':>3}  {'post-test':>9}  {'log10 LR':>8}  disease")
    for r in d.diseases:
        family = f" [{r.family}]" if r.family else ""
        genes = f" — genes: {', '.join(r.genes[:6])}" if r.genes else ""
        lines.append(f"{r.rank:>3}  {_pct(r.post_test_probability):>9}  {r.log10_likelihood_ratio:>8.2f}  "
                     f"{r.name} ({r.disease_id}){family}{genes}")
        fits = [m for m in r.matched if m.match != "not explained"]
        if fits:
            lines.append("       fits: " + "; ".join(
                f"{m.term_label}" + (f" (via {m.matched_label})" if m.match != "exact" else "") for m in fits[:6]))
        unexplained = [m.term_label for m in r.matched if m.match == "not explained"]
        if unexplained:
            lines.append("       not explained: " + "; ".join(unexplained[:6]))
        if r.excluded_in_child:
            lines.append("       against (excluded in the child): " + "; ".join(m.term_label for m in r.excluded_in_child))
        if r.look_for:
            lines.append("       look for: " + "; ".join(f"{t.term_label} ({_freq(t.frequency)})" for t in r.look_for))
    return "\n".join(lines) + "\n"


def render_html(results: list) -> str:
    return render("differential.html", results=results, pct=_pct, freq=_freq)
