"""Pre-transplant investigations, marking which the record already shows."""

from __future__ import annotations

from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import WorkupItem
from rarebone.osteopetrosis.results import WorkupItemOut, WorkupStatus
from rarebone.patient import Patient


def workup_checklist(patient: Patient, kb: KnowledgeBase, onto, genes: set[str],
                     only: tuple[str, ...] | None = None) -> list[WorkupItemOut]:
    """Each item with what the record shows of it. ``only``: just these items (the CDS Hooks cards read two of the
    eleven; the others are left out instead of being built on every call)."""
    out = []
    # what does not depend on the item, read once (not once per item): typed donors, the measurements' LOINC
    # codes, the recorded (not derived) features with their ancestor sets
    typed = [d for d in patient.donors if d.hla_matched is not None]
    coded = [(m, m.assay_id.removeprefix("LOINC:")) for m in patient.measurements]
    recorded = [(f, anc) for f, anc in zip(patient.features, onto.feature_ancestors(patient.features))
                if not (f.description or "").startswith("derived:")]
    for item in kb.of_kind(WorkupItem):
        if only is not None and item.id not in only:
            continue
        if item.when == "clcn7_or_ostm1" and not genes & {"CLCN7", "OSTM1"}:
            continue
        evidence: list[str] = []
        status = WorkupStatus.NOT_RECORDED
        if item.id == "OP-WORKUP-GENETICS" and patient.variants:
            status, evidence = WorkupStatus.RESULTS_RECORDED, [f"{len(patient.variants)} variant interpretation(s) recorded"]
        if item.id == "OP-WORKUP-HLA" and typed:
            status, evidence = WorkupStatus.RESULTS_RECORDED, [f"{len(typed)} typed candidate donor(s) recorded"]
        results = [m for m, code in coded if code in item.loinc]
        if results:
            status = WorkupStatus.RESULTS_RECORDED
            evidence += [f"{m.assay_label or m.assay_id}: {_result_text(m)}" for m in results]
        # is_a(feature, term) for any term, as one set test on the feature's ancestors
        findings = [f for f, anc in recorded if not anc.isdisjoint(item.finding_terms)]
        if findings and status is WorkupStatus.NOT_RECORDED:
            status = WorkupStatus.FINDINGS_RECORDED
        evidence += [f"{'absent: ' if f.excluded else ''}{f.label} ({f.hpo_id})" for f in findings]
        out.append(WorkupItemOut(id=item.id, item=item.item, purpose=item.purpose, status=status, evidence=evidence,
                                 citations=list(item.sources), certainty=item.certainty))
    return out


def _result_text(m) -> str:
    """A number with its unit, or the coded result (a measurement may be an ontology class such as 'positive')."""
    if m.value is not None:
        return f"{m.value:.3g} {m.unit or ''}".strip()
    return m.value_term or "result recorded, no value"
