"""The diagnosis part of CNO for ``rarebone assess``: suspicion, criteria, exclusions, monogenic forms,
recommendations and missing data, from one Patient."""

from __future__ import annotations

from rarebone.core.evidence import ConditionSuspicion, FactStatus, Recommendation, Strength, SuspicionLevel
from rarebone.knowledge import KnowledgeBase
from rarebone.patient import Patient
from rarebone.cno.criteria import bristol_criteria, jansson_score
from rarebone.cno.exclusion import exclusion_checklist
from rarebone.cno.findings import FindingEvaluator
from rarebone.cno.models import CnoBlock
from rarebone.cno.monogenic import general_monogenic_clues, monogenic_flags
from rarebone.cno.ladder import check_dose_dates
from rarebone.cno.record import read_cno_record
from rarebone.errors import RareboneError
from rarebone.cno.suspicion import cno_suspicion, level_is_none

BONE_INFLAMMATION = ("CNO-FINDING-OSTEOMYELITIS", "CNO-FINDING-BONE-PAIN", "CNO-FINDING-BONE-IMAGING",
                     "CNO-FINDING-LESION", "CNO-FINDING-CNO-DIAGNOSIS")
MISSING = {
    "CNO-FINDING-FEVER": "temperature / fever status",
    "CNO-FINDING-ABNORMAL-COUNT": "full blood count with reference ranges",
    "CNO-FINDING-INFLAMMATION-LABS": "CRP and ESR (with reference ranges)",
    "CNO-FINDING-LESION": "imaging (STIR MRI, preferably whole-body) with lesion sites",
    "CNO-FINDING-BIOPSY-STERILE": "bone biopsy histology and culture (when criterion 1 is not met)",
}


def assess_cno(patient: Patient, kb: KnowledgeBase, onto,
               only_if_suspected: bool = False) -> tuple[ConditionSuspicion, CnoBlock] | None:
    """CNO suspicion and the CNO block of the Assessment.

    Parameters
    ----------
    patient : Patient — the child; CNO imaging, visits and workup arrive in ``patient.extensions['cno']``.
    kb : KnowledgeBase — ``rarebone.knowledge.load()``.
    onto : HpoOntology — ``rarebone.phenotype.ontology()`` (subsumption through ``is_a``).
    only_if_suspected : bool — None instead of the result when the suspicion is none (``level_is_none``), without
        computing criteria, exclusions and monogenic flags: for the CDS Hooks cards, which show nothing of CNO then.
        The record is still read and checked first, so a malformed CNO block is refused either way.

    Raises
    ------
    InputError — the CNO extension block is malformed (the message names the field).

    References
    ----------
    CNO-CRITERIA-JANSSON2009, CNO-CRITERIA-BRISTOL2016, CNO-DDX-*, CNO-MONO-*, CNO-SUSP-*.
    """
    try:
        record = read_cno_record(patient.extensions.get("cno"), kb)
        check_dose_dates(patient)
    except RareboneError as exc:
        raise exc.with_source(patient.source)
    findings = FindingEvaluator(patient, record, kb, onto)
    if only_if_suspected and level_is_none(kb, findings):
        return None
    bone = any(findings(f).status is FactStatus.PRESENT for f in BONE_INFLAMMATION)
    criteria = [jansson_score(kb, findings), bristol_criteria(kb, findings)]
    exclusions = exclusion_checklist(kb, findings, record, bristol=criteria[1])
    monogenic = monogenic_flags(kb, patient, findings, bone)
    suspicion = cno_suspicion(kb, findings, exclusions, monogenic)

    recommendations: list[Recommendation] = []
    missing: list[str] = []
    if suspicion.level is not SuspicionLevel.NONE:
        for e in exclusions:
            if e.status == "pointed_to" and e.dangerous:
                found = "; ".join(e.pointing_findings)
                recommendations.append(Recommendation(
                    id=e.knowledge_id, strength=Strength.URGENT, condition="cno", certainty=e.certainty,
                    citations=e.citations,
                    text=f"Exclude {e.differential} before accepting CNO: {e.deciding_test}. Pointing to it: {found}."))
        for e in exclusions:
            if e.status == "pointed_to" and e.tempers and not e.dangerous:
                found = "; ".join(e.pointing_findings)
                recommendations.append(Recommendation(
                    id=e.knowledge_id, strength=Strength.STRONG, condition="cno", certainty=e.certainty,
                    citations=e.citations,
                    text=f"Exclude the look-alike {e.differential} before accepting CNO: {e.deciding_test}. "
                         f"Pointing to it: {found}."))
        # A monogenic flag never ranks above the exclusion of a look-alike that findings point to.
        for m in monogenic:
            if m.flagged:
                recommendations.append(Recommendation(
                    id=m.knowledge_id, strength=Strength.STRONG, condition="cno", certainty=m.certainty,
                    citations=m.citations, text=f"Consider {m.name}: {m.test}. Why: {'; '.join(m.why)}."
                    + (f" Treatment note: {m.treatment_note}." if m.treatment_note else "")))
        clues = general_monogenic_clues(findings)
        if clues and not any(m.flagged for m in monogenic):
            entry = kb.get("CNO-MONO-MAJEED")
            recommendations.append(Recommendation(
                id="CNO-FINDING-EARLY-ONSET", strength=Strength.CONSIDER, condition="cno", certainty="verified",
                citations=list(entry.sources),
                text="Consider a monogenic autoinflammatory bone disease (" + "; ".join(clues)
                + "): genetic testing for LPIN2 and IL1RN, or an autoinflammatory panel."))
        for e in exclusions:
            if e.status == "not_excluded" and e.dangerous and e.needed:  # Bristol pathway: see CNO-PATHWAY-*
                recommendations.append(Recommendation(
                    id=e.knowledge_id, strength=Strength.MODERATE, condition="cno", certainty=e.certainty,
                    citations=e.citations,
                    text=f"CNO is a diagnosis of exclusion; {e.differential} not yet excluded: {e.deciding_test}."))
        skipped = [e.differential for e in exclusions if not e.needed]
        if skipped:
            entry = kb.get("CNO-PATHWAY-BRISTOL-C1")
            recommendations.append(Recommendation(
                id=entry.id, strength=Strength.CONSIDER, condition="cno", certainty=entry.certainty,
                citations=list(entry.sources),
                text="Bristol criterion 1 is met with nothing pointing elsewhere: no biopsy is needed to exclude "
                     + ", ".join(skipped) + " while the picture stays typical. Biopsy if the disease becomes unifocal "
                     "(not the clavicle), CRP reaches 30 mg/L (criterion 1 needs CRP below 30), or a feature is "
                     "atypical (the reference gives no age cut-off)."))
        bristol = criteria[1]
        if bristol.result == "undetermined" and findings("CNO-FINDING-BIOPSY-STERILE").status is FactStatus.UNKNOWN:
            c1 = [i for i in bristol.items if i.group == "c1"]
            if any(i.value == "absent" for i in c1):
                entry = kb.get("CNO-BRISTOL-C2-BIOPSY")
                recommendations.append(Recommendation(
                    id=entry.id, strength=Strength.STRONG, condition="cno", certainty=entry.certainty,
                    citations=list(entry.sources),
                    text="Bristol criterion 1 is not met (unifocal non-clavicle disease, or CRP not below 30 mg/L): bone biopsy "
                         "(histology and culture off antibiotics) is needed."))
        if findings("CNO-FINDING-LESION").status is FactStatus.UNKNOWN:
            entry = kb.get("CNO-BRISTOL-IMAGING")
            recommendations.append(Recommendation(
                id=entry.id, strength=Strength.MODERATE, condition="cno", certainty=entry.certainty,
                citations=list(entry.sources),
                text="Image the skeleton (STIR MRI, preferably whole-body) and record each lesion's site: "
                     "multifocal and silent lesions decide the Bristol and Jansson items."))
        missing = [text for fid, text in MISSING.items() if findings(fid).status is FactStatus.UNKNOWN]
    block = CnoBlock(criteria=criteria, exclusions=exclusions, monogenic=monogenic,
                     recommendations=recommendations, missing_data=missing)
    return suspicion, block
