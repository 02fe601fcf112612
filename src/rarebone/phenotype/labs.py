"""Phenotypes read from measurements outside the laboratory's own reference range."""

from __future__ import annotations

from dataclasses import replace

from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.phenotype import LabFinding
from rarebone.patient import Feature, Patient


def with_lab_findings(patient: Patient, kb: KnowledgeBase) -> tuple[Patient, list[str]]:
    """The patient with features added for out-of-range measurements, and one note per derived feature.

    A derived feature is added only when the record does not already state that term (present or excluded):
    what the clinician wrote wins over what rarebone infers.
    """
    stated = {f.hpo_id for f in patient.features}
    added: list[Feature] = []
    notes: list[str] = []
    for rule in kb.of_kind(LabFinding):
        if rule.hpo_id in stated or rule.hpo_id in {f.hpo_id for f in added}:
            continue
        for m in patient.measurements_of(rule.analyte):
            if m.value is None:
                continue
            outside = (rule.direction == "below" and m.reference_low is not None and m.value < m.reference_low) or (
                rule.direction == "above" and m.reference_high is not None and m.value > m.reference_high
            )
            if outside:
                bound = m.reference_low if rule.direction == "below" else m.reference_high
                text = (f"{m.assay_label or m.assay_id} {m.value:g} {m.unit} {rule.direction} the lab's reference "
                        f"limit {bound:g} ({m.time.describe() if m.time else 'time not recorded'})")
                added.append(Feature(hpo_id=rule.hpo_id, label=rule.label, description=f"derived: {text}",
                                     onset=m.time, json_path=m.json_path))
                notes.append(f"{rule.label} ({rule.hpo_id}) read from {m.json_path}: {text} [{rule.id}]")
                break
    if not added:
        return patient, notes
    return replace(patient, features=patient.features + tuple(added)), notes
