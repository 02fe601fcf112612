"""Look-alikes of osteopetrosis: the leukaemia/JMML picture (cytopenias with leukocytosis, blasts or circulating
CD34+ cells, no skeletal survey or marrow examination yet) and the sclerosing dysplasias (op_lookalike)."""

from __future__ import annotations

from rarebone.core.evidence import Evidence, FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import LookAlike, Mimic
from rarebone.osteopetrosis.matching import UNKNOWN, Match, match_terms
from rarebone.osteopetrosis.results import MimicWarning
from rarebone.patient import Patient


_last: tuple = (None, None, [])  # (patient, kb, answer): suspicion and the mimic warnings ask about the same child


def pointed_lookalikes(patient: Patient, kb: KnowledgeBase, onto) -> list[tuple[LookAlike, list[Match]]]:
    """Sclerosing dysplasias whose every finding group is present (and no cancelling finding is)."""
    global _last
    last_patient, last_kb, answer = _last  # one read: another thread may replace the tuple, never half of it
    if patient is last_patient and kb is last_kb:
        return list(answer)
    out = []
    for entry in kb.of_kind(LookAlike):
        groups = [match_terms(patient, group, onto) for group in entry.all_of]
        if all(g.status is FactStatus.PRESENT for g in groups):
            if entry.unless_terms and match_terms(patient, entry.unless_terms, onto).status is FactStatus.PRESENT:
                continue
            out.append((entry, groups))
    _last = (patient, kb, tuple(out))
    return out


def _cd34_or_blasts(patient: Patient, mimic: Mimic) -> str | None:
    """A measured CD34+/blast fraction above the lab's reference limit; without a limit any cells reported count
    (the reference gives no number for an 'excess'), and the fact says so."""
    for m in patient.measurements:
        if m.analyte not in mimic.trigger_analytes or m.value is None:
            continue
        text = f"{m.assay_label or m.assay_id} {m.value:g} {m.unit or ''}".strip()
        above, how = m.outside_reference("above")
        if above is not None:
            if above:
                return f"{text} {how} ({m.json_path})"
        elif m.value > 0:
            return f"{text}, no reference range recorded ({m.json_path})"
    return None


def mimic_warnings(patient: Patient, kb: KnowledgeBase, onto) -> list[MimicWarning]:
    out = []
    for mimic in kb.of_kind(Mimic):
        cytopenia = match_terms(patient, mimic.cytopenia_terms, onto)
        trigger = match_terms(patient, mimic.trigger_terms, onto)
        measured = _cd34_or_blasts(patient, mimic)
        # Only a skeletal survey showing a generalised hallmark, or a marrow examination, settles the question;
        # a site-specific or 'increased density' term does not (issue 10, item 12).
        settled = match_terms(patient, mimic.radiology_terms, onto)
        marrow = match_terms(patient, mimic.marrow_terms, onto) if mimic.marrow_terms else UNKNOWN
        if cytopenia.status is FactStatus.PRESENT and (trigger.status is FactStatus.PRESENT or measured) \
                and settled.status is FactStatus.UNKNOWN and marrow.status is FactStatus.UNKNOWN:
            fact = trigger.describe() or ""
            if measured:
                fact = "; ".join(x for x in (fact, measured) if x)
            out.append(MimicWarning(
                id=mimic.id, label=mimic.label,
                text=f"{mimic.label}: cytopenia with leukocytosis, blasts, circulating CD34+ cells or a leukaemia/JMML "
                     "label, and neither a skeletal survey showing generalised osteosclerosis nor a marrow examination "
                     "recorded. Obtain a skeletal survey before a marrow-based diagnosis.",
                triggered_by=[
                    Evidence(knowledge_id=mimic.id, label="cytopenia", status=cytopenia.status, patient_fact=cytopenia.describe(), citations=list(mimic.sources)),
                    Evidence(knowledge_id=mimic.id, label="leukocytosis / blasts / CD34+ cells / leukaemia picture",
                             status=FactStatus.PRESENT, patient_fact=fact or None, citations=list(mimic.sources)),
                    Evidence(knowledge_id=mimic.id, label="skeletal survey with generalised osteosclerosis", status=settled.status,
                             patient_fact=settled.describe(), citations=list(mimic.sources)),
                    Evidence(knowledge_id=mimic.id, label="marrow examination", status=marrow.status,
                             patient_fact=marrow.describe(), citations=list(mimic.sources)),
                ],
                distinguish=list(mimic.distinguish), citations=list(mimic.sources),
            ))
    for entry, groups in pointed_lookalikes(patient, kb, onto):
        out.append(MimicWarning(
            id=entry.id, label=entry.label,
            text=f"{entry.label}: {entry.statement} Osteopetrosis suspicion is held at {entry.caps_level_at} until "
                 "the look-alike is excluded (rarebone's reading of HPO disease annotations; secondary).",
            triggered_by=[Evidence(knowledge_id=entry.id, label="finding", status=g.status, patient_fact=g.describe(),
                                   certainty=entry.certainty, citations=list(entry.sources)) for g in groups],
            distinguish=list(entry.distinguish), citations=list(entry.sources),
        ))
    return out
