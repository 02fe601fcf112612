"""Text and HTML renderers for the CNO plan and course, and the lesion-timeline / activity charts."""

from __future__ import annotations

import base64
import io

from rarebone.knowledge import KnowledgeBase

STATUS_COLOURS = {"baseline": "#d62728", "new": "#9467bd", "stable": "#ff7f0e", "progressed": "#8c564b",
                  "improved": "#bcbd22", "resolved": "#2ca02c", "reappeared": "#e377c2", "absent": "#dddddd",
                  "not_imaged": "#ffffff"}


def _cite(kb: KnowledgeBase, ids) -> str:
    return "; ".join(kb.citation_text(i) for i in sorted(set(ids)) if i in kb.sources)


def plan_text(plan, kb: KnowledgeBase) -> str:
    lines = [f"CNO treatment plan — {plan.patient_id}", plan.notice, f"knowledge {plan.knowledge_version}", ""]
    lines.append(f"Ladder: current step {plan.ladder.current_step or 'none'}")
    for r in plan.ladder.reasons:
        lines.append(f"  - {r}")
    for t in plan.ladder.treatments:
        lines.append(f"  treated: {t.agent} [{t.drug_class or 'not on the CNO ladder'}] {t.start or ''}–{t.end or ''} "
                     f"{t.dose or ''} response: {t.response or 'not recorded'}")
    lines.append("Next options:")
    for o in plan.ladder.next_options:
        mark = " [UNVERIFIED]" if o.certainty == "unverified" else ""
        lines.append(f"  step {o.step} {o.drug_class}: {o.dose_text}{mark}" + (f" -> {o.computed_dose}" if o.computed_dose else ""))
        lines.append(f"      when: {o.indication}  ({o.knowledge_id}; {', '.join(o.citations)})")
    for cal in plan.pamidronate:
        mark = " [UNVERIFIED]" if cal.certainty == "unverified" else ""
        lines += ["", f"Pamidronate: {cal.label}{mark} ({cal.knowledge_id}; {', '.join(cal.citations)})",
                  f"  weight {cal.weight_kg:g} kg, every {cal.interval_days} days (source range {cal.interval_days_range[0]}–{cal.interval_days_range[1]}),"
                  f" max per dose: " + (f"{cal.max_mg_per_dose:g} mg" + (" [UNVERIFIED]" if cal.max_mg_per_dose_certainty == "unverified" else "")
                                         if cal.max_mg_per_dose else "none given by the source")
                  + (f", cumulative <= {cal.max_cumulative_mg_per_kg_per_year:g} mg/kg/year" if cal.max_cumulative_mg_per_kg_per_year else ""),
                  f"  first-year total {cal.total_mg_first_year:.1f} mg"]
        if cal.assumed_from:
            lines.append(f"  assumed: {cal.assumed_from}")
        for i in cal.infusions:
            when = i.date.isoformat() if i.date else f"day {i.day}"
            lines.append(f"  cycle {i.cycle} {when}: {i.dose_mg_per_kg:g} mg/kg = {i.dose_mg:.1f} mg {i.note}".rstrip())
    if plan.pamidronate:
        lines.append("Before each infusion:")
        for m in plan.pamidronate[0].monitoring:
            lines.append(f"  - {m.check} ({m.when}) [{m.certainty}]")
    for m in plan.missing_data:
        lines.append(f"MISSING: {m}")
    lines += ["", "Sources:", _cite(kb, [c for o in plan.ladder.next_options for c in o.citations]
                                   + [c for cal in plan.pamidronate for c in cal.citations])]
    return "\n".join(lines) + "\n"


def course_text(course, kb: KnowledgeBase) -> str:
    lines = ["CNO course", course.notice, course.unverified_notice, f"knowledge {course.knowledge_version}"]
    for p in course.patients:
        lines += ["", f"== {p.patient_id} ({p.source})", "Visits:"]
        for v in p.visits:
            lines.append(f"  {v.date} {v.label}: PGA {v.pga if v.pga is not None else '-'} ({v.pga_scale or '-'}), pain "
                         f"{v.patient_pain if v.patient_pain is not None else '-'}, ESR {v.esr_mm_per_h if v.esr_mm_per_h is not None else '-'} mm/h"
                         f" ({'normal' if v.esr_normal else 'raised' if v.esr_normal is False else '?'}), CRP "
                         f"{v.crp_mg_per_l if v.crp_mg_per_l is not None else '-'} mg/L ({'normal' if v.crp_normal else 'raised' if v.crp_normal is False else '?'}),"
                         f" C-HAQ {v.chaq if v.chaq is not None else '-'}, MRI lesions {v.mri_lesions if v.mri_lesions is not None else '-'}")
        lines.append("PedCNO responses (UNVERIFIED definition; two readings of the worsening rule):")
        for r in p.responses:
            lines.append(f"  {r.reference_visit} -> {r.visit}: PedCNO{r.level} ({r.reading}) {r.result}; improved {', '.join(r.improved) or '-'};"
                         f" worsened {', '.join(r.worsened) or '-'}; missing {', '.join(r.missing) or '-'}")
        lines.append("Lesions (status per study: " + " | ".join(p.studies) + "):")
        for t in p.lesions:
            lines.append(f"  {t.key:<34} first seen {t.first_seen or '-'}: " + " > ".join(s.status for s in t.statuses))
        s = p.summary
        lines.append(f"Summary: {s.baseline_lesions} baseline lesions -> {s.resolved} resolved, {s.improved} improved, {s.stable} stable,"
                     f" {s.progressed} progressed; {s.new_lesions} new lesions ({s.symptomatic_new_lesions} symptomatic)")
    s = course.summary
    lines += ["", f"All {s.patients} patients: {s.baseline_lesions} baseline lesions; at follow-up {s.resolved} resolved, {s.improved} improved,"
              f" {s.stable} stable, {s.progressed} progressed; {s.new_lesions} new lesions in {s.patients_with_new_lesions}/{s.patients} patients,"
              f" symptomatic in {s.patients_with_symptomatic_new_lesions} of them ({s.symptomatic_new_lesions} lesions) (form of S4)."]
    for e in course.errors:
        lines.append(f"ERROR: {e}")
    lines += ["", "Sources:", _cite(kb, ["S4", "BECK2010", "PEDACR-2013", "PEDACR-2015", "REISER2023"])]
    return "\n".join(lines) + "\n"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def course_charts(patient_course) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    charts = {}
    tracks = patient_course.lesions
    if tracks:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(tracks) + 1.2))
        for row, t in enumerate(tracks):
            for s in t.statuses:
                ax.scatter(s.date, row, s=160, marker="s", color=STATUS_COLOURS.get(s.status, "#777777"), edgecolors="#333333")
                if s.symptomatic:
                    ax.annotate("!", (mdates.date2num(s.date), row), ha="center", va="center", color="white", fontweight="bold")
        ax.set_yticks(range(len(tracks)), [t.key for t in tracks])
        ax.set_title("Lesions by site over imaging studies (! = symptomatic)")
        handles = [plt.Line2D([], [], marker="s", linestyle="", color=c, label=k) for k, c in STATUS_COLOURS.items() if k != "not_imaged"]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        charts["timeline"] = _png(fig)
        plt.close(fig)
    visits = patient_course.visits
    if visits:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        for name, attr in (("PGA", "pga"), ("pain", "patient_pain"), ("ESR mm/h", "esr_mm_per_h"), ("CRP mg/L", "crp_mg_per_l"),
                           ("MRI lesions", "mri_lesions")):
            points = [(v.date, getattr(v, attr)) for v in visits if getattr(v, attr) is not None]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
        ax.set_title("Activity measures per visit")
        ax.legend(fontsize="small")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        charts["activity"] = _png(fig)
        plt.close(fig)
    return charts


def _env():
    from rarebone.report.html import environment

    return environment()


def course_html(course, kb: KnowledgeBase) -> str:
    charts = {p.patient_id: course_charts(p) for p in course.patients}
    return _env().get_template("cno_course.html").render(course=course, charts=charts,
                                                          sources=_cite(kb, ["S4", "BECK2010", "PEDACR-2013", "PEDACR-2015"]))


def plan_html(plan, kb: KnowledgeBase) -> str:
    return _env().get_template("cno_plan.html").render(plan=plan, text=plan_text(plan, kb))
