"""Published diagnostic criteria for CNO, item by item: Jansson 2009 score and Bristol 2016 criteria.
Unknown items stay unknown; a score gives the range the unknown items leave open."""

from __future__ import annotations

from rarebone.core.evidence import FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoCriterionItem, CnoCriterionSet
from rarebone.cno.findings import FindingEvaluator, threshold
from rarebone.cno.models import CriterionItem, CriterionResult

_VALUE = {FactStatus.PRESENT: "present", FactStatus.EXCLUDED: "absent", FactStatus.UNKNOWN: "unknown"}
_FLIP = {"present": "absent", "absent": "present", "unknown": "unknown"}


def _items(kb: KnowledgeBase, key: str, findings: FindingEvaluator) -> list[CriterionItem]:
    out = []
    for entry in kb.of_kind(CnoCriterionItem):
        if entry.criterion_set != key:
            continue
        found = findings(entry.finding)
        value = _VALUE[found.status]
        if entry.polarity == "absent":
            value = _FLIP[value]
        out.append(CriterionItem(
            key=entry.key, label=entry.label, value=value, patient_fact=found.fact, points=entry.points,
            group=entry.group, knowledge_id=entry.id, certainty=entry.certainty, citations=list(entry.sources)))
    return out


def jansson_score(kb: KnowledgeBase, findings: FindingEvaluator) -> CriterionResult:
    """Jansson clinical score (0-63). References: CNO-CRITERIA-JANSSON2009, CNO-JANSSON-* (points UNVERIFIED)."""
    spec = kb.get("CNO-CRITERIA-JANSSON2009")
    items = _items(kb, "jansson2009", findings)
    cut = threshold(kb, spec.threshold_id)
    score = sum(i.points for i in items if i.value == "present")
    best = score + sum(i.points for i in items if i.value == "unknown")
    result = "met" if score >= cut else ("not_met" if best < cut else "undetermined")
    note = ("Per-item points are UNVERIFIED (recalled; they sum to the verified maximum 63); "
            f"score {score:g} counts present items only, up to {best:g} if every unknown item were present.")
    return CriterionResult(name=spec.name, key=spec.key, result=result, score=score, score_max_possible=best,
                           threshold=cut, items=items, rule=spec.rule, certainty=spec.certainty, note=note,
                           citations=list(spec.sources))


def _group(items: list[CriterionItem], group: str) -> str:
    values = [i.value for i in items if i.group == group]
    if values and all(v == "present" for v in values):
        return "present"
    if any(v == "absent" for v in values):
        return "absent"
    return "unknown"


def bristol_criteria(kb: KnowledgeBase, findings: FindingEvaluator) -> CriterionResult:
    """Bristol criteria: a AND b AND (c1 OR c2). References: CNO-CRITERIA-BRISTOL2016, CNO-BRISTOL-*."""
    spec: CnoCriterionSet = kb.get("CNO-CRITERIA-BRISTOL2016")
    items = list(_items(kb, "bristol2016", findings))
    # (a) also needs no fever: bone pain with fever is not the typical picture.
    fever = findings("CNO-FINDING-FEVER")
    clinical = next(i for i in items if i.group == "a")
    if clinical.value == "present" and fever.status is not FactStatus.EXCLUDED:
        value = "absent" if fever.status is FactStatus.PRESENT else "unknown"
        items[items.index(clinical)] = clinical.model_copy(update={
            "value": value, "patient_fact": f"{clinical.patient_fact}; fever {_VALUE[fever.status]}"})
    # c1 sites: more than one bone, or the clavicle alone.
    sites = next(i for i in items if i.key == "c1_multifocal_or_clavicle")
    clavicle = findings("CNO-FINDING-CLAVICLE-ONLY")
    if sites.value != "present" and clavicle.status is FactStatus.PRESENT:
        items[items.index(sites)] = sites.model_copy(update={"value": "present", "patient_fact": clavicle.fact})
    a, b, c1, c2 = (_group(items, g) for g in ("a", "b", "c1", "c2"))
    if a == b == "present" and "present" in (c1, c2):
        result = "met"
    elif "absent" in (a, b) or (c1 == "absent" and c2 == "absent"):
        result = "not_met"
    else:
        result = "undetermined"
    note = "CRP threshold printed as 30 g/L in the source; read as 30 mg/L (sources disagree on the unit)."
    return CriterionResult(name=spec.name, key=spec.key, result=result, items=items, rule=spec.rule,
                           certainty=spec.certainty, note=note, citations=list(spec.sources))
