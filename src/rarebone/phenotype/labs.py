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
            outside, how = m.outside_reference(rule.direction)
            if outside:
                text = f"{m.describe()} {how}"
                added.append(Feature(hpo_id=rule.hpo_id, label=rule.label, description=f"derived: {text}",
                                     onset=m.time, json_path=m.json_path))
                notes.append(f"{rule.label} ({rule.hpo_id}) read from {m.json_path}: {text} [{rule.id}]")
                break
    if not added:
        return patient, notes
    return replace(patient, features=patient.features + tuple(added)), notes


def uninterpreted_measurements(patient: Patient, kb: KnowledgeBase) -> list[str]:
    """One note per analyte whose latest value carries neither a reference range nor the laboratory's flag.

    rarebone applies no fixed threshold (age-specific ranges differ between laboratories), so such a value is
    never read as a finding; the note keeps it in front of the clinician instead of dropping it silently."""
    analytes = {rule.analyte for rule in kb.of_kind(LabFinding)}
    notes = []
    for analyte in sorted(analytes):
        values = [m for m in patient.measurements_of(analyte) if m.value is not None]
        if not values:
            continue
        if any(m.outside_reference("below")[0] is not None or m.outside_reference("above")[0] is not None
               for m in values):
            continue
        dated = [m for m in values if m.time and m.time.date]
        latest = max(dated, key=lambda m: m.time.date) if dated else values[-1]
        notes.append(f"not interpreted: {latest.describe()} at {latest.json_path} has no reference range or "
                     f"laboratory flag in the record; rarebone applies no fixed threshold (ranges are age-specific "
                     f"and differ between laboratories): check it against your laboratory's range")
    return notes
