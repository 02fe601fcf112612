"""Result contracts of the osteopetrosis room (parts of the Assessment)."""

from __future__ import annotations

from enum import StrEnum

from rarebone.core.evidence import Contract, Evidence, Reason


class HsctRecommendation(StrEnum):
    INDICATED = "indicated"
    NOT_INDICATED = "not_indicated"
    CASE_BY_CASE = "case_by_case"
    UNDETERMINED = "undetermined"


class Urgency(StrEnum):
    URGENT = "urgent"
    ROUTINE = "routine"
    NOT_APPLICABLE = "not_applicable"


class GeneticStatus(StrEnum):
    NOT_TESTED = "not_tested"
    CONFIRMED = "confirmed"
    INCONCLUSIVE = "inconclusive"
    OUTSIDE_KNOWLEDGE = "outside_knowledge"


class GeneFinding(Contract):
    gene: str
    zygosity: str  # biallelic, monoallelic, hemizygous, unknown
    allelic_states: list[str]
    variants: list[str]
    known: bool
    disease: str | None = None
    omim: str | None = None
    inheritance: str | None = None
    subtype: str | None = None
    knowledge_id: str | None = None
    note: str | None = None


class Genetics(Contract):
    status: GeneticStatus
    findings: list[GeneFinding] = []
    genes_to_test: list[str] = []
    summary: str = ""
    citations: list[str] = []


class HsctAssessment(Contract):
    recommendation: HsctRecommendation
    urgency: Urgency
    reasons: list[Reason] = []
    urgency_reasons: list[Reason] = []
    citations: list[str] = []
    certainty: str = "verified"
    disagreement: str | None = None


class OutcomeFigureOut(Contract):
    study: str
    group: str
    metric: str
    value_percent: float
    n: int | None = None
    p_value: float | None = None
    knowledge_id: str
    citations: list[str] = []
    certainty: str = "verified"
    disagreement: str | None = None


class RankedDonor(Contract):
    rank: int | None  # None when the donor is excluded
    donor_id: str
    relation: str
    tier: str | None
    tier_label: str | None
    hla_match: str
    abo_compatible: bool | None = None
    carrier: bool | None = None
    graft_source: str | None = None
    notes: list[str] = []
    excluded_reason: str | None = None
    warnings: list[str] = []  # must be acted on before this donor is used (e.g. confirm the sibling is unaffected)
    availability: str | None = None
    time_to_transplant: str | None = None  # expected time, from the knowledge base (op_donor_timing)
    time_knowledge_id: str | None = None
    time_certainty: str = "verified"
    time_citations: list[str] = []
    expected_days_to_transplant: float | None = None  # the centre's own estimate, when recorded
    outcome_figures: list[OutcomeFigureOut] = []
    knowledge_id: str | None = None
    citations: list[str] = []


class WorkupStatus(StrEnum):
    FINDINGS_RECORDED = "findings_recorded"
    RESULTS_RECORDED = "results_recorded"
    NOT_RECORDED = "not_recorded"


class WorkupItemOut(Contract):
    id: str
    item: str
    purpose: str
    status: WorkupStatus
    evidence: list[str] = []
    citations: list[str] = []
    certainty: str = "verified"


class MimicWarning(Contract):
    id: str
    label: str
    text: str
    triggered_by: list[Evidence]
    distinguish: list[str]
    citations: list[str] = []
