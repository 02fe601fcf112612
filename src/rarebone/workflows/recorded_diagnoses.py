"""The diagnoses a record states, as the Assessment lists them, and their agreement with the recorded genotype.

Listed only: suspicion is not scored from them (the recognition rooms own that). A recorded diagnosis whose gene
(per the knowledge base) is not among the genes of the recorded variants is a warning; one that names a gene
while no genotype is recorded is missing data.
"""

from __future__ import annotations

from rarebone.core.evidence import Contract
from rarebone.knowledge import KnowledgeBase
from rarebone.patient import Patient


class RecordedDiagnosisOut(Contract):
    id: str
    label: str
    json_path: str
    recognised: bool
    knowledge_id: str | None = None  # DX-... cross-reference entry
    maps_to: str | None = None  # the knowledge base's disease entry (OP-GENE-..., CNO-MONO-...)
    kb_label: str | None = None
    condition: str | None = None  # osteopetrosis, cno, lookalike
    gene: str | None = None
    certainty: str | None = None
    citations: list[str] = []


def recorded_diagnoses(patient: Patient, kb: KnowledgeBase) -> tuple[list[RecordedDiagnosisOut], list[str], list[str]]:
    """(diagnoses as listed, warnings, missing data)."""
    out, warnings, missing = [], [], []
    variant_genes = sorted({v.gene_symbol for v in patient.variants if v.interpretation_status != "rejected"})
    for d in patient.recorded_diagnoses:
        entry = kb.get(d.xref_id) if d.xref_id else None
        out.append(RecordedDiagnosisOut(
            id=d.term_id, label=d.label, json_path=d.json_path, recognised=entry is not None, knowledge_id=d.xref_id,
            maps_to=d.kb_entry, kb_label=d.kb_label, condition=d.condition, gene=d.gene,
            certainty=entry.certainty if entry else None, citations=list(entry.sources) if entry else [],
        ))
        if not d.gene:
            continue
        name = f"{d.term_id} ({d.label or d.kb_label})"
        if variant_genes and d.gene not in variant_genes:
            warnings.append(f"{d.json_path}: recorded diagnosis {name} is a {d.gene} disease [{d.xref_id}], but the "
                            f"recorded variants are in {', '.join(variant_genes)}: the diagnosis and the genotype "
                            "disagree; check both")
        elif not variant_genes:
            missing.append(f"recorded diagnosis {name} is a {d.gene} disease [{d.xref_id}], but no genotype is recorded")
    return out, warnings, missing
