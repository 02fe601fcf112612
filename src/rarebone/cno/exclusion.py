"""The differential checklist: each look-alike CNO must be told from, the test that decides, and its status
from the record (excluded / not_excluded / pointed_to, printed as "ruled out" / "not yet checked" /
"present (or suspected): needs work-up"), and whether the Bristol pathway needs it for this child."""

from __future__ import annotations

from rarebone.core.evidence import FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoDifferential
from rarebone.cno.findings import FindingEvaluator
from rarebone.cno.models import CriterionResult, ExclusionStatus
from rarebone.cno.record import CnoRecord


def differentials(kb: KnowledgeBase) -> list[CnoDifferential]:
    return list(kb.of_kind(CnoDifferential))


def typical_picture(bristol: CriterionResult | None) -> bool:
    """Bristol criterion 1 met: typical clinical picture (a), typical imaging (b), and > 1 bone or the clavicle
    alone with CRP below the cut-off (c1) - the route to a diagnosis without biopsy (RODERICK2016)."""
    if bristol is None or bristol.result != "met":
        return False
    groups = {}
    for item in bristol.items:
        groups.setdefault(item.group, []).append(item.value)
    return all(all(v == "present" for v in groups.get(g, ["unknown"])) for g in ("a", "b", "c1"))


def _words(status: str, defining: bool, needed: bool) -> str:
    if status == "excluded":
        return "ruled out"
    if status == "pointed_to":
        return "present: needs work-up" if defining else "suspected: needs work-up"
    return "not yet checked" if needed else "not needed while typical"


def exclusion_checklist(kb: KnowledgeBase, findings: FindingEvaluator, record: CnoRecord,
                        bristol: CriterionResult | None = None) -> list[ExclusionStatus]:
    """Status of each differential. A positive deciding test or a defining finding names it (pointed_to,
    defining); a negative deciding test excludes it; otherwise findings that point to it raise an alert.
    When Bristol criterion 1 is met (``bristol``), a biopsy-decided look-alike that nothing points to is
    not needed (Bristol pathway); the others stay. References: CNO-DDX-*, CNO-PATHWAY-*."""
    typical = typical_picture(bristol)
    c1, always = kb.get("CNO-PATHWAY-BRISTOL-C1"), kb.get("CNO-PATHWAY-ALWAYS")
    out = []
    for ddx in differentials(kb):
        positive = [w for w in record.workup if w.test in ddx.tests and w.result == "positive"
                    and (w.shows is None or w.shows == ddx.key)]
        negative = [w for w in record.workup if w.test in ddx.tests and w.result == "negative"]
        defining = [findings(f) for f in ddx.defining]
        defining = [f for f in defining if f.status is FactStatus.PRESENT]
        pointers = [findings(f) for f in ddx.pointers]
        pointers = [f for f in pointers if f.status is FactStatus.PRESENT]
        shown = [f"{f.label}: {f.fact}" for f in defining + pointers]
        shown += [f"{w.test} positive" for w in positive]
        if positive or defining:
            status, by, is_defining = "pointed_to", None, True
        elif negative:
            status, is_defining = "excluded", False
            by = ", ".join(f"{w.test} negative" + (f" ({w.date})" if w.date else "") for w in negative)
        elif pointers:
            status, by, is_defining = "pointed_to", None, False
        else:
            status, by, is_defining = "not_excluded", None, False
        needed = not (typical and status == "not_excluded" and ddx.pathway == "when_atypical")
        path = c1 if ddx.pathway == "when_atypical" else always
        note = path.text if (typical and ddx.pathway == "when_atypical") else (
            always.text if ddx.pathway == "always" else "needed: Bristol criterion 1 is not met (or not yet known), "
                                                        "so the biopsy-decided look-alikes stay on the list")
        out.append(ExclusionStatus(
            key=ddx.key, differential=ddx.name, status=status, dangerous=ddx.dangerous,
            status_text=_words(status, is_defining, needed), needed=needed, pathway_note=note, pathway_id=path.id,
            pathway_certainty=path.certainty,
            deciding_test=ddx.deciding_test, pointing_findings=shown, excluded_by=by, defining=is_defining, tempers=ddx.tempers,
            knowledge_id=ddx.id, certainty=ddx.certainty, citations=list(ddx.sources)))
    return out
