"""Coverage of rarebone's concept sets against the HPO disease annotations (hpo3 ships OMIM annotations):
every term that annotates an osteopetrosis or CNO disease should fall under a red flag / finding concept
set, or be listed in phenotype/coverage_exclusions.yaml with the reason it is left out. Used by a test
(tests/knowledge/test_concept_coverage.py) so the sets cannot drift away from the annotations."""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Uncovered:
    room: str
    hpo_id: str
    name: str
    diseases: tuple[str, ...]


def room_concepts(kb: KnowledgeBase, room: str) -> tuple[set[str], set[str]]:
    """(roots whose descendants count, terms that count only as written) for one room."""
    from rarebone.knowledge.kinds import cno, osteopetrosis

    roots: set[str] = set()
    exact: set[str] = set()
    if room == "osteopetrosis":
        for flag in kb.of_kind(osteopetrosis.RedFlag):
            roots |= set(flag.terms)
            exact |= set(flag.exact_terms)
        for trigger in kb.of_kind(osteopetrosis.UrgencyTrigger):
            roots |= set(trigger.terms)
        for mimic in kb.of_kind(osteopetrosis.Mimic):
            roots |= set(mimic.cytopenia_terms) | set(mimic.trigger_terms) | set(mimic.radiology_terms)
        for gene in kb.of_kind(osteopetrosis.Gene):
            if gene.neuro_rule:
                roots |= set(gene.neuro_rule.terms)
    else:
        for finding in kb.of_kind(cno.CnoFinding):
            roots |= set(finding.hpo_any)
            exact |= set(finding.hpo_exact)
        for concept in kb.of_kind(cno.CnoHpoConcept):
            if concept.key in ("lesion", "inflammatory", "pain"):
                roots |= set(concept.terms)
    return roots, exact


def uncovered_terms(kb: KnowledgeBase, room: str, onto) -> list[Uncovered]:
    """Annotation terms of the room's diseases under no concept set and no listed exclusion."""
    from rarebone.knowledge.kinds.phenotype import CoverageExclusion, CoverageScope
    from rarebone.phenotype.ontology import hpo3

    Ontology = hpo3()  # the disease annotations are not in the term table

    scope = next(s for s in kb.of_kind(CoverageScope) if s.room == room)
    roots, exact = room_concepts(kb, room)
    excluded = {t for e in kb.of_kind(CoverageExclusion) if room in e.rooms for t in e.terms}
    diseases = {d.id: d for d in Ontology.omim_diseases}
    by_term: dict[str, list[str]] = {}
    for omim in scope.omim:
        number = int(omim.split(":")[1])
        if number not in diseases:
            continue  # moved or merged in this HPO release; the scope lists it for the record
        for term_int in diseases[number].hpo:
            hpo_id = f"HP:{term_int:07d}"
            by_term.setdefault(hpo_id, []).append(omim)
    out = []
    for hpo_id, omims in sorted(by_term.items()):
        ancestors = onto.ancestors_or_self(hpo_id)
        if hpo_id in exact or not ancestors.isdisjoint(roots) or not ancestors.isdisjoint(excluded):
            continue
        out.append(Uncovered(room, hpo_id, onto.name(hpo_id), tuple(omims)))
    return out
