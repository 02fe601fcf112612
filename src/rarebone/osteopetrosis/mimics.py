"""The leukaemia/JMML mimic: cytopenias with leukocytosis and no skeletal radiograph yet."""

from __future__ import annotations

from rarebone.core.evidence import Evidence, FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import Mimic
from rarebone.osteopetrosis.matching import match_terms
from rarebone.osteopetrosis.results import MimicWarning
from rarebone.patient import Patient


def mimic_warnings(patient: Patient, kb: KnowledgeBase, onto) -> list[MimicWarning]:
    out = []
    for mimic in kb.of_kind(Mimic):
        cytopenia = match_terms(patient, mimic.cytopenia_terms, onto)
        trigger = match_terms(patient, mimic.trigger_terms, onto)
        radiology = match_terms(patient, mimic.radiology_terms, onto)
        if cytopenia.status is FactStatus.PRESENT and trigger.status is FactStatus.PRESENT and radiology.status is FactStatus.UNKNOWN:
            out.append(MimicWarning(
                id=mimic.id, label=mimic.label,
                text=f"{mimic.label}: cytopenia with leukocytosis or a leukaemia/JMML label, and no skeletal radiograph "
                     "finding recorded. Obtain a skeletal survey before a marrow-based diagnosis.",
                triggered_by=[
                    Evidence(knowledge_id=mimic.id, label="cytopenia", status=cytopenia.status, patient_fact=cytopenia.describe(), citations=list(mimic.sources)),
                    Evidence(knowledge_id=mimic.id, label="leukocytosis / leukaemia picture", status=trigger.status, patient_fact=trigger.describe(), citations=list(mimic.sources)),
                    Evidence(knowledge_id=mimic.id, label="skeletal radiograph finding", status=radiology.status, citations=list(mimic.sources)),
                ],
                distinguish=list(mimic.distinguish), citations=list(mimic.sources),
            ))
    return out
