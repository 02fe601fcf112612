"""The differential job: a Patient -> the ranked rare diseases that fit, each with the evidence a clinician checks.

Beside the rule-based osteopetrosis and CNO suspicion, never instead of it (docs/differential.md).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from rarebone import __version__
from rarebone.core.evidence import Contract
from rarebone.knowledge import KnowledgeBase, load
from rarebone.patient import Patient


class TermEvidence(Contract):
    term_id: str
    term_label: str
    matched_id: str | None = Field(description="the disease's feature the match went through; None: not explained")
    matched_label: str | None = None
    match: str = Field(description="exact | more specific in the child | related | not explained | excluded in child")
    frequency: float | None = Field(description="how often the disease has the matched feature (HPO annotations)")
    log10_lr: float


class LookFor(Contract):
    term_id: str
    term_label: str
    frequency: float | None = Field(description="published frequency in the disease; None when HPO gives none")


class RankedDiseaseOut(Contract):
    rank: int
    disease_id: str
    same_disease_ids: list[str] = []
    name: str
    genes: list[str] = []
    family: str | None = Field(default=None, description="osteopetrosis | cno when the disease belongs to one")
    log10_likelihood_ratio: float = Field(description="composite likelihood ratio against the average annotated disease")
    post_test_probability: float = Field(description="assuming one of the indexed diseases, each equally likely before")
    matched: list[TermEvidence] = []
    excluded_in_child: list[TermEvidence] = Field(default=[], description="the disease's features the child does not have")
    look_for: list[LookFor] = Field(default=[], description="frequent features of the disease not recorded in the child")
    onset_log10_lr: float = 0.0
    sex_log10_lr: float = 0.0


class Differential(Contract):
    """Phenotype-driven differential over all rare diseases HPO annotates. Decision support: to be checked by the
    responsible clinician; a ranking, never a diagnosis."""

    patient_id: str
    source: str
    rarebone_version: str = __version__
    knowledge_version: str
    hpo_release: str
    annotation_release: str
    diseases_indexed: int
    method: str
    pretest: str
    notice: str
    diseases: list[RankedDiseaseOut]
    terms_used: int
    terms_not_understood: list[str] = []
    warnings: list[str] = []
    model_certainty: str = Field(description="the model's numbers are calibration settings (DDX-* entries), unverified")


def _families(kb: KnowledgeBase) -> dict[str, tuple[set[str], str]]:
    from rarebone.knowledge.kinds.osteopetrosis import Gene

    op_ids = set()
    for gene in kb.of_kind(Gene):
        op_ids.update(i for i in (gene.omim, gene.orpha) if i)
    cno = kb.get("DDX-FAMILY-CNO").values
    return {
        "osteopetrosis": (op_ids, str(kb.get("DDX-FAMILY-OSTEOPETROSIS").values["name_contains"]).lower()),
        "cno": (set(str(cno["ids"]).split()), str(cno["name_contains"]).lower()),
    }


def family_of(disease_ids: list[str], name: str, families: dict) -> str | None:
    for key, (ids, name_part) in families.items():
        if any(d in ids for d in disease_ids) or name_part in name.lower():
            return key
    return None


def differential_for(patient: Patient, top: int = 20, kb: KnowledgeBase | None = None,
                     warnings: list[str] | None = None, on_build=None) -> Differential:
    from rarebone.phenotype import ontology
    from rarebone.phenotype.differential import load_index, parameters, query_from_patient, rank
    from rarebone.phenotype.labs import with_lab_findings

    kb = kb or load()
    # out-of-range labs as HPO terms (anaemia, thrombocytopenia, hypocalcaemia...), as the assessment reads them;
    # a term the record states itself (present or excluded) is never overridden
    patient, _ = with_lab_findings(patient, kb)
    onto = ontology()
    params = parameters(kb)
    index = load_index(params, on_build)
    query = query_from_patient(patient, params)
    ranked, unknown = rank(index, query, params, top=top)
    families = _families(kb)

    def label(term_id: str | None) -> str | None:
        return onto.name(term_id) if term_id else None

    def kind(query_id: str, matched: str | None) -> str:
        if matched is None:
            return "not explained"
        if matched == query_id:
            return "exact"
        return "more specific in the child" if onto.is_a(query_id, matched) else "related"

    out = []
    for item in ranked:
        out.append(RankedDiseaseOut(
            rank=item.rank, disease_id=item.disease_id, same_disease_ids=item.same_disease_ids, name=item.name,
            genes=item.genes, family=family_of([item.disease_id, *item.same_disease_ids], item.name, families),
            log10_likelihood_ratio=round(item.log10_lr, 3), post_test_probability=item.post_test_probability,
            matched=[TermEvidence(term_id=m.query_id, term_label=label(m.query_id) or m.query_id, matched_id=m.matched_id,
                                  matched_label=label(m.matched_id), match=kind(m.query_id, m.matched_id),
                                  frequency=m.frequency, log10_lr=round(m.log10_lr, 3)) for m in item.matches],
            excluded_in_child=[TermEvidence(term_id=m.query_id, term_label=label(m.query_id) or m.query_id,
                                            matched_id=m.matched_id, matched_label=label(m.matched_id),
                                            match="excluded in child", frequency=m.frequency,
                                            log10_lr=round(m.log10_lr, 3)) for m in item.excluded_conflicts],
            look_for=[LookFor(term_id=t, term_label=label(t) or t, frequency=None if f is None else round(f, 3))
                      for t, f in item.look_for],
            onset_log10_lr=round(item.onset_log10_lr, 3), sex_log10_lr=round(item.sex_log10_lr, 3),
        ))
    notes = list(warnings or [])
    if not query.observed:
        notes.append("no observed HPO feature: the ranking says nothing (record the child's findings first)")
    return Differential(
        patient_id=patient.patient_id, source=patient.source, knowledge_version=kb.version,
        hpo_release=index.hpo_release, annotation_release=index.annotation_release,
        diseases_indexed=index.n_diseases,
        method="likelihood ratio per feature over HPO disease annotations (LIRICAL-style; docs/differential.md)",
        pretest=f"uniform over the {index.n_diseases} indexed OMIM and Orphanet diseases",
        notice=kb.get("NOTICE-DECISION-SUPPORT").text if "NOTICE-DECISION-SUPPORT" in kb.entries else
        "Decision support only: to be checked by the responsible clinician.",
        diseases=out, terms_used=len(query.observed) + len(query.excluded), terms_not_understood=unknown,
        warnings=notes, model_certainty="unverified: calibration settings DDX-* (rarebone knowledge list --prefix DDX)",
    )


def differential_file(path: Path | str, top: int = 20, on_build=None) -> Differential:
    from rarebone.intake import read_phenopacket

    result = read_phenopacket(path)
    return differential_for(result.patient, top=top, warnings=list(result.warnings), on_build=on_build)


_LEVELS = ("none", "low", "moderate", "high")


def add_differential(assessment, patient: Patient, top: int, kb: KnowledgeBase | None = None, on_build=None):
    """The assessment with its differential block, and a warning when a disease of neither family ranks above
    both while one of them is in question, with the knowledge base's distinguishing tests where it has them."""
    kb = kb or load()
    block = differential_for(patient, top=top, kb=kb, on_build=on_build)
    warnings = list(assessment.warnings)
    in_question = [key for key, s in assessment.suspicion.items() if _LEVELS.index(s.level.value) >= 1]
    if block.diseases and in_question and block.diseases[0].family is None:
        first = block.diseases[0]
        best_family = {key: next((d for d in block.diseases if d.family == key), None) for key in in_question}
        behind = "; ".join(f"best {key} entry {d.name} at rank {d.rank}" if d else f"no {key} entry in the top {top}"
                           for key, d in best_family.items())
        tests = _distinguishing_tests(first.name, kb)
        warnings.append(f"differential: {first.name} ({first.disease_id}) ranks above "
                           f"{' and '.join(in_question)} on the recorded features ({behind})"
                           + (f"; to tell them apart: {tests}" if tests else "")
                           + " — a ranking to think with, not a diagnosis")
    return assessment.model_copy(update={"differential": block, "warnings": warnings})


def _distinguishing_tests(disease_name: str, kb: KnowledgeBase) -> str:
    """Distinguishing tests from the mimic and CNO look-alike entries whose name shares a word with the disease."""
    from rarebone.knowledge.kinds.cno import CnoDifferential
    from rarebone.knowledge.kinds.osteopetrosis import Mimic

    name = disease_name.lower()
    found = []
    for entry in kb.of_kind(CnoDifferential):
        words = [w for w in entry.name.lower().replace("/", " ").replace("(", " ").replace(")", " ").split() if len(w) > 4]
        if any(w in name for w in words):
            found.append(f"{entry.deciding_test} [{entry.id}]")
    for entry in kb.of_kind(Mimic):
        words = [w for w in entry.label.lower().replace("/", " ").split() if len(w) > 4 and w != "mimic"]
        if any(w in name for w in words):
            found.append(f"{'; '.join(entry.distinguish)} [{entry.id}]")
    return "; ".join(found)
