"""Render an OutcomesReport: text for the terminal, HTML (template ``outcomes.html.j2``) that reads like a
cohort paper's results section, PDF from the same HTML."""

from __future__ import annotations


_WORDS = {"abo": "ABO", "hla": "HLA", "cd34": "CD34+", "mnc": "MNC", "agvhd": "acute GVHD", "cgvhd": "chronic GVHD",
          "10e6": "10^6", "10e8": "10^8", "per": "/", "kg": "kg"}
_NAMES = {"age_at_transplant_months": "age at transplant (per month)",
          "transplant.cd34_10e6_per_kg": "CD34+ dose (per 10^6/kg)",
          "transplant.mnc_10e8_per_kg": "MNC dose (per 10^8/kg)"}


def field(name: str) -> str:
    """A registry field as a reader would name it: ``transplant.abo_matched`` -> ``ABO matched``."""
    if name in _NAMES:
        return _NAMES[name]
    words = name.removeprefix("transplant.").removeprefix("has.").split("_")
    text = " ".join(_WORDS.get(w, w) for w in words).replace(" / ", "/")
    return text[:1].upper() + text[1:] if words[0] in _WORDS else text


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def pval(p: float | None) -> str:
    if p is None:
        return "-"
    return "P < 0.001" if p < 0.001 else f"P = {p:.3f}"


def num(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def results_paragraphs(report) -> list[str]:
    """The results section in words, built only from the numbers in the report."""
    unit = report.time_unit
    out = []
    t1 = {(r.label, r.level): r for r in report.tables[0].rows}
    sex = [f"{t1[('Sex', lv)].overall.split(' ')[0]} {lv}" for lv in ("male", "female") if ("Sex", lv) in t1]
    dx = [f"{t1[('Diagnosis', lv)].overall.split(' ')[0]} {lv}" for (lab, lv) in t1 if lab == "Diagnosis" and lv]
    age = next((r for (label, level), r in t1.items() if label.startswith("Age at transplant") and level is None), None)
    spread = "IQR" if age is not None and "IQR" in age.label else "range"
    if report.reconstructed:
        out.append(report.reconstructed)
    text = f"{report.n} registry patients were included"
    if sex:
        text += f" ({', '.join(sex)})"
    if dx:
        text += f"; diagnoses: {', '.join(dx)}"
    if age and age.overall != "-":
        text += f". The median age at transplant was {age.overall.replace(' (', f' months ({spread} ').replace(')', ' months)')}"
    out.append(text + ".")
    s = report.survival
    if report.transplanted is not None and report.transplanted < report.n and (s or report.cumulative_incidence):
        rest = report.n - report.transplanted
        analyses = ("survival, group comparisons, Cox model, cumulative incidence" if report.origin == "transplant"
                    else "cumulative incidence")
        out.append(f"Of these {report.n} registry patients, {report.transplanted} transplanted patients were analysed "
                   f"for transplant outcomes ({analyses}); the other {rest} have no transplant (or no post-transplant "
                   f"follow-up) recorded, hence no time from transplant, and appear in Table 1 only"
                   + (" and in the CNO section." if report.cno else "."))
    if s:
        fu = s.median_followup
        est = ", ".join(
            f"{e.time:g}-{unit[:-1]} overall survival was {pct(e.estimate)} (95% CI {pct(e.ci_lower)} to {pct(e.ci_upper)})"
            + (" [beyond the longest follow-up]" if e.beyond_followup else "") for e in s.estimates)
        simple = ""
        if fu.simple_median is not None:
            simple = f" The simple median of the follow-up times is {num(fu.simple_median)} {unit}"
            simple += ("; the S1 paper printed this simple median, rarebone uses reverse Kaplan-Meier, which does not "
                       "let early deaths shorten follow-up." if report.published_checks else ".")
        out.append(
            f"The median follow-up was {num(fu.median)} {unit} by reverse Kaplan-Meier (range {num(fu.min)} to "
            f"{num(fu.max)} {unit}).{simple} {s.n - s.events} patients were alive at last contact and {s.events} had "
            f"died. By Kaplan-Meier from {s.origin}, the {est}.")
    for c in report.comparisons:
        if not c.test:
            continue
        parts = " vs ".join(f"{g.group} {pct(g.estimate.estimate) if g.estimate else '-'}" for g in c.groups)
        verb = "differed significantly" if c.test.p_value < 0.05 else "did not differ significantly"
        out.append(f"By {field(c.by)}, overall survival {verb} between groups over the whole follow-up "
                   f"({c.test.name} chi-square {c.test.statistic:.2f} on {c.test.df} df, {pval(c.test.p_value)}); "
                   f"at {report.at[0]:g} {unit}: {parts}.")
    if report.cox and report.cox.covariates:
        hrs = "; ".join(f"{field(v.covariate)}: HR {v.hazard_ratio:.3f} (95% CI {v.ci_lower:.3f}-{v.ci_upper:.3f}), {pval(v.p_value)}"
                        for v in report.cox.covariates)
        out.append(f"In a Cox proportional-hazards model ({report.cox.n} patients, {report.cox.events} deaths): {hrs}.")
    for inc in report.cumulative_incidence:
        if inc.not_estimable:
            out.append(f"The cumulative incidence of {inc.endpoint} is {inc.not_estimable}, so no incidence is "
                       "given (an event without a day cannot be placed on the curve).")
            continue
        if not inc.events:
            continue
        marks = ", ".join(f"{e.label or f'day {e.time:g}'} {pct(e.estimate)} (95% CI {pct(e.ci_lower)} to "
                          f"{pct(e.ci_upper)})" for e in inc.estimates)
        text = (f"The cumulative incidence of {inc.endpoint}, with death without the event as a competing event, "
                f"was {marks} ({inc.events} events, {inc.competing} competing death{'s' if inc.competing != 1 else ''}"
                + (f"; {undated_text(inc)}" if inc.undated else "") + ").")
        for c in inc.comparisons:
            last = [(g.group, g.estimates[-1], g.not_estimable) for g in c.groups if g.estimates]
            if last:
                text += (f" By {field(c.by)} at {last[0][1].label}: "
                         + ", ".join(f"{g} {r if r else pct(e.estimate)}" for g, e, r in last) + " (no test; see below).")
        out.append(text)
    if report.cno:
        c, les = report.cno, report.cno.lesions
        out.append(
            f"{c.patients} patients had CNO; {les.patients_with_lesions} had lesions recorded, {les.baseline_lesions} "
            f"at baseline, of which {les.resolved} resolved, {les.improved} improved, {les.stable} were stable, "
            f"{les.progressed} progressed and {les.recurred} recurred after healing at the last assessment; "
            f"{les.new_lesions} new lesions (recurrences included) appeared in "
            f"{les.patients_with_new_lesions} patients.")
    return out


def undated_text(inc) -> str:
    """Events without a day, said next to the number they are missing from."""
    return f"{inc.undated} of {inc.undated + inc.events} events have no onset day and are left out of this estimate"


def _est(e) -> str:
    return f"{e.label or e.time}: {pct(e.estimate)} ({pct(e.ci_lower)}-{pct(e.ci_upper)})"


def _ests(block) -> str:
    if block.not_estimable:
        return block.not_estimable
    text = "; ".join(_est(e) for e in block.estimates)
    return text + (f" [{undated_text(block)}]" if block.undated else "")


def to_text(report) -> str:
    lines = []
    if report.banner:
        lines += [f"*** {report.banner} ***", ""]
    lines += [report.title, f"cohort: {report.cohort or 'all patients'}", ""]
    lines += results_paragraphs(report)
    for table in report.tables:
        lines += ["", table.title]
        head = ["", "overall", *table.groups, "P"]
        lines.append(" | ".join(head))
        for r in table.rows:
            label = f"  {r.level}" if r.level is not None else r.label
            lines.append(" | ".join([label, r.overall, *(r.groups.get(g, "") for g in table.groups),
                                     pval(r.p_value) if r.p_value is not None else ""]))
    for inc in report.cumulative_incidence:
        lines += ["", f"Cumulative incidence of {inc.endpoint} (competing: {inc.competing_event})"]
        lines.append("  all: " + _ests(inc))
        for c in inc.comparisons:
            for g in c.groups:
                lines.append(f"  {field(c.by)}: {g.group} (n={g.n}, events {g.events}): " + _ests(g))
            if c.note:
                lines.append(f"  {c.note}")
    if report.cno:
        les = report.cno.lesions
        lines += ["", f"CNO ({report.cno.patients} patients)",
                  f"  lesions: baseline {les.baseline_lesions}, resolved {les.resolved}, improved {les.improved}, "
                  f"stable {les.stable}, progressed {les.progressed}, recurred {les.recurred}, new {les.new_lesions} in "
                  f"{les.patients_with_new_lesions} patients, unclassified {les.unclassified}",
                  "  visit | patients | months since first (median, range) | PGA 0-10 | pain VAS 0-10 | active lesions"]
        lines += [f"  {v.visit} | {v.patients} | {v.months_since_first_visit} | {v.pga_0_10} | {v.pain_vas_0_10} | "
                  f"{v.active_lesions}" for v in report.cno.visits]
        lines += [f"  {r.knowledge_id} ({r.reading}, {r.certainty}): met {r.met}, not met {r.not_met}, "
                  f"undetermined {r.undetermined}" for r in report.cno.responses]
        lines += [f"  note: {n}" for n in report.cno.notes]
    if report.published_checks:
        lines += ["", "Published arithmetic (S1), as printed and as recomputed from its counts:"]
        for c in report.published_checks:
            mark = "consistent" if c.consistent else "INCONSISTENT"
            lines.append(f"  {c.knowledge_id}: printed {c.reported_percent}%, {c.numerator}/{c.denominator} = "
                         f"{c.recomputed_percent}% -> {mark}")
    if report.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in report.warnings]
    lines += ["", report.notice, f"knowledge version {report.knowledge_version}",
              "software: " + ", ".join(f"{k} {v}" for k, v in report.software.items()), "Sources:"]
    lines += [f"  {c.text}" for c in report.citations]
    if report.banner:
        lines += ["", f"*** {report.banner} ***"]
    return "\n".join(lines) + "\n"


def to_html(report, figures: dict[str, str]) -> str:
    from rarebone.report.html import environment

    env = environment()
    env.filters.update(pct=pct, pval=pval, num=num, field=field)
    env.globals.update(undated_text=undated_text)
    return env.get_template("outcomes.html.j2").render(r=report, figures=figures, paragraphs=results_paragraphs(report))
