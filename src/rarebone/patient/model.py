"""Frozen value types for one child. Canonical units only (converted at intake)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


class AllelicState(StrEnum):
    HOMOZYGOUS = "homozygous"
    HETEROZYGOUS = "heterozygous"
    COMPOUND_HETEROZYGOUS = "compound_heterozygous"
    HEMIZYGOUS = "hemizygous"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class TimePoint:
    """When something happened: an age in days, a calendar date/time, an HPO onset class, or several."""

    age_days: float | None = None
    timestamp: dt.datetime | None = None
    onset_term: str | None = None  # e.g. HP:0003623 Neonatal onset

    @property
    def date(self) -> dt.date | None:
        return self.timestamp.date() if self.timestamp else None

    def describe(self) -> str:
        from rarebone.core.time import format_age

        if self.timestamp:
            return self.timestamp.date().isoformat()
        if self.age_days is not None:
            return f"at {format_age(self.age_days)}"
        return self.onset_term or "time unknown"


@dataclass(frozen=True, slots=True)
class Feature:
    hpo_id: str
    label: str
    excluded: bool = False
    onset: TimePoint | None = None
    modifiers: tuple[str, ...] = ()
    description: str | None = None
    json_path: str = ""


@dataclass(frozen=True, slots=True)
class Measurement:
    """A measured value. ``analyte`` is rarebone's key when the LOINC code is known, else None (kept raw)."""

    assay_id: str
    assay_label: str
    analyte: str | None
    value: float | None  # canonical unit when analyte is known, else as recorded
    unit: str | None
    time: TimePoint | None = None
    value_term: str | None = None  # ontology-class result (e.g. "positive")
    reference_low: float | None = None  # canonical unit
    reference_high: float | None = None
    # The laboratory's own flag ("below", "above" or "normal"; FHIR Observation.interpretation L/LL/H/HH/N), used
    # when the record gives no numeric reference range.
    lab_flag: str | None = None
    json_path: str = ""

    def outside_reference(self, direction: str) -> tuple[bool | None, str]:
        """Whether the value lies ``direction`` ("below"/"above") the laboratory's reference, and how that was
        read; None when the record gives neither a range on that side nor the laboratory's flag."""
        bound = self.reference_low if direction == "below" else self.reference_high
        if self.value is not None and bound is not None:
            outside = self.value < bound if direction == "below" else self.value > bound
            return outside, f"{direction} the lab's reference limit {_short(bound)}"
        if self.lab_flag is not None:
            said = {"below": "low", "above": "high"}.get(self.lab_flag, self.lab_flag)
            return self.lab_flag == direction, f"flagged {said} by the laboratory"
        return None, ""

    def describe(self) -> str:
        """'calcium 1.72 mmol/L (2026-11-20)': the name, value rounded for reading, unit and when."""
        label = self.assay_label if self.assay_label and self.assay_label not in self.assay_id else None
        name = label or (f"{self.analyte} ({self.assay_id})" if self.analyte else self.assay_id)
        value = "no value" if self.value is None else _short(self.value)
        when = self.time.describe() if self.time else "time not recorded"
        return f"{name} {value} {self.unit or ''}".rstrip() + f" ({when})"


def _short(value: float) -> str:
    """Three significant figures without an exponent: units were converted, so 2.19561 reads as 2.2."""
    return f"{float(f'{value:.3g}'):g}" if abs(value) < 1e6 else f"{value:.0f}"


@dataclass(frozen=True, slots=True)
class Variant:
    gene_symbol: str
    hgnc_id: str | None
    allelic_state: AllelicState
    interpretation_status: str  # causative, contributory, candidate, uncertain_significance, rejected, unknown
    acmg: str | None = None
    hgvs: tuple[str, ...] = ()
    variant_id: str | None = None
    json_path: str = ""


@dataclass(frozen=True, slots=True)
class Disease:
    term_id: str
    label: str
    excluded: bool = False
    onset: TimePoint | None = None


@dataclass(frozen=True, slots=True)
class RecordedDiagnosis:
    """A diagnosis the record states (``diseases`` or ``interpretations[].diagnosis.disease``), recognised through
    the knowledge base's cross-references (OMIM, MONDO, Orphanet). Information only: suspicion is not scored from it."""

    term_id: str  # as recorded, prefix normalised (Orphanet:/ORPHANET: -> ORPHA:)
    label: str
    json_path: str
    xref_id: str | None = None  # DX-... knowledge entry when recognised
    kb_entry: str | None = None  # the knowledge base's disease entry (OP-GENE-..., CNO-MONO-...)
    condition: str | None = None  # osteopetrosis, cno, lookalike
    gene: str | None = None
    kb_label: str | None = None


@dataclass(frozen=True, slots=True)
class DoseInterval:
    value: float | None
    unit: str | None
    frequency: str | None
    start: TimePoint | None
    end: TimePoint | None


@dataclass(frozen=True, slots=True)
class Treatment:
    agent_id: str
    agent_label: str
    route: str | None = None
    doses: tuple[DoseInterval, ...] = ()
    cumulative_dose: tuple[float, str] | None = None
    response: str | None = None
    termination_reason: str | None = None
    adverse_events: tuple[str, ...] = ()
    json_path: str = ""


@dataclass(frozen=True, slots=True)
class Procedure:
    code_id: str
    label: str
    performed: TimePoint | None = None
    body_site: str | None = None
    json_path: str = ""


@dataclass(frozen=True, slots=True)
class Donor:
    """A candidate stem-cell donor (rarebone Phenopacket extension, see docs/phenopacket-extension.md)."""

    donor_id: str
    relation: str  # sibling, father, mother, other_relative, unrelated, cord_blood
    hla_matched: int | None = None
    hla_total: int | None = None
    abo_compatible: bool | None = None
    carrier: bool | None = None  # heterozygous carrier of the child's recessive variant
    affected: bool | None = None
    graft_source: str | None = None  # bone_marrow, peripheral_blood, cord_blood
    age_years: float | None = None
    sex: str | None = None
    cmv_seropositive: bool | None = None
    genotype: str | None = None  # unaffected, carrier, affected, not_tested (None: not recorded)
    availability: str | None = None  # available, confirmed, unconfirmed, searching (None: not recorded)
    expected_days_to_transplant: float | None = None  # the centre's own estimate for this donor
    json_path: str = ""

    @property
    def hla_label(self) -> str:
        if self.hla_matched is None or self.hla_total is None:
            return "HLA match unknown"
        return f"{self.hla_matched}/{self.hla_total}"


@dataclass(frozen=True, slots=True)
class Patient:
    patient_id: str
    source: str  # file name or record id, for messages
    sex: Sex = Sex.UNKNOWN
    date_of_birth: dt.date | None = None
    age_days: float | None = None  # at last encounter
    vital_status: str | None = None  # alive, deceased
    survival_time_days: float | None = None
    cause_of_death: str | None = None
    features: tuple[Feature, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    variants: tuple[Variant, ...] = ()
    diseases: tuple[Disease, ...] = ()
    treatments: tuple[Treatment, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    donors: tuple[Donor, ...] = ()
    recorded_diagnoses: tuple[RecordedDiagnosis, ...] = ()
    # Extension blocks other rooms read (e.g. CNO lesions, visits); raw JSON, validated by their owners.
    extensions: dict[str, Any] = field(default_factory=dict)

    def present_terms(self) -> list[str]:
        return [f.hpo_id for f in self.features if not f.excluded]

    def excluded_terms(self) -> list[str]:
        return [f.hpo_id for f in self.features if f.excluded]

    def measurements_of(self, analyte: str) -> list[Measurement]:
        return [m for m in self.measurements if m.analyte == analyte]
