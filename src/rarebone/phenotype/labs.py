"""Phenotypes read from measurements outside the laboratory's own reference range (or, when the record gives no
range and no flag, outside a published age-specific limit from knowledge/data/phenotype/lab_fallback_limits.yaml)."""

from __future__ import annotations

from dataclasses import replace

from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.phenotype import LabFallbackLimit, LabFinding
from rarebone.patient import Feature, Measurement, Patient, Sex


def with_lab_findings(patient: Patient, kb: KnowledgeBase) -> tuple[Patient, list[str]]:
    """The patient with features added for out-of-range measurements, and one note per derived feature.

    A derived feature is added only when the record does not already state that term (present or excluded):
    what the clinician wrote wins over what rarebone infers.
    """
    stated = {f.hpo_id for f in patient.features}  # and, as they are added, the derived ones
    added: list[Feature] = []
    notes: list[str] = []
    for rule in kb.of_kind(LabFinding):
        if rule.hpo_id in stated:
            continue
        for m in patient.measurements_of(rule.analyte):
            if m.value is None:
                continue
            outside, how = m.outside_reference(rule.direction)
            if outside is None:
                outside, how = outside_published_limit(m, rule.direction, patient, kb)
            if outside:
                text = f"{m.describe()} {how}"
                added.append(Feature(hpo_id=rule.hpo_id, label=rule.label, description=f"derived: {text}",
                                     onset=m.time, json_path=m.json_path))
                notes.append(f"{rule.label} ({rule.hpo_id}) read from {m.json_path}: {text} [{rule.id}]")
                stated.add(rule.hpo_id)
                break
    if not added:
        return patient, notes
    return replace(patient, features=patient.features + tuple(added)), notes


def uninterpreted_measurements(patient: Patient, kb: KnowledgeBase) -> list[str]:
    """One note per analyte whose latest value carries neither a reference range nor the laboratory's flag.

    A value the published fallback limits cover is interpreted (see ``outside_published_limit``); any other such
    value is never read as a finding, and the note keeps it in front of the clinician instead of dropping it."""
    analytes = {rule.analyte for rule in kb.of_kind(LabFinding)}
    notes = []
    for analyte in sorted(analytes):
        values = [m for m in patient.measurements_of(analyte) if m.value is not None]
        if not values:
            continue
        if any(m.outside_reference("below")[0] is not None or m.outside_reference("above")[0] is not None
               or published_limit(m, patient, kb) is not None for m in values):
            continue
        dated = [m for m in values if m.time and m.time.date]
        latest = max(dated, key=lambda m: m.time.date) if dated else values[-1]
        notes.append(f"not interpreted: {latest.describe()} at {latest.json_path} has no reference range or "
                     f"laboratory flag in the record; rarebone has no published limit for it at this age (ranges are "
                     f"age-specific and differ between laboratories): check it against your laboratory's range")
    return notes


def measurement_age_days(m: Measurement, patient: Patient) -> tuple[float | None, str]:
    """The child's age when the value was taken, and how rarebone knows it ('' when recorded with the value).

    An undated value is read at the age at last encounter: in a case report or a thin extract the values
    usually belong to the presentation the record describes; the output says so."""
    if m.time is not None:
        if m.time.age_days is not None:
            return m.time.age_days, ""
        if m.time.date is not None and patient.date_of_birth is not None:
            return float((m.time.date - patient.date_of_birth).days), ""
    if patient.age_days is not None:
        return patient.age_days, "age at the measurement not recorded: read at the age at last encounter"
    return None, "age unknown: the most lenient limit of any age is used"


def published_limit(m: Measurement, patient: Patient, kb: KnowledgeBase,
                    direction: str | None = None) -> tuple[LabFallbackLimit, str] | None:
    """The published fallback limit that applies to this value (the child's age band and sex), and the caveat
    on the age it was read at; None when the record carries a range or flag, or no limit covers the value."""
    if m.value is None or m.analyte is None or m.lab_flag is not None:
        return None
    direction_filter = (direction,) if direction else ("below", "above")
    limits = [e for e in kb.of_kind(LabFallbackLimit) if e.analyte == m.analyte and e.direction in direction_filter
              and e.sex in ("any", patient.sex.value if patient.sex in (Sex.MALE, Sex.FEMALE) else "any")]
    if not limits:
        return None
    if any((m.reference_low if e.direction == "below" else m.reference_high) is not None for e in limits):
        return None  # the laboratory's own range on that side wins
    age, caveat = measurement_age_days(m, patient)
    if age is not None:
        hit = [e for e in limits if e.age_from_days <= age and (e.age_to_days is None or age < e.age_to_days)]
        return (hit[0], caveat) if hit else None
    if _covers_every_age(limits):
        # Without any age the most lenient limit is the only one that cannot raise a false alarm.
        lenient = min(limits, key=lambda e: e.limit) if limits[0].direction == "below" else max(limits, key=lambda e: e.limit)
        return lenient, caveat
    return None


def _covers_every_age(limits: list[LabFallbackLimit]) -> bool:
    reach = 0.0
    for e in sorted(limits, key=lambda e: e.age_from_days):
        if e.age_from_days > reach:
            return False
        if e.age_to_days is None:
            return True
        reach = max(reach, e.age_to_days)
    return False


def outside_published_limit(m: Measurement, direction: str, patient: Patient, kb: KnowledgeBase) -> tuple[bool | None, str]:
    """Like ``Measurement.outside_reference`` for a value without range or flag, against the published limit."""
    found = published_limit(m, patient, kb, direction)
    if found is None:
        return None, ""
    limit, caveat = found
    outside = m.value < limit.limit if direction == "below" else m.value > limit.limit
    marks = f", {limit.certainty}" if limit.certainty != "verified" else ""
    how = (f"{direction} the published limit {limit.limit:g} {limit.unit} [{limit.id}: {', '.join(limit.sources)}{marks}] "
           f"(the record gives no reference range or laboratory flag{'; ' + caveat if caveat else ''})")
    return outside, how
