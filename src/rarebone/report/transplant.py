"""Text and HTML renderings of TransplantPlan and MonitoringReport."""

from __future__ import annotations

from itertools import groupby

from rarebone.report.calendar import amount_text, day_mark, dose_text, schedule_text
from rarebone.workflows.monitor import MonitoringReport
from rarebone.workflows.plan import TransplantPlan




def _env():
    from rarebone.report.html import environment

    env = environment(strict=True)
    env.filters["day"] = day_label
    env.filters["schedule"] = schedule_text
    env.filters["days"] = days_text
    env.filters["per_dose"] = per_dose_text
    env.filters["drug_schedule"] = drug_schedule_text
    env.filters["dose_flag"] = dose_flag
    env.filters["day_mark"] = day_mark
    env.filters["amount"] = amount_text
    env.globals["day_source_lines"] = day_source_lines
    return env


DAY_SOURCE_TITLES = {
    "assumed": "Days ASSUMED by rarebone (not published for this regimen; the centre confirms or replaces them)",
    "centre_days": "Days set by the centre (not on the calendar; totals only)",
    "centre_dose": "Days scheduled, each day's dose set by the centre",
    "published": "Days as published",
}


def day_source_lines(plan) -> list[str]:
    """First-page summary of where each drug's days come from."""
    return [f"{title}: {', '.join(plan.day_sources[key])}" for key, title in DAY_SOURCE_TITLES.items()
            if plan.day_sources.get(key)]


def days_text(d) -> str:
    """Study days of a drug: one day, a continuous run 'a to b', or the list when days are not consecutive."""
    if getattr(d, "days_set_by_centre", False):
        return "days set by the centre (the source gives the total only; not on the calendar)"
    days = list(d.days)
    beyond = " and beyond" if d.continues_beyond_calendar else ""
    if len(days) == 1:
        return day_label(days[0]) + beyond
    if days == list(range(days[0], days[-1] + 1)):
        return f"{day_label(days[0])} to {day_label(days[-1])}{beyond}"
    return ", ".join(day_label(x) for x in days) + beyond


def drug_schedule_text(d) -> str:
    return "days set by the centre" if d.days_set_by_centre else schedule_text(d.assumed_from, d.schedule_certainty)


def dose_flag(x) -> str:
    """' [UNVERIFIED]' after a drug name only when its dose (not just its schedule) is unverified."""
    return " [UNVERIFIED]" if x.certainty == "unverified" else ""


def course_text(d, horizon_day: int) -> str:
    """The course of a drug: its total (fixed course or centre days), or, for a drug without a published end,
    its daily dose and that it continues beyond the calendar (a total would depend on --until)."""
    if getattr(d, "dose_set_by_centre", False):
        return (f"dose set by the centre each day (steps not published); ceiling {dose_text(d.max_dose_per_day.value)} "
                f"{d.max_dose_per_day.unit} ({d.basis}) = {d.max_amount_per_day.value:g} {d.max_amount_per_day.unit}/day")
    if d.total_dose is None:
        per_day = (f"{dose_text(d.dose_per_day.value)} {d.dose_per_day.unit} ({d.basis}) = "
                   f"{d.amount_per_day.value:g} {d.amount_per_day.unit}/day" if d.dose_per_day and d.amount_per_day
                   else "daily dose varies (see calendar)")
        return f"{per_day}; continues beyond day +{horizon_day} (end not given by the source)"
    return (f"{dose_text(d.total_dose.value)} {d.total_dose.unit} total ({d.basis}) = "
            f"{d.total_amount.value:g} {d.total_amount.unit}")


def per_dose_text(a) -> str:
    """'4 doses: 5.2 mg each' or the list of unequal doses (TDM-adjusted day); empty for single daily doses."""
    if not a.amounts_per_dose:
        return ""
    values = [q.value for q in a.amounts_per_dose]
    unit = a.amounts_per_dose[0].unit
    if len(set(values)) == 1:
        return f"{len(values)} doses of {values[0]:g} {unit}"
    return f"{len(values)} doses: " + ", ".join(f"{v:g}" for v in values) + f" {unit}"


def day_label(day: int | None) -> str:
    if day is None:
        return "not reached"
    return f"+{day}" if day > 0 else str(day)


def plan_text(plan: TransplantPlan) -> str:
    out = [f"TRANSPLANT PLAN  {plan.protocol.name}", plan.notice, ""]
    out.append(f"Patient {plan.patient_id}; day 0 = {plan.day0}; calendar to day +{plan.horizon_day}")
    out.append(f"Weight {plan.weight_kg:g} kg, height {plan.height_cm:g} cm ({plan.measurements_source}); "
               f"BSA {plan.bsa_m2:.3f} m2 ({plan.bsa_formula.capitalize()})")
    out.append(f"Plausibility: {plan.plausibility}")
    if plan.override_reason:
        out.append(f"OVERRIDE: HSCT not indicated for {', '.join(plan.hsct_not_indicated_genes)}; "
                   f"reason given: \"{plan.override_reason}\"")
    if plan.busulfan_tdm:
        t = plan.busulfan_tdm
        out.append(f"Busulfan TDM: AUC {t.measured_auc_umol_min:g} uM.min after dose {t.after_dose}; later doses x "
                   f"{t.factor:.3f} toward the cumulative target (16 x {t.target_auc_umol_min:g} uM.min per dose); projected cumulative "
                   f"{t.projected_cumulative_mg_h_per_l:.1f} mg.h/L")
    out += ["", "Where the days come from:"] + [f"  * {x}" for x in day_source_lines(plan)]
    out += ["", "Warnings:"] + [f"  ! {w}" for w in plan.warnings]
    out += ["", "Drugs (dose per unit and absolute amount for this child):"]
    for d in plan.drugs:
        days = days_text(d) if d.days_set_by_centre else ("day " if len(d.days) == 1 else "days ") + days_text(d)
        out.append(f"  {d.drug}{dose_flag(d)}: {course_text(d, plan.horizon_day)}; {days}")
        sched = drug_schedule_text(d)
        out.append(f"      published: {d.published}; {sched} [{', '.join(d.citations)}]")
        if d.note:
            out.append(f"      note: {d.note}")
    out += ["", "Calendar:"]
    if not plan.administrations:
        out.append("  no drug placed on calendar days (days set by the centre; see Drugs and Warnings)")
    for day, items in groupby(plan.administrations, key=lambda a: (a.study_day, a.date)):
        out.append(f"  Day {day_label(day[0]):>4}  {day[1]}")
        for a in items:
            assumed = f"  {day_mark(a)}" if a.assumed_from else ""
            if a.dose_set_by_centre:
                out.append(f"      {a.drug + dose_flag(a):<44} {amount_text(a)} {a.route}{assumed}")
                continue
            out.append(f"      {a.drug + dose_flag(a):<44} {dose_text(a.dose.value):>8} {a.dose.unit:<13} -> {a.amount.value:>9g} "
                       f"{a.amount.unit:<3} {a.route}{assumed}" + (f"  [{per_dose_text(a)}]" if a.amounts_per_dose else ""))
    if plan.surveillance:
        out += ["", "Surveillance:"] + [
            f"  Day {day_label(s.study_day):>4}  {s.date}  {s.item}" + (f"  {day_mark(s)}" if s.assumed_from else "")
            for s in plan.surveillance]
    out += ["", "Not scheduled (prescriber):"] + [f"  - {n}" for n in plan.not_scheduled]
    out += ["", "Sources:"] + [f"  {c.text}" for c in plan.citations]
    out += ["", f"Knowledge version {plan.knowledge_version}. {plan.notice}"]
    return "\n".join(out) + "\n"


def monitor_text(r: MonitoringReport) -> str:
    out = [f"POST-TRANSPLANT MONITORING  patient {r.patient_id}", r.notice, ""]
    out.append(f"Day 0 = {r.day0} (from {r.day0_source}); observed to day {day_label(r.last_observed_day)}")
    out += ["", "Alerts:"] + ([f"  ! [{a.level}] {a.text} [{', '.join(a.citations)}]" for a in r.alerts] or ["  none"])
    rows = [
        ("Neutrophil engraftment", r.neutrophil_engraftment),
        ("Platelet engraftment", r.platelet_engraftment),
        ("Graft failure", r.graft_failure),
        ("Chimerism", r.chimerism),
        ("Acute GVHD (MAGIC)", r.agvhd),
        ("Chronic GVHD (NIH 2014)", r.cgvhd),
        ("VOD modified Seattle", r.vod.modified_seattle),
        ("VOD EBMT paediatric", r.vod.ebmt_paediatric),
        ("Hypercalcaemia", r.hypercalcaemia),
        ("TA-TMA", r.ta_tma),
        ("Haemolysis / AIHA", r.aiha),
        ("CMV", r.cmv),
        ("Pulmonary haemorrhage", r.pulmonary_haemorrhage),
    ]
    out.append("")
    for name, f in rows:
        cert = "" if f.certainty == "verified" else f" [{f.certainty.upper()}]"
        out.append(f"{name}: {f.summary}{cert} [{', '.join(f.citations)}]")
        if f.disagreement:
            out.append(f"    sources disagree: {f.disagreement}")
    out.append(f"Platelet definition used: {r.platelet_definition}")
    for name, v in (("modified Seattle", r.vod.modified_seattle), ("EBMT paediatric", r.vod.ebmt_paediatric)):
        out.append(f"  {name} criteria: " + "; ".join(f"{c.name}: {c.status}" for c in v.criteria))
    if r.agvhd.days:
        out.append("  aGVHD by day: " + "; ".join(
            f"d{day_label(d.study_day)} skin {d.skin if d.skin is not None else '?'} liver {d.liver if d.liver is not None else '?'} "
            f"UGI {d.upper_gi if d.upper_gi is not None else '?'} LGI {d.lower_gi if d.lower_gi is not None else '?'} "
            f"grade {d.grade}" for d in r.agvhd.days if d.grade != "0") or "  aGVHD: all observed days grade 0")
    if r.ta_tma.time_points:
        out.append(f"  TA-TMA criteria by time point ({r.ta_tma.criteria_version}):")
        for tp in r.ta_tma.time_points:
            out.append(f"    d{day_label(tp.study_day)}: {tp.met} met, {tp.not_assessed} not assessed; " + "; ".join(
                f"{c.name} {c.status.replace('_', ' ')} ({c.detail})" for c in tp.criteria))
    if r.decision_support:
        out += ["", "Decision support (options named by the sources; the responsible clinician decides):"]
        out += [f"  - [{d.topic}] {d.text}" + ("" if d.certainty == "verified" else f" [{d.certainty.upper()}]")
                + f" [{', '.join(d.citations)}]" for d in r.decision_support]
    out += ["", "Warnings:"] + [f"  ! {w}" for w in r.warnings]
    out += ["", "Sources:"] + [f"  {c.text}" for c in r.citations]
    out += ["", f"Knowledge version {r.knowledge_version}. {r.notice}"]
    return "\n".join(out) + "\n"


def plan_html(plan: TransplantPlan) -> str:
    days = [(k, list(g)) for k, g in groupby(plan.administrations, key=lambda a: (a.study_day, a.date))]
    return _env().get_template("transplant_plan.html.j2").render(plan=plan, days=days)


def monitor_html(r: MonitoringReport, kb) -> str:
    from rarebone.report.charts import engraftment_chart_png
    from rarebone.transplant.dosing import param

    plt_def = "TX-ENGRAFT-PLATELET-ASTCT" if r.platelet_definition.startswith("astct") else "TX-ENGRAFT-PLATELET-BEIJING"
    chart = engraftment_chart_png(
        [(p.study_day, p.value) for p in r.anc_series], [(p.study_day, p.value) for p in r.platelet_series],
        r.platelet_transfusion_days, r.neutrophil_engraftment_day, r.platelet_engraftment_day,
        param(kb, "TX-ENGRAFT-NEUTROPHIL")["threshold_10e9_per_l"], param(kb, plt_def)["threshold_10e9_per_l"])
    findings = [
        ("Neutrophil engraftment", r.neutrophil_engraftment), ("Platelet engraftment", r.platelet_engraftment),
        ("Graft failure", r.graft_failure), ("Chimerism", r.chimerism), ("Acute GVHD (MAGIC)", r.agvhd),
        ("Chronic GVHD (NIH 2014)", r.cgvhd), ("VOD modified Seattle", r.vod.modified_seattle),
        ("VOD EBMT paediatric", r.vod.ebmt_paediatric), ("Hypercalcaemia", r.hypercalcaemia),
        ("TA-TMA", r.ta_tma), ("Haemolysis / AIHA", r.aiha), ("CMV", r.cmv),
        ("Pulmonary haemorrhage", r.pulmonary_haemorrhage)]
    return _env().get_template("transplant_monitor.html.j2").render(r=r, chart=chart, findings=findings)
