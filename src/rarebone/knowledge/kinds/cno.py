"""Entry kinds of the CNO room (chronic nonbacterial osteomyelitis): findings, criteria, differentials,
monogenic forms, skeletal sites, ladder steps, pamidronate regimens, monitoring, activity scales."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rarebone.knowledge.kinds.base import Entry


class LabRule(BaseModel):
    """A lab value that makes a finding present. ``threshold`` None: use the measurement's reference range."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    analyte: str
    direction: Literal["above", "below"]
    threshold: float | None = None
    unit: str | None = None
    inclusive: bool = False
    # any: one measured value firing is enough; all: every measured value must fire (a "CRP < 30" item fails
    # when any recorded CRP is 30 or more).
    quantifier: Literal["any", "all"] = "any"


class CnoFinding(Entry):
    """A clinical finding the CNO rules ask about, and how a record shows it (HPO, labs, lesions, genes)."""

    label: str
    hpo_any: list[str] = []
    labs: list[LabRule] = []
    hpo_exact: list[str] = []  # terms that count only as written (not their descendants)
    hpo_except: list[str] = []  # descendants of hpo_any under these do not count
    lesion_rule: Literal["any_lesion", "multifocal", "multifocal_pain", "axial_site", "symmetric", "marginal_sclerosis", "typical_site",
                         "skull", "clavicle_only", "unifocal_non_clavicle"] | None = None
    genes: list[str] = []
    disease_ids: list[str] = []
    workup_positive: list[str] = []
    onset_before_days: float | None = None
    onset_terms: list[str] = []
    age_below_days: float | None = None
    extension_flag: str | None = None


class CnoHpoConcept(Entry):
    """An HPO concept set the CNO room reads lesions from (lesion, lytic, sclerotic, laterality modifiers)."""

    key: Literal["lesion", "not_lesion", "inflammatory", "pain", "lytic", "sclerotic", "bilateral", "single", "left", "right"]
    terms: list[str] = Field(min_length=1)


class CnoHpoBone(Entry):
    """A bone (or region) named by an HPO subtree; a finding under ``roots`` beside a lesion locates it."""

    key: str
    region: Literal["skull", "mandible", "clavicle", "sternum", "vertebra", "sacrum", "pelvis", "rib", "upper_limb",
                    "lower_limb", "hand", "foot", "scapula", "metaphysis"]
    roots: list[str] = Field(min_length=1)
    # A finding of this bone beside bone pain is read as a lesion even without a lesion term
    # ("Bone pain" + "Abnormal clavicle morphology"): only for bones whose morphology terms are bony.
    lesion_with_pain: bool = False


class CnoSuspicionWeight(Entry):
    """How much a finding weighs for or against CNO in rarebone's suspicion score (our weighting)."""

    finding: str
    role: Literal["core", "for", "against"]
    weight: float
    unless: list[str] = []  # finding ids: when one is present this weight does not count (one fact, one count)


class CnoThreshold(Entry):
    """A number a rule compares against, with its unit and whether the boundary is included."""

    value: float
    unit: str
    inclusive: bool = True


class CnoCriterionSet(Entry):
    key: str
    name: str
    rule: str
    threshold_id: str | None = None


class CnoCriterionItem(Entry):
    criterion_set: str
    key: str
    label: str
    finding: str | None = None
    polarity: Literal["present", "absent"] = "present"
    points: float | None = None
    group: str | None = None


class CnoDifferential(Entry):
    key: str
    name: str
    dangerous: bool
    deciding_test: str
    tests: list[str] = []
    pointers: list[str] = []
    defining: list[str] = []
    clue: str = ""
    tempers: bool = True  # pointed to and not excluded -> the CNO level is at most moderate
    # always: on the list whatever the picture; when_atypical: a biopsy-decided look-alike the Bristol pathway
    # leaves out while criterion 1 is met and nothing points to it (CNO-PATHWAY-*).
    pathway: Literal["always", "when_atypical"] = "always"


class CnoMonogenic(Entry):
    key: str
    name: str
    gene: str
    omim: str | None = None
    inheritance: str
    clue_findings: list[str] = []
    # The infant pattern before bone findings (issue 9): a specific clue and one of pattern_with raise CNO
    # suspicion to pattern_level, unless onset is recorded after early childhood.
    pattern_specific: list[str] = []
    pattern_with: list[str] = []
    pattern_level: Literal["low", "moderate"] | None = None
    test: str
    treatment_note: str = ""


class CnoSite(Entry):
    key: str
    label: str
    uberon: str | None = None
    paired: bool
    region: Literal["skull", "mandible", "clavicle", "sternum", "vertebra", "sacrum", "pelvis", "rib", "upper_limb",
                    "lower_limb", "hand", "foot", "scapula"]
    parts: list[str] = []


class CnoLadderStep(Entry):
    step: str
    order: int
    drug_class: str
    agents: list[str] = []
    indication: str
    dose_text: str
    dose_mg_per_kg_per_day: float | None = None
    max_mg_per_day: float | None = None
    # When the step may be offered (CARRA entry rules, S4 refractory definition); rarebone.cno.ladder decides.
    requires: Literal["first_line", "second_line", "refractory"] = "first_line"
    max_certainty: Literal["verified", "secondary", "unverified"] | None = None
    max_note: str | None = None  # where the daily maximum comes from, printed beside a capped dose
    min_weight_kg: float | None = None  # below it no dose is computed (label lower limit)
    min_weight_note: str | None = None
    duration_note: str | None = None


class CnoRegimen(Entry):
    """A pamidronate (or other bisphosphonate) schedule: per-dose amount, cycle, interval, caps."""

    key: str
    agent: str
    label: str
    dose_mg_per_kg: float
    first_dose_mg_per_kg: float | None = None
    days_per_cycle: int = 1
    interval_days_min: int
    interval_days_max: int
    duration_months_min: float | None = None
    duration_months_max: float | None = None
    duration_note: str | None = None  # course length / stopping rule as the source words it
    review_months: list[float] = []  # review points in months from the first infusion (course-level)
    review_note: str | None = None
    review_certainty: Literal["verified", "secondary", "unverified"] = "unverified"
    max_mg_per_dose: float | None = None
    max_mg_per_dose_certainty: Literal["verified", "secondary", "unverified"] | None = None
    max_cumulative_mg_per_kg_per_year: float | None = None


class CnoMonitoring(Entry):
    check: str
    analyte: str | None = None
    when: str


class CnoPgaScale(Entry):
    key: str
    kind: Literal["numeric", "ordinal"]
    low: float
    high: float
    levels: list[str] = []
    inactive_max: float


class CnoResponseDefinition(Entry):
    level: int
    improvement_fraction: float
    min_improved: int
    max_worsened: int
    worsening_fraction: float
    worsening_inclusive: bool
    variables: list[str] = Field(min_length=1)


KINDS = {
    "cno_hpo_concept": CnoHpoConcept,
    "cno_hpo_bone": CnoHpoBone,
    "cno_finding": CnoFinding, "cno_suspicion_weight": CnoSuspicionWeight, "cno_threshold": CnoThreshold,
    "cno_criterion_set": CnoCriterionSet, "cno_criterion_item": CnoCriterionItem, "cno_differential": CnoDifferential,
    "cno_monogenic": CnoMonogenic, "cno_site": CnoSite, "cno_ladder_step": CnoLadderStep, "cno_regimen": CnoRegimen,
    "cno_monitoring": CnoMonitoring, "cno_pga_scale": CnoPgaScale, "cno_response_definition": CnoResponseDefinition,
}
