"""Entry kinds of the osteopetrosis room."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rarebone.knowledge.kinds.base import Entry

Recommendation = Literal["indicated", "not_indicated", "case_by_case", "undetermined"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RedFlag(Entry):
    """A finding that raises (or, for role ``contraindication``/``pointer``, qualifies) suspicion.

    terms: HPO ids; a recorded term that is one of them or a descendant counts. The flag counts once however
    many of its terms are recorded. ``requires_neonatal_onset``: counts only with neonatal onset (HP:0003623 or
    its descendants, or onset age within ``neonatal_days`` of the suspicion rules).
    """

    label: str
    terms: list[str] = Field(min_length=1)
    exact_terms: list[str] = []  # count only as written, not their descendants
    except_terms: list[str] = []  # descendants of ``terms`` under one of these do not count
    role: Literal["hallmark", "red_flag", "supportive", "contraindication", "pointer"]
    domain: Literal["radiology", "haematology", "calcium", "neuro_ophthalmic", "growth", "skeletal_clinical",
                    "neurodegeneration", "other"]
    weight: float
    requires_neonatal_onset: bool = False
    points_to: str | None = None  # for role pointer: a gene or condition
    unless: list[str] = []  # does not count when one of these flags is present (avoids counting one finding twice)


class SuspicionRules(Entry):
    low_min_score: float
    moderate_min_score: float
    high_min_score: float
    high_requires_role: str
    min_domains_without_hallmark: int
    radiology_domain: str = "radiology"
    # A radiological finding of any rank beside a finding in one of these domains is at least moderate.
    moderate_with_radiology_domains: list[str] = []
    # A recorded diagnosis (Phenopacket diseases) of osteopetrosis confirms: the level is raised to this one.
    diagnosis_ids: list[str] = []
    diagnosis_raises_to: Literal["moderate", "high"] = "high"
    excluded_hallmark_caps_level_at: Literal["none", "low", "moderate"]
    neonatal_onset_terms: list[str]
    neonatal_days: float


class PresentationPattern(Entry):
    """A published presentation that raises suspicion without a radiograph: when every group of ``all_of`` holds,
    suspicion is at least ``raises_to`` and the ``differential`` is printed beside it. A group holds when one of
    its alternatives holds; an alternative is a list of red-flag ids (the flag is present) and HPO ids (a present
    term is it or a descendant), all required ("pancytopenia, or anaemia with thrombocytopenia")."""

    label: str
    all_of: list[list[list[str]]] = Field(min_length=1)
    raises_to: Literal["low", "moderate"] = "moderate"
    differential: list[str] = Field(min_length=1)


class GeneRule(_Part):
    recommendation: Recommendation
    reason: str
    subtype: str


class NeuroRule(_Part):
    """For genes whose HSCT indication depends on primary neurodegeneration (CLCN7 biallelic)."""

    terms: list[str]
    if_present: Recommendation
    if_all_excluded: Recommendation
    otherwise: Recommendation
    reason_present: str
    reason_excluded: str
    reason_pending: str


class Gene(Entry):
    gene: str = Field(pattern=r"^[A-Z0-9-]+$")
    hgnc_id: str | None = None
    disease: str
    omim: str | None = None
    orpha: str | None = None
    inheritance: Literal["AR", "AD", "XL", "AR/AD"]
    osteoclasts: str
    on_panel: bool = True
    biallelic: GeneRule | None = None
    monoallelic: GeneRule | None = None
    hemizygous: GeneRule | None = None
    neuro_rule: NeuroRule | None = None
    favoured_when: list[str] = []  # red-flag ids that, when present, favour HSCT (CLCN7 monoallelic)
    risk_flags: list[str] = []  # knowledge ids of post-HSCT risks (e.g. hypercalcaemia)


class Mimic(Entry):
    label: str
    cytopenia_terms: list[str]
    trigger_terms: list[str]
    radiology_terms: list[str]  # a generalised hallmark on a skeletal survey (present or excluded) settles it
    marrow_terms: list[str] = []  # a recorded marrow examination (finding present or excluded) settles it
    trigger_analytes: list[str] = []  # measured analytes above the lab's reference (or > 0 without one) trigger
    distinguish: list[str]


class LookAlike(Entry):
    """A sclerosing bone dysplasia that can pass for osteopetrosis. Pointed to when every group of ``all_of``
    has a present term (a group is HPO roots, descendants included) and no ``unless_terms`` term is present;
    then osteopetrosis suspicion is held at ``caps_level_at`` and a mimic warning comes first."""

    label: str
    all_of: list[list[str]] = Field(min_length=1)
    unless_terms: list[str] = []
    caps_level_at: Literal["low", "moderate"] = "moderate"
    distinguish: list[str]


class UrgencyTrigger(Entry):
    label: str
    terms: list[str]
    reason: str


class WorkupItem(Entry):
    item: str
    purpose: str
    finding_terms: list[str] = []  # a recorded finding (present or excluded) under one of these shows the exam was done
    loinc: list[str] = []
    procedure_codes: list[str] = []
    when: Literal["always", "clcn7_or_ostm1"] = "always"


class DonorTier(Entry):
    rank: int = Field(ge=1)
    tier: str
    label: str
    relations: list[str]
    full_match_required: bool
    # matched alleles needed per typing denominator, e.g. {10: 9, 8: 8, 6: 6}; empty = no HLA condition
    min_matched: dict[int, int] = {}
    graft_sources: list[str] = []
    outcome_ids: list[str] = []


class DonorTiming(Entry):
    """How soon a donor of this kind can usually give: printed beside each ranked donor (issue 10 item 4).
    ``fast``: available at once (no registry search). The matching donor is the first entry whose relations
    contain the donor's relation and whose availability list is empty or contains the donor's availability."""

    relations: list[str]
    availability: list[str] = []
    fast: bool
    text: str


class OutcomeFigure(Entry):
    study: str
    n: int | None = None
    group: str
    metric: str
    value_percent: float = Field(ge=0, le=100)
    p_value: float | None = None


class TextRule(Entry):
    """A recommendation sentence with its strength, reused by the rules."""

    text: str
    strength: Literal["urgent", "strong", "moderate", "consider"]


KINDS = {
    "op_red_flag": RedFlag,
    "op_suspicion_rules": SuspicionRules,
    "op_presentation": PresentationPattern,
    "op_gene": Gene,
    "op_mimic": Mimic,
    "op_lookalike": LookAlike,
    "op_urgency": UrgencyTrigger,
    "op_workup": WorkupItem,
    "op_donor_tier": DonorTier,
    "op_outcome": OutcomeFigure,
    "op_donor_timing": DonorTiming,
    "op_text_rule": TextRule,
}
