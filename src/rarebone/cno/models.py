"""Result contracts of the CNO room (pydantic, frozen). Field names are the JSON names."""

from __future__ import annotations

from typing import Literal

from rarebone.core.evidence import Contract, Recommendation

ItemValue = Literal["present", "absent", "unknown"]


class CriterionItem(Contract):
    key: str
    label: str
    value: ItemValue
    patient_fact: str | None = None
    points: float | None = None
    group: str | None = None
    knowledge_id: str
    certainty: str
    citations: list[str]


class CriterionResult(Contract):
    name: str
    key: str
    result: Literal["met", "not_met", "undetermined"]
    score: float | None = None
    score_max_possible: float | None = None
    threshold: float | None = None
    items: list[CriterionItem]
    rule: str
    certainty: str
    note: str = ""
    citations: list[str]


class ExclusionStatus(Contract):
    key: str
    differential: str
    status: Literal["excluded", "not_excluded", "pointed_to"]
    dangerous: bool
    deciding_test: str
    pointing_findings: list[str] = []
    excluded_by: str | None = None
    defining: bool = False
    tempers: bool = True
    # Added for clinicians (status above kept as it was for machines): what the status means in words,
    # and whether the Bristol pathway needs this exclusion for this child (CNO-PATHWAY-*).
    status_text: Literal["ruled out", "present: needs work-up", "suspected: needs work-up", "not yet checked",
                         "not needed while typical"] = "not yet checked"
    needed: bool = True
    pathway_note: str = ""
    pathway_id: str | None = None
    pathway_certainty: str | None = None
    knowledge_id: str
    certainty: str
    citations: list[str]


class MonogenicFlag(Contract):
    key: str
    name: str
    gene: str
    flagged: bool
    why: list[str] = []
    test: str
    treatment_note: str = ""
    genotype: str | None = None
    knowledge_id: str
    certainty: str
    citations: list[str]


class CnoBlock(Contract):
    """The CNO section of the Assessment: criteria, exclusions, monogenic forms, recommendations."""

    criteria: list[CriterionResult]
    exclusions: list[ExclusionStatus]
    monogenic: list[MonogenicFlag]
    recommendations: list[Recommendation] = []
    missing_data: list[str] = []
    warnings: list[str] = []
