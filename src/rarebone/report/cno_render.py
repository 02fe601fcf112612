"""Text and HTML renderers for the CNO plan and course, and the lesion-timeline / activity charts."""

from __future__ import annotations

import base64
import datetime as dt
import io

from rarebone.knowledge import KnowledgeBase

STATUS_COLOURS = {"baseline": "#1f4e79", "new": "#b91c1c", "reappeared": "#c026d3", "progressed": "#ea580c",
                  "stable": "#f2b705", "improved": "#9ccc3a", "resolved": "#15803d", "absent": "#e5e7eb",
                  "not_imaged": "#ffffff"}


def _cite(kb: KnowledgeBase, ids) -> str:
    return "; ".join(kb.citation_text(i) for i in sorted(set(ids)) if i in kb.sources)


STATUS_WORDS = {"not_imaged": "not imaged"}
MARKS = {"unverified": " [UNVERIFIED]", "secondary": " [secondary source]"}


def _n(x, unit: str = "") -> str:
    return "-" if x is None else f"{x:g}{unit}"


def _lab(value, normal, measured_on, visit_date, unit: str) -> str:
    if value is None:
        return "-"
    state = {True: "normal", False: "raised"}.get(normal, "no reference range")
    when = f", measured {measured_on}" if measured_on and measured_on != visit_date else ""
    return f"{value:g} {unit} ({state}{when})"


def calendar_uncertainty(cal) -> list[str]:
    """Every line of doubt behind a calendar, in the words the outputs print."""
    out = []
    if cal.certainty != "verified":
        out.append(f"{cal.certainty.upper()}: this schedule is not confirmed line by line in its primary source")
    if cal.disagreement:
        out.append(f"SOURCES DISAGREE: {cal.disagreement}")
    if cal.assumed_from:
        out.append(f"ASSUMED: {cal.assumed_from}")
    if cal.max_mg_per_dose and cal.max_mg_per_dose_certainty in ("unverified", "secondary"):
        out.append(f"maximum {cal.max_mg_per_dose:g} mg per dose is {cal.max_mg_per_dose_certainty.upper()}")
    if cal.uncapped_above_other_maxima:
        out.append(cal.uncapped_above_other_maxima)
    return out


def option_notes(o) -> list[str]:
    """Why a computed dose is what it is: the cap and its origin, or why no dose was computed."""
    out = []
    if o.dose_refused:
        out.append(o.dose_refused)
    if o.max_note and (o.capped or o.max_certainty in ("unverified", "secondary") or o.max_set_by_prescriber):
        out.append(("maximum " if not o.max_certainty else f"maximum ({o.max_certainty.upper()}) ") + o.max_note)
    if o.note:
        out.append(o.note)
    return out


def course_length_text(cal) -> str:
    text = cal.course_text
    if cal.course_months:
        text = f"{cal.course_months[0]:g}-{cal.course_months[1]:g} months in total ({cal.course_text})"
    return text + f"; this calendar shows only the first {cal.calendar_months:g} months"


def review_text(cal) -> str:
    points = ", ".join(f"month {p.month:g} ({p.date.isoformat() if p.date else f'day {p.day}'})" for p in cal.review_points)
    mark = MARKS.get(cal.review_certainty, "")
    return (points + ": " if points else "") + cal.review_text + mark + "; and the checks before each infusion"


def cap_text(cal) -> str:
    text = "maximum per dose: " + (f"{cal.max_mg_per_dose:g} mg{MARKS.get(cal.max_mg_per_dose_certainty or '', '')}"
                                   if cal.max_mg_per_dose else "none given by the source")
    if cal.max_cumulative_mg_per_kg_per_year:
        text += f"; at most {cal.max_cumulative_mg_per_kg_per_year:g} mg/kg/year in total"
    return text


def plan_text(plan, kb: KnowledgeBase) -> str:
    lines = [f"CNO treatment plan — {plan.patient_id}", plan.notice, f"knowledge {plan.knowledge_version}", ""]
    if plan.weight_check:
        lines += [f"Weight: {plan.weight_check}", ""]
    lines.append(f"Ladder: current step {plan.ladder.current_step or 'none'}"
                 + (f" (as of {plan.ladder.as_of})" if plan.ladder.as_of else ""))
    for r in plan.ladder.reasons:
        lines.append(f"  - {r}")
    for t in plan.ladder.treatments:
        lines.append(f"  treated: {t.agent} [{t.drug_class or 'not on the CNO ladder'}] {t.start or '?'} to {t.end or ('end not recorded' if t.stopped else 'ongoing')}, "
                     f"{t.dose or 'dose not recorded'}; response: {t.response or 'not recorded'}"
                     + (" (not controlled: counts as failure of this step)" if t.failed else ""))
    lines.append("Next options (the ladder's conditions are met):")
    for o in plan.ladder.next_options:
        lines.append(f"  step {o.step} {o.drug_class}: {o.dose_text}{MARKS.get(o.certainty, '')}" + (f" -> {o.computed_dose}" if o.computed_dose else ""))
        lines += [f"      ! {x}" for x in option_notes(o)]
        lines.append(f"      when: {o.indication}  ({o.knowledge_id}; {', '.join(o.citations)})")
    if plan.ladder.withheld:
        lines.append("Not offered now (condition not met in the record):")
    for w in plan.ladder.withheld:
        lines.append(f"  step {w.step} {w.drug_class}: needs {w.needs}; the record shows: {w.record_shows}  "
                     f"({w.knowledge_id}; {', '.join(w.citations)})")
    if plan.requested_outside_ladder:
        lines += ["", f"REQUESTED OUTSIDE THE LADDER: {plan.requested_outside_ladder}"]
    for cal in plan.pamidronate:
        lines += ["", f"Pamidronate: {cal.label}{MARKS.get(cal.certainty, '')} ({cal.knowledge_id}; {', '.join(cal.citations)})",
                  f"  weight {cal.weight_kg:g} kg; every {cal.interval_days} days (source range {cal.interval_days_range[0]}-{cal.interval_days_range[1]} days); "
                  f"{cap_text(cal)}",
                  f"  first-year total {cal.total_mg_first_year:.1f} mg",
                  f"  course: {course_length_text(cal)}",
                  f"  review: {review_text(cal)}"]
        lines += [f"  ! {u}" for u in calendar_uncertainty(cal)]
        for i in cal.infusions:
            when = i.date.isoformat() if i.date else f"day {i.day}"
            lines.append(f"  cycle {i.cycle} {when}: {i.dose_mg:.1f} mg ({i.dose_mg_per_kg:g} mg/kg) {i.note}".rstrip())
    if plan.pamidronate:
        lines.append("Before each infusion:")
        for m in plan.pamidronate[0].monitoring:
            lines.append(f"  - {m.check} ({m.when}){MARKS.get(m.certainty, '')} ({m.knowledge_id})")
    for m in plan.missing_data:
        lines.append(f"MISSING: {m}")
    for w in plan.warnings:
        lines.append(f"WARNING: {w}")
    lines += ["", "Sources:", _cite(kb, plan_sources(plan))]
    return "\n".join(lines) + "\n"


def plan_sources(plan) -> list[str]:
    return ([c for o in plan.ladder.next_options for c in o.citations] + [c for cal in plan.pamidronate for c in cal.citations]
            + [c for cal in plan.pamidronate[:1] for m in cal.monitoring for c in m.citations])


def lesion_line(t) -> str:
    text = " > ".join(STATUS_WORDS.get(s.status, s.status) + ("*" if s.symptomatic else "") for s in t.statuses)
    if t.reappeared_on:
        text += f"  [recurred {', '.join(map(str, t.reappeared_on))}]"
    return text


def summary_text(s) -> str:
    return (f"{s.baseline_lesions} baseline lesions -> {s.resolved} resolved, {s.improved} improved, {s.stable} stable, "
            f"{s.progressed} progressed, {s.recurred} recurred (resolved, then back at the same site)"
            + (f", {s.not_reimaged} not re-imaged" if s.not_reimaged else "")
            + f"; {s.new_lesions} new lesions = {s.new_sites} at new sites + {s.recurrent_lesions} recurrent at a healed baseline site"
            f" ({s.symptomatic_new_lesions} symptomatic)")


def course_text(course, kb: KnowledgeBase) -> str:
    lines = ["CNO course", course.notice, course.unverified_notice, f"knowledge {course.knowledge_version}", course.lab_window]
    for p in course.patients:
        lines += ["", f"== {p.patient_id} ({p.source})", "Visits:"]
        for v in p.visits:
            lines.append(f"  {v.date} {v.label}: PGA {_n(v.pga)} ({v.pga_scale or '-'}), pain {_n(v.patient_pain)}/10, "
                         f"ESR {_lab(v.esr_mm_per_h, v.esr_normal, v.esr_date, v.date, 'mm/h')}, "
                         f"CRP {_lab(v.crp_mg_per_l, v.crp_normal, v.crp_date, v.date, 'mg/L')}, "
                         f"C-HAQ {_n(v.chaq)}, MRI lesions {_n(v.mri_lesions)}")
        lines.append("PedCNO responses (UNVERIFIED definition; two readings of the worsening rule):")
        for r in p.responses:
            lines.append(f"  {r.reference_visit} -> {r.visit}: PedCNO{r.level} ({r.reading}) {r.result}; improved {', '.join(r.improved) or '-'};"
                         f" worsened {', '.join(r.worsened) or '-'}; missing {', '.join(r.missing) or '-'}")
        lines.append("Lesions (status per study: " + " | ".join(p.studies) + "; * symptomatic):")
        for t in p.lesions:
            lines.append(f"  {t.key:<34} first seen {t.first_seen or '-'}: {lesion_line(t)}")
        lines.append(f"Summary: {summary_text(p.summary)}")
    s = course.summary
    lines += ["", f"All {s.patients} patients (form of the anakinra cohort, S4): {summary_text(s)}; "
              f"new lesions in {s.patients_with_new_lesions}/{s.patients} patients, symptomatic ones in "
              f"{s.patients_with_symptomatic_new_lesions}/{s.patients}."]
    for e in course.errors:
        lines.append(f"ERROR: {e}")
    lines += ["", "Sources:", _cite(kb, COURSE_SOURCES)]
    return "\n".join(lines) + "\n"


COURSE_SOURCES = ["S4", "BECK2010", "PEDACR-2013", "PEDACR-2015", "REISER2023", "RAREBONE-CHOICE"]


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def lesion_label(t) -> str:
    side = {"left": "L", "right": "R"}.get(t.side or "", "")
    part = (t.part or "").replace("_", " ")
    return " ".join(x for x in (t.site.replace("_", " "), part, f"({side})" if side else "") if x)


def course_charts(patient_course) -> dict[str, str]:
    """Lesion timeline (one row per lesion, one square per study, coloured by status) and activity per visit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    charts = {}
    tracks = patient_course.lesions
    if tracks:
        dates = sorted({s.date for t in tracks for s in t.statuses})
        fig, ax = plt.subplots(figsize=(9, 0.55 * len(tracks) + 2.2))
        used = []
        for row, t in enumerate(tracks):
            xs = [s.date for s in t.statuses]
            ax.plot(xs, [row] * len(xs), color="#9ca3af", linewidth=1, zorder=1)
            for s in t.statuses:
                used.append(s.status)
                ax.scatter(s.date, row, s=420, marker="s", color=STATUS_COLOURS.get(s.status, "#777777"), zorder=2,
                           edgecolors="#7f1d1d" if s.symptomatic else "#374151", linewidths=2.5 if s.symptomatic else 0.8,
                           hatch="///" if s.status == "not_imaged" else None)
                if s.symptomatic:
                    dark = s.status in ("baseline", "new", "reappeared", "progressed", "resolved")
                    ax.annotate("!", (mdates.date2num(s.date), row), ha="center", va="center", color="white" if dark else "black",
                                fontweight="bold", fontsize=11, zorder=3)
        ax.set_yticks(range(len(tracks)), [lesion_label(t) for t in tracks])
        ax.set_ylim(len(tracks) - 0.5, -0.5)
        ax.set_xticks(dates, [d.strftime("%d %b %Y") for d in dates], rotation=30, ha="right")
        span = max((dates[-1] - dates[0]).days, 1)
        pad = dt.timedelta(days=max(span // 20, 20))
        ax.set_xlim(dates[0] - pad, dates[-1] + pad)
        ax.grid(axis="x", color="#e5e7eb")
        ax.set_title("Lesions by site at each imaging study (! = symptomatic, thick border)")
        handles = [Patch(facecolor=STATUS_COLOURS[k], edgecolor="#374151", label=STATUS_WORDS.get(k, k).replace(" (recurrence)", ""))
                   for k in STATUS_COLOURS if k in used]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=min(len(handles), 5), fontsize="small", frameon=False)
        charts["timeline"] = _png(fig)
        plt.close(fig)
    visits = patient_course.visits
    if visits:
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.2), sharex=True)
        scale = {"nrs_0_10": "(0-10)", "s4_5_level": "(0 none - 4 severe)"}.get(visits[0].pga_scale or "", "")
        for ax, series in ((top, (("physician global " + scale, "pga", "o"), ("patient pain (0-10)", "patient_pain", "s"),
                                  ("patient global (0-10)", "patient_global", "^"), ("MRI lesions (count)", "mri_lesions", "D"))),
                           (bottom, (("ESR (mm/h)", "esr_mm_per_h", "o"), ("CRP (mg/L)", "crp_mg_per_l", "s")))):
            for name, attr, marker in series:
                points = [(v.date, getattr(v, attr)) for v in visits if getattr(v, attr) is not None]
                if points:
                    ax.plot([p[0] for p in points], [p[1] for p in points], marker=marker, label=name)
            ax.grid(color="#e5e7eb")
            ax.set_ylim(bottom=0)
            ax.legend(fontsize="small", loc="upper right")
        for v in visits:  # raised ESR/CRP: ring around the point
            for attr, flag in (("esr_mm_per_h", v.esr_normal), ("crp_mg_per_l", v.crp_normal)):
                if flag is False and getattr(v, attr) is not None:
                    bottom.scatter(v.date, getattr(v, attr), s=160, facecolors="none", edgecolors="#b91c1c", linewidths=1.5, zorder=3)
        if visits[0].pga_scale == "nrs_0_10":  # show the whole 0-10 scale, so 2 of 10 looks like 2 of 10
            top.set_ylim(0, max(top.get_ylim()[1], 10.5))
        top.set_title("Clinical activity per visit")
        bottom.set_title("Inflammation markers (red ring = above the laboratory's upper limit)", fontsize="medium")
        bottom.set_xticks([v.date for v in visits], [f"{v.label}\n{v.date:%d %b %Y}" for v in visits])
        fig.tight_layout()
        charts["activity"] = _png(fig)
        plt.close(fig)
    return charts


def _env():
    from rarebone.report.html import environment

    return environment()


PGA_SCALE_WORDS = {"nrs_0_10": "0-10", "s4_5_level": "0 none - 4 severe"}


def pedcno_rows(patient_course) -> list[dict]:
    """One row per (visit pair, level) with both readings of the worsening rule side by side."""
    rows: dict[tuple, dict] = {}
    for r in patient_course.responses:
        row = rows.setdefault((r.reference_visit, r.visit, r.level), {"pair": f"{r.reference_visit} → {r.visit}", "level": r.level,
                                                                      "readings": []})
        row["readings"].append(r)
    for row in rows.values():
        results = {r.result for r in row["readings"]}
        row["result"] = results.pop() if len(results) == 1 else " / ".join(f"{r.result} ({r.reading})" for r in row["readings"])
        row["agree"] = len({r.result for r in row["readings"]}) == 1
    return list(rows.values())


def course_html(course, kb: KnowledgeBase) -> str:
    charts = [course_charts(p) for p in course.patients]
    return _env().get_template("cno_course.html").render(
        course=course, charts=charts, lab=_lab, n=_n, lesion_words=STATUS_WORDS, summary_text=summary_text,
        lesion_label=lesion_label, pedcno_rows=pedcno_rows, pga_words=PGA_SCALE_WORDS,
        colours=STATUS_COLOURS, sources=[kb.citation_text(i) for i in sorted(set(COURSE_SOURCES)) if i in kb.sources])


def plan_html(plan, kb: KnowledgeBase) -> str:
    return _env().get_template("cno_plan.html").render(
        plan=plan, marks=MARKS, uncertainty=calendar_uncertainty, cap_text=cap_text, option_notes=option_notes,
        course_length_text=course_length_text, review_text=review_text,
        sources=[kb.citation_text(i) for i in sorted(set(plan_sources(plan))) if i in kb.sources])
