"""How strongly a record suggests CNO. Clues and their weights come from ``cno_suspicion_weight`` entries
(rarebone's weighting, marked UNVERIFIED); a core bone finding is needed for any level above none. The level
is tempered while a finding points to a dangerous differential that has not been excluded."""

from __future__ import annotations

from rarebone.core.evidence import ConditionSuspicion, Evidence, FactStatus, SuspicionLevel
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoMonogenic, CnoSuspicionWeight
from rarebone.cno.findings import FindingEvaluator, threshold
from rarebone.cno.models import ExclusionStatus, MonogenicFlag

# Forms that are CNO itself (not mimics): a pathogenic genotype there lifts suspicion to at least moderate.
CNO_SPECTRUM_FORMS = ("majeed", "dira", "crmo_il1r1", "fblim1")
KEY_UNKNOWNS = ("CNO-FINDING-FEVER", "CNO-FINDING-ABNORMAL-COUNT", "CNO-FINDING-INFLAMMATION-LABS",
                "CNO-FINDING-LESION", "CNO-FINDING-MULTIFOCAL", "CNO-FINDING-BIOPSY-STERILE")
_ORDER = [SuspicionLevel.NONE, SuspicionLevel.LOW, SuspicionLevel.MODERATE, SuspicionLevel.HIGH]


def _cap(level: SuspicionLevel, ceiling: SuspicionLevel) -> SuspicionLevel:
    return min(level, ceiling, key=_ORDER.index)


def _evidence(entry_id: str, label: str, status: FactStatus, fact: str | None, weight: float | None,
              certainty: str, sources: list[str]) -> Evidence:
    return Evidence(knowledge_id=entry_id, label=label, status=status, patient_fact=fact, weight=weight,
                    certainty=certainty, citations=list(sources))


def level_is_none(kb: KnowledgeBase, findings: FindingEvaluator) -> bool:
    """True exactly when ``cno_suspicion`` gives the level NONE, read from the few findings that decide it: no core
    finding counts (present and not set aside by its weight's ``unless``) and no monogenic infant pattern raises the
    level. Nothing after those two steps of ``cno_suspicion`` can lift NONE (a genotype raises only a level above
    none; tempering only lowers, to low at most), so the exclusions and monogenic flags need not be computed to know
    it. Used by the CDS Hooks path (workflows.assess.card_findings), where a NONE level shows no CNO card;
    tests/cno/test_level_is_none.py checks it against ``cno_suspicion`` on every chart of the repository."""
    from rarebone.cno.monogenic import infant_pattern  # here: monogenic imports findings, as we do

    for w in kb.of_kind(CnoSuspicionWeight):
        if w.role == "core" and findings(w.finding).status is FactStatus.PRESENT and not any(
                findings(u).status is FactStatus.PRESENT for u in w.unless):
            return False
    return not any(form.pattern_level and SuspicionLevel(form.pattern_level) is not SuspicionLevel.NONE
                   and infant_pattern(form, findings) for form in kb.of_kind(CnoMonogenic))


def cno_suspicion(kb: KnowledgeBase, findings: FindingEvaluator, exclusions: list[ExclusionStatus],
                  monogenic: list[MonogenicFlag]) -> ConditionSuspicion:
    """Score and level. References: CNO-SUSP-*, CNO-SUSPICION-MODERATE, CNO-SUSPICION-HIGH.

    ``level_is_none`` above repeats the two steps that can lift the level from none (core findings, infant
    patterns) for the CDS Hooks path: a change to how a level above none arises must be made there too
    (tests/cno/test_level_is_none.py fails otherwise)."""
    evidence_for: list[Evidence] = []
    evidence_against: list[Evidence] = []
    unknown: list[Evidence] = []
    score = 0.0
    core = False
    for w in kb.of_kind(CnoSuspicionWeight):
        value = findings(w.finding)
        finding_entry = kb.get(w.finding)
        if any(findings(u).status is FactStatus.PRESENT for u in w.unless):
            continue  # the same fact already counts under another weight
        if value.status is FactStatus.PRESENT:
            sign = -1 if w.role == "against" else 1
            score += sign * w.weight
            core = core or w.role == "core"
            target = evidence_against if w.role == "against" else evidence_for
            target.append(_evidence(w.id, value.label, FactStatus.PRESENT, value.fact, sign * w.weight,
                                    finding_entry.certainty, finding_entry.sources))
        elif value.status is FactStatus.EXCLUDED and w.role == "against":
            evidence_for.append(_evidence(w.id, f"no {value.label}", FactStatus.EXCLUDED, value.fact, 0.0,
                                          finding_entry.certainty, finding_entry.sources))
    for finding_id in KEY_UNKNOWNS:
        value = findings(finding_id)
        if value.status is FactStatus.UNKNOWN:
            entry = kb.get(finding_id)
            unknown.append(_evidence(finding_id, value.label, FactStatus.UNKNOWN, None, None, entry.certainty, entry.sources))

    moderate, high = threshold(kb, "CNO-SUSPICION-MODERATE"), threshold(kb, "CNO-SUSPICION-HIGH")
    if not core:
        level = SuspicionLevel.NONE
    elif score >= high:
        level = SuspicionLevel.HIGH
    elif score >= moderate:
        level = SuspicionLevel.MODERATE
    else:
        level = SuspicionLevel.LOW
    reasons = []
    from rarebone.cno.monogenic import infant_pattern  # here: monogenic imports findings, as we do

    for form in kb.of_kind(CnoMonogenic):
        if form.pattern_level and infant_pattern(form, findings):
            target = SuspicionLevel(form.pattern_level)
            if _ORDER.index(level) < _ORDER.index(target):
                level = target
                reasons.append(f"raised to {target.value}: {form.name} pattern (a monogenic form can present before bone pain)")
    genotype_forms = [m for m in monogenic if m.genotype and m.key in CNO_SPECTRUM_FORMS]
    if genotype_forms and level is not SuspicionLevel.NONE and _ORDER.index(level) < _ORDER.index(SuspicionLevel.MODERATE):
        level = SuspicionLevel.MODERATE
        reasons.append(f"raised to moderate: {genotype_forms[0].name} genotype")
    defining = [e for e in exclusions if e.status == "pointed_to" and e.defining]
    # Any look-alike of the must-exclude list that findings point to, and that is not excluded, means the
    # case for CNO is not yet made (dangerous ones also raise an alert; see CnoDifferential.tempers).
    pointed = [e for e in exclusions if e.status == "pointed_to" and e.tempers]
    if defining and level is not SuspicionLevel.NONE:
        capped = _cap(level, SuspicionLevel.LOW)
        if capped is not level:
            reasons.append(f"tempered to low: the record names {defining[0].differential}")
        level = capped
    elif pointed and level is SuspicionLevel.HIGH:
        level = SuspicionLevel.MODERATE
        reasons.append("tempered to moderate: findings point to " + ", ".join(e.differential for e in pointed)
                       + ", not yet excluded")
    explanation = (f"score {score:g} (moderate from {moderate:g}, high from {high:g}; rarebone weighting, UNVERIFIED)"
                   + ("" if core else "; no core bone finding (osteomyelitis, bone pain, typical imaging)")
                   + ("; " + "; ".join(reasons) if reasons else ""))
    citations = sorted({c for e in evidence_for + evidence_against for c in e.citations})
    return ConditionSuspicion(level=level, score=score, evidence_for=evidence_for,
                              evidence_against=evidence_against, unknown=unknown, explanation=explanation,
                              citations=citations)
