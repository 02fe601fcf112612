"""The differential checklist: each look-alike CNO must be told from, the test that decides, and its status
from the record (excluded / not_excluded / pointed_to)."""

from __future__ import annotations

from rarebone.core.evidence import FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoDifferential
from rarebone.cno.findings import FindingEvaluator
from rarebone.cno.models import ExclusionStatus
from rarebone.cno.record import CnoRecord


def differentials(kb: KnowledgeBase) -> list[CnoDifferential]:
    return list(kb.of_kind(CnoDifferential))


def exclusion_checklist(kb: KnowledgeBase, findings: FindingEvaluator, record: CnoRecord) -> list[ExclusionStatus]:
    """Status of each differential. A positive deciding test or a defining finding names it (pointed_to,
    defining); a negative deciding test excludes it; otherwise findings that point to it raise an alert.
    References: CNO-DDX-*."""
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
        out.append(ExclusionStatus(
            key=ddx.key, differential=ddx.name, status=status, dangerous=ddx.dangerous,
            deciding_test=ddx.deciding_test, pointing_findings=shown, excluded_by=by, defining=is_defining, tempers=ddx.tempers,
            knowledge_id=ddx.id, certainty=ddx.certainty, citations=list(ddx.sources)))
    return out
