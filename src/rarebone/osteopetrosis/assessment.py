"""The osteopetrosis part of an Assessment: suspicion, genetics, HSCT indication and urgency, work-up, donors."""

from __future__ import annotations

from dataclasses import dataclass, field

from rarebone.core.evidence import ConditionSuspicion, FactStatus, Reason, Recommendation, Strength, SuspicionLevel
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import RedFlag, UrgencyTrigger
from rarebone.osteopetrosis.donors import rank_donors
from rarebone.osteopetrosis.genetics import assess_genetics, gene_table, hsct_for_genetics
from rarebone.osteopetrosis.matching import match_terms
from rarebone.osteopetrosis.mimics import mimic_warnings
from rarebone.osteopetrosis.results import (
    Genetics, GeneticStatus, HsctAssessment, HsctRecommendation, MimicWarning, RankedDonor, Urgency, WorkupItemOut,
)
from rarebone.osteopetrosis.suspicion import assess_suspicion, evaluate_flags
from rarebone.osteopetrosis.workup import workup_checklist
from rarebone.patient import Patient

_RAISED = (SuspicionLevel.MODERATE, SuspicionLevel.HIGH)


@dataclass
class OsteopetrosisAssessment:
    suspicion: ConditionSuspicion
    genetics: Genetics
    hsct: HsctAssessment
    workup: list[WorkupItemOut]
    donors: list[RankedDonor]
    mimics: list[MimicWarning]
    recommendations: list[Recommendation] = field(default_factory=list)
    missing_data: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _rec(kb: KnowledgeBase, entry_id: str, strength: str | None = None, text: str | None = None) -> Recommendation:
    entry = kb.get(entry_id)
    return Recommendation(id=entry.id, text=text or entry.text, strength=Strength(strength or entry.strength),
                          citations=list(entry.sources), certainty=entry.certainty, condition="osteopetrosis")


def _radiological_flags(kb: KnowledgeBase) -> tuple[str, ...]:
    """Ids of the red flags that show the skeleton was imaged (hallmarks, flags of the radiology domain), in
    knowledge order; made once per knowledge base."""
    def build():
        radiology = kb.get("OP-SUSPICION-LEVELS").radiology_domain
        return tuple(f.id for f in kb.of_kind(RedFlag) if f.role == "hallmark" or f.domain == radiology)
    return kb.derived("osteopetrosis.radiological_flags", build)


def assess_osteopetrosis(patient: Patient, kb: KnowledgeBase, onto, rank: bool = True,
                         workup_ids: tuple[str, ...] | None = None) -> OsteopetrosisAssessment:
    """``rank`` False: the candidate donors are not ranked (``donors`` stays empty); nothing else depends on the
    ranking. The CDS Hooks cards do not show donors (workflows.assess.card_findings). ``workup_ids``: only these
    work-up items (``workup_checklist(only=...)``); nothing else reads the work-up."""
    matches = evaluate_flags(patient, kb, onto)
    suspicion = assess_suspicion(patient, kb, onto, matches)
    genetics = assess_genetics(patient, kb)
    recommendation, reasons, certainty, disagreement = hsct_for_genetics(patient, genetics, kb, onto)
    # Any radiological flag (hallmark or site-specific sclerosis) shows that the skeleton was imaged.
    hallmark_status = max((matches[fid].status for fid in _radiological_flags(kb)),
                          key=[FactStatus.UNKNOWN, FactStatus.EXCLUDED, FactStatus.PRESENT].index)
    genes = {f.gene for f in genetics.findings if f.known}
    relevant = suspicion.level in _RAISED or genetics.status is GeneticStatus.CONFIRMED
    considered = relevant or suspicion.level is SuspicionLevel.LOW

    if genetics.status is GeneticStatus.NOT_TESTED and not considered:
        # A child assessed for something else (e.g. CNO) should not be sent for an osteopetrosis gene panel.
        genetics = genetics.model_copy(update={
            "genes_to_test": [],
            "summary": "No genotype recorded; osteopetrosis suspicion is none, so this record gives no reason for "
                       "osteopetrosis gene testing."})
    if genetics.status is GeneticStatus.NOT_TESTED and not relevant:
        reasons = [Reason(text="No osteopetrosis genotype and no raised suspicion: no transplant question arises from this record.",
                          knowledge_id="OP-SUSPICION-LEVELS", citations=list(kb.get("OP-SUSPICION-LEVELS").sources))]

    urgency_reasons: list[Reason] = []
    if relevant and recommendation is not HsctRecommendation.NOT_INDICATED:
        for trigger in kb.of_kind(UrgencyTrigger):
            match = match_terms(patient, trigger.terms, onto)
            if match.status is FactStatus.PRESENT:
                urgency_reasons.append(Reason(text=f"{trigger.reason} Recorded: {match.describe()}.", knowledge_id=trigger.id,
                                              certainty=trigger.certainty, citations=list(trigger.sources)))
        urgency = Urgency.URGENT if urgency_reasons else Urgency.ROUTINE
    else:
        urgency = Urgency.NOT_APPLICABLE
    hsct = HsctAssessment(
        recommendation=recommendation, urgency=urgency, reasons=reasons, urgency_reasons=urgency_reasons,
        citations=sorted({c for r in reasons + urgency_reasons for c in r.citations}), certainty=certainty,
        disagreement=disagreement,
    )

    mimics = mimic_warnings(patient, kb, onto)
    donors = rank_donors(patient.donors, kb, urgent=urgency is Urgency.URGENT) if rank else []
    workup = workup_checklist(patient, kb, onto, genes, only=workup_ids) if relevant else []

    recs: list[Recommendation] = []
    if mimics:
        recs.append(_rec(kb, "OP-REC-CONSIDER-MIMIC-WORKUP"))
    if considered and hallmark_status is FactStatus.UNKNOWN:
        recs.append(_rec(kb, "OP-REC-SKELETAL-SURVEY", "strong" if relevant or mimics else "consider"))
    if genetics.status is GeneticStatus.NOT_TESTED and considered:
        text = kb.get("OP-REC-GENETIC-TESTING").text + " Genes: " + ", ".join(genetics.genes_to_test) + "."
        recs.append(_rec(kb, "OP-REC-GENETIC-TESTING", "strong" if relevant else "consider", text))
    if genetics.status in (GeneticStatus.INCONCLUSIVE, GeneticStatus.OUTSIDE_KNOWLEDGE) and relevant:
        recs.append(_rec(kb, "OP-REC-EXTEND-GENETICS"))
    if recommendation is HsctRecommendation.NOT_INDICATED:
        recs.append(_rec(kb, "OP-REC-NO-HSCT-SUPPORTIVE"))
    elif relevant and recommendation is HsctRecommendation.CASE_BY_CASE:
        recs.append(_rec(kb, "OP-REC-HSCT-EVALUATION", "urgent" if urgency is Urgency.URGENT else "moderate",
                         "Discuss transplant case by case with an experienced paediatric HSCT centre"
                         + (" without delay (urgency reasons above)." if urgency is Urgency.URGENT else ".")))
    elif relevant and (recommendation is HsctRecommendation.INDICATED or suspicion.level is SuspicionLevel.HIGH):
        recs.append(_rec(kb, "OP-REC-URGENT-HSCT-EVALUATION" if urgency is Urgency.URGENT else "OP-REC-HSCT-EVALUATION"))
    if "CLCN7" in genes and any(f.gene == "CLCN7" and f.zygosity == "biallelic" for f in genetics.findings) \
            and recommendation is HsctRecommendation.CASE_BY_CASE or "OSTM1" in genes and recommendation is not HsctRecommendation.NOT_INDICATED:
        recs.append(_rec(kb, "OP-REC-NEURO-WORKUP"))
    if relevant and recommendation is not HsctRecommendation.NOT_INDICATED and not patient.donors:
        recs.append(_rec(kb, "OP-REC-HLA-TYPING"))
    table = gene_table(kb)
    for gene in sorted(genes):
        for risk in table[gene].risk_flags:
            if recommendation is not HsctRecommendation.NOT_INDICATED:
                recs.append(_rec(kb, risk))
    if recommendation is HsctRecommendation.INDICATED and not any(r.id == "OP-RISK-HYPERCALCAEMIA-RANK" for r in recs):
        recs.append(_rec(kb, "OP-REC-HYPERCALCAEMIA-PLAN"))

    missing: list[str] = []
    if considered:
        if genetics.status is GeneticStatus.NOT_TESTED:
            missing.append("no genotype (Phenopacket interpretations): HSCT eligibility cannot be decided")
        if hallmark_status is FactStatus.UNKNOWN:
            missing.append("no skeletal radiograph finding recorded (osteosclerosis, sandwich vertebrae, bone-within-bone: present or excluded)")
        if not (patient.measurements_of("hemoglobin") or patient.measurements_of("platelets")) and all(
            matches[f].status is FactStatus.UNKNOWN for f in ("OP-FLAG-ANEMIA", "OP-FLAG-THROMBOCYTOPENIA", "OP-FLAG-PANCYTOPENIA")
        ):
            missing.append("no blood count (haemoglobin, platelets) recorded")
        if matches["OP-FLAG-VISION"].status is FactStatus.UNKNOWN:
            missing.append("no ophthalmology finding recorded (vision, nystagmus, optic atrophy: present or excluded)")
        if patient.age_days is None:
            missing.append("no age at last encounter (subject.timeAtLastEncounter)")
    if relevant and recommendation in (HsctRecommendation.INDICATED, HsctRecommendation.CASE_BY_CASE) and not patient.donors:
        missing.append("no candidate donors listed (rareboneExtensions.donors; see docs/phenopacket-extension.md)")
    if any(r.certainty == "unverified" for r in reasons):
        missing.append("the HSCT indication for this genotype rests on an UNVERIFIED source; confirm with an expert centre")
    return OsteopetrosisAssessment(suspicion=suspicion, genetics=genetics, hsct=hsct, workup=workup, donors=donors,
                                   mimics=mimics, recommendations=recs, missing_data=missing)
