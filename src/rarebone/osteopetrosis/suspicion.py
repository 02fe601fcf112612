"""Suspicion of osteopetrosis from red flags, weighted as the knowledge base says."""

from __future__ import annotations

from rarebone.core.evidence import ConditionSuspicion, Evidence, FactStatus, SuspicionLevel
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import PresentationPattern, RedFlag, SuspicionRules
from rarebone.osteopetrosis.matching import UNKNOWN, Match, match_terms
from rarebone.patient import Feature, Patient

_ORDER = [SuspicionLevel.NONE, SuspicionLevel.LOW, SuspicionLevel.MODERATE, SuspicionLevel.HIGH]


def _is_neonatal(feature: Feature, rules: SuspicionRules, onto, patient_age_days: float | None) -> bool:
    onset = feature.onset
    if onset is None:
        # No onset written, but the child was still a neonate when last seen: the finding began by then.
        return patient_age_days is not None and patient_age_days <= rules.neonatal_days
    if onset.onset_term and any(onto.is_a(onset.onset_term, t) for t in rules.neonatal_onset_terms):
        return True
    return onset.age_days is not None and onset.age_days <= rules.neonatal_days


def evaluate_flags(patient: Patient, kb: KnowledgeBase, onto) -> dict[str, Match]:
    """Every red flag's match against the record (neonatal-onset flags need a neonatal onset)."""
    rules = kb.get("OP-SUSPICION-LEVELS")
    matches: dict[str, Match] = {}
    for flag in kb.of_kind(RedFlag):
        match = match_terms(patient, flag.terms, onto, flag.exact_terms, flag.except_terms)
        if flag.requires_neonatal_onset and match.status is FactStatus.PRESENT:
            neonatal = tuple(f for f in match.features if _is_neonatal(f, rules, onto, patient.age_days))
            match = Match(FactStatus.PRESENT, neonatal) if neonatal else UNKNOWN
        matches[flag.id] = match
    return matches


def _pattern_holds(pattern: PresentationPattern, patient: Patient, matches: dict[str, Match], onto) -> tuple[Feature, ...] | None:
    """The findings that satisfy every group of the pattern, or None when a group fails."""
    used: list[Feature] = []
    for group in pattern.all_of:
        for alternative in group:
            found: list[Feature] = []
            for item in alternative:
                match = matches[item] if item in matches else match_terms(patient, [item], onto)
                if match.status is not FactStatus.PRESENT:
                    break
                found.extend(match.features)
            else:
                used.extend(f for f in found if f not in used)
                break
        else:
            return None
    return tuple(used)


def _evidence(flag: RedFlag, match: Match, kb: KnowledgeBase, weight: float | None) -> Evidence:
    return Evidence(
        knowledge_id=flag.id, label=flag.label, status=match.status, patient_fact=match.describe(), weight=weight,
        certainty=flag.certainty, citations=list(flag.sources),
    )


def _unknown_evidence(flag: RedFlag, kb: KnowledgeBase) -> Evidence:
    """A flag's "not yet recorded" line: it depends on the knowledge entry alone (no patient fact, no weight), and
    most flags of most records are unknown (~15 of a chart). Evidence is frozen, so the same value is built once per
    knowledge base and shared, instead of ~15 models per call (~50 µs of a CDS Hooks call, docs/ehr-integration.md
    Speed). tests/osteopetrosis/test_unknown_evidence.py: equal to the line built afresh, for every flag."""
    table: dict[str, Evidence] = kb.derived("osteopetrosis.unknown_evidence", dict)
    evidence = table.get(flag.id)
    if evidence is None:
        evidence = table[flag.id] = _evidence(flag, Match(FactStatus.UNKNOWN), kb, None)
    return evidence


def assess_suspicion(patient: Patient, kb: KnowledgeBase, onto, matches: dict[str, Match] | None = None) -> ConditionSuspicion:
    rules: SuspicionRules = kb.get("OP-SUSPICION-LEVELS")
    matches = matches if matches is not None else evaluate_flags(patient, kb, onto)
    flags = {f.id: f for f in kb.of_kind(RedFlag)}
    present_ids = {fid for fid, m in matches.items() if m.status is FactStatus.PRESENT}
    evidence_for, evidence_against, unknown = [], [], []
    score = 0.0
    domains: set[str] = set()
    hallmark_present = hallmark_excluded = radiology_present = False
    for fid, flag in flags.items():
        if flag.role in ("contraindication", "pointer"):
            continue
        match = matches[fid]
        if match.status is FactStatus.PRESENT:
            if any(other in present_ids for other in flag.unless):
                continue  # the same finding already counts under a more specific flag
            score += flag.weight
            domains.add(flag.domain)
            hallmark_present |= flag.role == rules.high_requires_role
            radiology_present |= flag.domain == rules.radiology_domain
            evidence_for.append(_evidence(flag, match, kb, flag.weight))
        elif match.status is FactStatus.EXCLUDED:
            hallmark_excluded |= flag.role == rules.high_requires_role
            evidence_against.append(_evidence(flag, match, kb, None))
        elif not flag.requires_neonatal_onset:
            unknown.append(_unknown_evidence(flag, kb) if not match.features else _evidence(flag, match, kb, None))

    if score >= rules.high_min_score and hallmark_present:
        level = SuspicionLevel.HIGH
    elif score >= rules.moderate_min_score or hallmark_present:
        level = SuspicionLevel.MODERATE
    elif score >= rules.low_min_score:
        level = SuspicionLevel.LOW
    else:
        level = SuspicionLevel.NONE
    explanation = f"score {score:g} from {len(evidence_for)} finding(s) in {len(domains)} domain(s)"
    systemic = sorted(domains & set(rules.moderate_with_radiology_domains))
    if radiology_present and systemic and _ORDER.index(level) < _ORDER.index(SuspicionLevel.MODERATE):
        level = SuspicionLevel.MODERATE
        explanation += f"; raised to moderate: radiological sclerosis with {', '.join(systemic)} findings"
    if not hallmark_present and level is SuspicionLevel.MODERATE and len(domains) < rules.min_domains_without_hallmark \
            and not (radiology_present and systemic):
        level = SuspicionLevel.LOW
        explanation += "; held at low: without a radiological hallmark, moderate needs findings in two domains"
    for pattern in kb.of_kind(PresentationPattern):
        found = _pattern_holds(pattern, patient, matches, onto)
        if found is None:
            continue
        target = SuspicionLevel(pattern.raises_to)
        evidence_for.append(Evidence(
            knowledge_id=pattern.id, label=f"{pattern.label} (published presentation; not scored)", status=FactStatus.PRESENT,
            patient_fact=Match(FactStatus.PRESENT, found).describe(), weight=0.0, certainty=pattern.certainty,
            citations=list(pattern.sources)))
        if _ORDER.index(level) < _ORDER.index(target):
            level = target
            explanation += (f"; raised to {target.value}: {pattern.label.lower()} ({pattern.id}); differential: "
                            + " ".join(pattern.differential).rstrip("."))
    if hallmark_excluded and not hallmark_present:
        cap = SuspicionLevel(rules.excluded_hallmark_caps_level_at)
        if _ORDER.index(level) > _ORDER.index(cap):
            level = cap
            explanation += f"; capped at {cap.value}: a radiological hallmark is recorded as absent"
    from rarebone.osteopetrosis.mimics import pointed_lookalikes  # here, not at import: mimics imports matching too

    for entry, _ in pointed_lookalikes(patient, kb, onto):
        cap = SuspicionLevel(entry.caps_level_at)
        if _ORDER.index(level) > _ORDER.index(cap):
            level = cap
            explanation += f"; held at {cap.value}: findings point to the look-alike {entry.label} ({entry.id})"
    diagnosed = [d for d in patient.diseases if not d.excluded and d.term_id in rules.diagnosis_ids]
    if diagnosed:
        target = SuspicionLevel(rules.diagnosis_raises_to)
        fact = "; ".join(f"{d.term_id} {d.label or ''}".strip() for d in diagnosed)
        evidence_for.append(Evidence(knowledge_id=rules.id, label="recorded diagnosis of osteopetrosis (confirms; not scored)", status=FactStatus.PRESENT, weight=0.0,
                                     patient_fact=fact, citations=list(rules.sources)))
        if _ORDER.index(level) < _ORDER.index(target):
            level = target
            explanation += f"; raised to {target.value}: recorded diagnosis {fact} (the phenotype alone gives less)"
    if not radiology_present and level is not SuspicionLevel.NONE and not hallmark_excluded:
        explanation += "; no skeletal radiograph finding recorded (radiographs are diagnostic)"
    elif radiology_present and not hallmark_present and level is not SuspicionLevel.NONE:
        explanation += "; sclerosis recorded at a site only: a skeletal survey decides whether it is generalised"
    return ConditionSuspicion(
        level=level, score=score, evidence_for=evidence_for, evidence_against=evidence_against, unknown=unknown,
        explanation=explanation, citations=list(rules.sources),
    )
