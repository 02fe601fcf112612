"""Text and HTML renderings of the validation report (the JSON is the model itself)."""

from __future__ import annotations

from rarebone.validation.models import ValidationReport

_FIGURE_LABELS = (
    ("sensitivity_moderate", "sensitivity (called moderate or high)"),
    ("sensitivity_high", "sensitivity (called high)"),
    ("specificity", "specificity (negatives not called moderate or high)"),
    ("specificity_high", "specificity (negatives not called high)"),
    ("lookalike_called_moderate", "look-alikes called moderate or high"),
    ("lookalike_called_high", "look-alikes called high"),
)


def render_text(report: ValidationReport) -> str:
    out = ["rarebone clinical validation report",
           f"knowledge {report.knowledge_version} · HPO {report.hpo_version} · rarebone {report.rarebone_version}",
           f"!! {report.notice}",
           f"cases {report.cases}, assessed {report.assessed}, errors {len(report.errors)}; "
           f"{'PHENOTYPE ONLY (diseases and interpretations removed)' if report.phenotype_only else 'records as written'}; "
           f"intervals: Wilson score, {report.confidence:.0%}", ""]
    for c in report.conditions.values():
        out.append(f"{c.condition.upper()}: {c.positives} positive cases, {c.negatives} negative cases")
        out += [f"    {label}: {getattr(c, name).describe()}" for name, label in _FIGURE_LABELS]
        levels = "none low moderate high".split()
        out.append("    levels by category:        " + " ".join(f"{lv:>9}" for lv in levels))
        out += [f"      {cat:<24} " + " ".join(f"{counts.get(lv, 0):>9}" for lv in levels) for cat, counts in c.levels.items()]
        if c.subgroup_levels:
            out.append(f"    {c.condition} cases by subgroup:")
            out += [f"      {sub:<24} " + " ".join(f"{counts.get(lv, 0):>9}" for lv in levels)
                    for sub, counts in c.subgroup_levels.items()]
        out.append("")
    h = report.hsct
    out.append(f"HSCT AGREEMENT (expected x given): {h.agreement.describe()}")
    out.append("    " + "expected \\ given".ljust(18) + "".join(f"{g:>15}" for g in h.labels))
    out += ["    " + e.ljust(18) + "".join(f"{h.table[e][g]:>15}" for g in h.labels) for e in h.labels]
    out += [f"    disagreement: {d}" for d in h.disagreements]
    out += [f"    note: {h.note}"] if h.note else []
    for title, items in (("MISSES (a case of the condition called none or low)", report.misses),
                         ("FALSE ALARMS (another category called moderate or high)", report.false_alarms)):
        out += ["", f"{title}: {len(items)}"]
        for f in items:
            out.append(f"  - {f.condition}: {f.file} [{f.category}{'/' + f.subgroup if f.subgroup else ''}] "
                       f"{f.disease} -> {f.level} (score {f.score:g})")
            out += [f"        evidence: {line}" for line in f.evidence] or ["        evidence: none recorded"]
            out += [f"        warning: {w}" for w in f.warnings]
    if report.errors:
        out += ["", f"ERRORS ({len(report.errors)}; not counted):"] + [f"  - {e}" for e in report.errors]
    if report.floor_failures:
        out += ["", "BELOW THE FLOOR:"] + [f"  - {f}" for f in report.floor_failures]
    return "\n".join(out) + "\n"


def render_html(report: ValidationReport) -> str:
    from rarebone.report.html import render
    from rarebone.validation.render import _FIGURE_LABELS as labels

    return render("validation.html", r=report, figure_labels=labels)
