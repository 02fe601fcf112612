"""Monogenic and syndromic forms (Majeed/LPIN2, DIRA/IL1RN, PAPA, ...): flagged from the genotype, or from
a suggestive phenotype beside bone inflammation, with the genetic test to order."""

from __future__ import annotations

from rarebone.core.evidence import FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoMonogenic
from rarebone.cno.findings import PATHOGENIC, FindingEvaluator
from rarebone.cno.models import MonogenicFlag
from rarebone.patient import Patient

# Reference B2 rule: onset < 2 y, (microcytic) anaemia, neonatal pustulosis or Sweet-like dermatosis beside
# CNO -> consider a monogenic autoinflammatory bone disease.
GENERAL_CLUES = ("CNO-FINDING-EARLY-ONSET", "CNO-FINDING-MICROCYTIC-ANAEMIA", "CNO-FINDING-NEUTROPHILIC-DERMATOSIS")


def infant_pattern(form: CnoMonogenic, findings: FindingEvaluator) -> list[str]:
    """The facts of a form's infant pattern (a specific clue and a companion), or [] when it does not hold.
    Onset recorded after early childhood (EARLY-ONSET excluded) rules the pattern out."""
    if not form.pattern_specific or findings("CNO-FINDING-EARLY-ONSET").status is FactStatus.EXCLUDED:
        return []
    specific = [findings(c) for c in form.pattern_specific]
    specific = [c for c in specific if c.status is FactStatus.PRESENT]
    if not specific:  # the usual answer: the companions need not be evaluated (CDS Hooks path, cno.suspicion.level_is_none)
        return []
    companions = [findings(c) for c in form.pattern_with]
    companions = [c for c in companions if c.status is FactStatus.PRESENT]
    if not specific or not companions:
        return []
    return [f"{c.label}: {c.fact}" for c in specific + companions]


def monogenic_flags(kb: KnowledgeBase, patient: Patient, findings: FindingEvaluator, bone_inflammation: bool) -> list[MonogenicFlag]:
    """Flag each form: a (likely) pathogenic variant in its gene always flags it; clue findings flag it
    only beside bone inflammation, and need two clues (one clue alone is too common to be a flag).
    References: CNO-MONO-*."""
    out = []
    for form in kb.of_kind(CnoMonogenic):
        why: list[str] = []
        genotype = None
        for v in patient.variants:
            if v.gene_symbol == form.gene and v.interpretation_status in PATHOGENIC:
                genotype = f"{v.gene_symbol} {', '.join(v.hgvs) or ''} ({v.allelic_state.value}, {v.interpretation_status})".replace("  ", " ")
                why.append(f"genotype: {genotype}")
        clues = [findings(c) for c in form.clue_findings]
        clues = [c for c in clues if c.status is FactStatus.PRESENT]
        if bone_inflammation and len(clues) > len(GENERAL_CLUES[:1]):
            why += [f"{c.label}: {c.fact}" for c in clues]
        elif pattern := infant_pattern(form, findings):
            why += ["infant pattern before bone findings: " + "; ".join(pattern)]
        flagged = bool(why)
        if flagged and genotype is None and clues:
            why = why or [f"{c.label}: {c.fact}" for c in clues]
        out.append(MonogenicFlag(
            key=form.key, name=form.name, gene=form.gene, flagged=flagged, why=why, test=form.test,
            treatment_note=form.treatment_note, genotype=genotype, knowledge_id=form.id,
            certainty=form.certainty, citations=list(form.sources)))
    return out


def general_monogenic_clues(findings: FindingEvaluator) -> list[str]:
    return [f"{v.label}: {v.fact}" for v in (findings(c) for c in GENERAL_CLUES) if v.status is FactStatus.PRESENT]
