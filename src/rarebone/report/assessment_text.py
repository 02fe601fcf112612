"""Assessment -> readable text for the terminal."""

from __future__ import annotations

import textwrap

from rarebone.report.summary import summary_lines
from rarebone.workflows.assess import Assessment

_MARK = {"verified": "", "secondary": " [secondary source]", "unverified": " [UNVERIFIED]"}


def _cite(ids: list[str]) -> str:
    return f" [{', '.join(ids)}]" if ids else ""


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent + "  ")


def finding_words(e, counts_for: bool) -> str:
    """What a suspicion finding's status means, in words that cannot be misread: a present finding that argues
    against the condition (CNO: a cytopenia) is not 'excluded', it is present and needs work-up; a finding
    recorded absent is 'ruled out'. Shared by the osteopetrosis and CNO tables (text and HTML)."""
    status = getattr(e.status, "value", e.status)
    if status == "present":
        return "present" if counts_for else "present: needs work-up"
    if status == "excluded":
        return "ruled out (recorded absent)"
    return "not yet checked"


def finding_label(e) -> str:
    """The finding's own name: a CNO clue recorded absent arrives labelled 'no X'; beside 'ruled out' the
    table names X itself, so the row does not read as a double negative."""
    status = getattr(e.status, "value", e.status)
    return e.label.removeprefix("no ") if status == "excluded" else e.label


def render_text(a: Assessment) -> str:
    out: list[str] = []
    add = out.append
    add(f"rarebone assessment — patient {a.patient_id} ({a.source})")
    add(f"{a.patient.sex}, {a.patient.age}; {a.patient.features_present} findings present, "
        f"{a.patient.features_excluded} excluded, {a.patient.measurements} measurements, {a.patient.variants} variants")
    add(f"knowledge {a.knowledge_version} · HPO {a.hpo_version} · rarebone {a.rarebone_version}")
    add("!! " + a.notice)
    add("")
    for line in summary_lines(a):  # the answer first; the evidence follows
        indent = line[: len(line) - len(line.lstrip())]
        add(_wrap(line.strip(), indent))
    add("")
    for condition, s in a.suspicion.items():
        add(f"SUSPICION of {condition}: {s.level.value.upper()} (score {s.score:g}) — {s.explanation}")
        for e in s.evidence_for:
            add(_wrap(f"+ {finding_label(e)} (+{e.weight:g}) [{finding_words(e, True)}]: {e.patient_fact}"
                      f"{_MARK.get(e.certainty, '')}{_cite(e.citations)}"))
        for e in s.evidence_against:
            add(_wrap(f"- {finding_label(e)} [{finding_words(e, False)}]: {e.patient_fact}{_cite(e.citations)}"))
        if s.unknown and s.level.value != "none":
            add(_wrap("? not yet checked: " + "; ".join(e.label for e in s.unknown)))
        add("")
    for m in a.mimics:
        add(f"WARNING — {m.label}{_cite(m.citations)}")
        add(_wrap(m.text))
        for d in m.distinguish:
            add(_wrap(f"· {d}"))
        add("")
    if a.cno is not None and a.suspicion.get("cno") and a.suspicion["cno"].level.value != "none":
        add("CNO CRITERIA")
        for c in a.cno.criteria:
            score = f" score {c.score:g}" + (f" / threshold {c.threshold:g}" if c.threshold is not None else "") if c.score is not None else ""
            add(_wrap(f"{c.name}: {c.result.upper()}{score}{_MARK.get(c.certainty, '')}{_cite(c.citations)}"))
            for item in c.items:
                pts = f" ({item.points:g} pts)" if item.points is not None else ""
                add(_wrap(f"  {item.value.value if hasattr(item.value, 'value') else item.value:<8} {item.label}{pts}"
                          f"{': ' + item.patient_fact if item.patient_fact else ''}", "      "))
        add("CNO EXCLUSIONS (look-alikes and the test that decides each)")
        for e in a.cno.exclusions:
            mark = {"excluded": "[x]", "not_excluded": "[ ]" if e.needed else "[-]", "pointed_to": "[!]"}[e.status]
            why = f" — points to it: {'; '.join(e.pointing_findings)}" if e.pointing_findings else ""
            by = f" — ruled out by {e.excluded_by}" if e.excluded_by else ""
            add(_wrap(f"{mark} {e.differential}{' (dangerous)' if e.dangerous else ''}: {e.status_text.upper()}; "
                      f"test: {e.deciding_test}{why}{by}{_cite(e.citations)}"))
        skipped = [e for e in a.cno.exclusions if not e.needed]
        if skipped:  # the pathway notes once, not on every row
            add(_wrap(f"[-] {skipped[0].pathway_note}{_MARK.get(skipped[0].pathway_certainty or '', '')} "
                      f"[{skipped[0].pathway_id}]"))
            kept = next((e for e in a.cno.exclusions if e.needed and e.pathway_id != skipped[0].pathway_id), None)
            if kept:
                add(_wrap(f"[ ] kept whatever the picture: {kept.pathway_note} [{kept.pathway_id}]"))
        flagged = [m for m in a.cno.monogenic if m.flagged]
        for m in flagged:
            add(_wrap(f"MONOGENIC: {m.name} ({m.gene}) — {'; '.join(m.why)}; test: {m.test}{_cite(m.citations)}"))
        add("")
    g = a.genetics
    add(f"GENETICS: {g.status.value} — {g.summary}")
    for f in g.findings:
        line = f"· {f.gene} {f.zygosity} ({', '.join(f.allelic_states)}): {', '.join(f.variants)}"
        if f.known:
            line += f" → {f.subtype}; {f.disease} {f.omim or ''}, {f.inheritance}"
        if f.note:
            line += f" — {f.note}"
        add(_wrap(line))
    if g.genes_to_test:
        add(_wrap("genes to test: " + ", ".join(g.genes_to_test)))
    add("")
    h = a.hsct
    add(f"HSCT: {h.recommendation.value.upper()} · urgency {h.urgency.value.upper()}{_MARK.get(h.certainty, '')}")
    for r in h.reasons:
        add(_wrap(f"· {r.text}{_MARK.get(r.certainty, '')}{_cite(r.citations)}"))
    for r in h.urgency_reasons:
        add(_wrap(f"! {r.text}{_cite(r.citations)}"))
    if h.disagreement:
        add(_wrap(f"sources disagree: {h.disagreement}"))
    add("")
    if a.donors:
        add("DONORS (ranked by the published hierarchy)")
        for d in a.donors:
            if d.rank is None:
                add(_wrap(f"– {d.donor_id} ({d.relation}, {d.hla_match}): not ranked — {d.excluded_reason}"))
                continue
            add(_wrap(f"{d.rank}. {d.donor_id}: {d.relation}, HLA {d.hla_match}, {d.tier_label}{_cite(d.citations)}"))
            for w in d.warnings:
                add(_wrap(f"  !! {w}", "    "))
            for n in d.notes:
                add(_wrap(f"  note: {n}", "    "))
            if d.time_to_transplant:
                add(_wrap(f"  expected time to transplant: {d.time_to_transplant}{_MARK.get(d.time_certainty, '')}"
                          f"{_cite(d.time_citations)}", "    "))
            if d.expected_days_to_transplant is not None:
                add(_wrap(f"  centre's estimate for this donor: {d.expected_days_to_transplant:g} days", "    "))
            for o in d.outcome_figures:
                extra = f", P = {o.p_value:g}" if o.p_value is not None else ""
                flag = f" (sources disagree: {o.disagreement})" if o.disagreement else ""
                add(_wrap(f"  {o.study}: {o.metric} {o.value_percent:g}% — {o.group}, n = {o.n}{extra}{flag}{_cite(o.citations)}", "    "))
        add("")
    if a.workup:
        add("PRE-TRANSPLANT WORK-UP")
        for w in a.workup:
            box = {"results_recorded": "[x]", "findings_recorded": "[~]", "not_recorded": "[ ]"}[w.status.value]
            ev = f" — {'; '.join(w.evidence)}" if w.evidence else ""
            add(_wrap(f"{box} {w.item}{_MARK.get(w.certainty, '')}{ev}{_cite(w.citations)}"))
        add(_wrap("[x] results recorded · [~] findings recorded (an examination was done at some point) · [ ] not recorded"))
        add("")
    if a.recommendations:
        add("RECOMMENDATIONS")
        for i, r in enumerate(a.recommendations, 1):
            add(_wrap(f"{i}. [{r.strength.value}] {r.text}{_MARK.get(r.certainty, '')}{_cite(r.citations)} ({r.id})"))
        add("")
    if a.recorded_diagnoses:
        add("RECORDED DIAGNOSES (as the record states them; not used for the suspicion level)")
        for d in a.recorded_diagnoses:
            known = (f" = {d.kb_label} ({d.condition}{', ' + d.gene if d.gene else ''}) [{d.knowledge_id}]"
                     f"{_MARK.get(d.certainty, '')}{_cite(d.citations)}") if d.recognised else " — not a disease rarebone knows"
            add(_wrap(f"· {d.id} {d.label}{known}"))
        add("")
    if a.missing_data:
        add("MISSING DATA (what rarebone would need to say more)")
        for m in a.missing_data:
            add(_wrap(f"· {m}"))
        add("")
    if a.warnings:
        add("WARNINGS")
        for w in a.warnings:
            add(_wrap(f"· {w}"))
        add("")
    add("SOURCES")
    for sid, text in a.citations.items():
        add(_wrap(text, "  "))
    return "\n".join(out) + "\n"
