"""Disease activity per visit (PGA, pain, ESR, CRP, C-HAQ, MRI lesion count) and PedCNO30/50/70 responses
between visits, under both published readings of the worsening rule (UNVERIFIED, sources disagree)."""

from __future__ import annotations

import datetime as dt

from rarebone.core.evidence import Contract
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoResponseDefinition
from rarebone.patient import Patient
from rarebone.cno.findings import threshold
from rarebone.cno.record import CnoRecord


class VisitActivity(Contract):
    date: dt.date
    label: str
    pga: float | None = None
    pga_scale: str | None = None
    patient_pain: float | None = None
    patient_global: float | None = None
    chaq: float | None = None
    esr_mm_per_h: float | None = None
    esr_normal: bool | None = None
    crp_mg_per_l: float | None = None
    crp_normal: bool | None = None
    esr_date: dt.date | None = None
    crp_date: dt.date | None = None
    mri_lesions: int | None = None
    pedcno_core: dict[str, float | None] = {}


class PedCnoResponse(Contract):
    reference_visit: str
    visit: str
    level: int
    reading: str
    result: str  # met, not_met, undetermined
    improved: list[str]
    worsened: list[str]
    missing: list[str]
    knowledge_id: str
    certainty: str
    disagreement: str | None = None
    citations: list[str]


def lab_near(patient: Patient, analyte: str, date: dt.date, window_days: float) -> tuple[float | None, bool | None, dt.date | None]:
    """The measurement of ``analyte`` nearest to ``date`` within +/- ``window_days`` (CNO-LAB-VISIT-WINDOW);
    of two equally near, the earlier. Returns (value, normal by the reference range or None, date measured)."""
    candidates = [m for m in patient.measurements_of(analyte) if m.time and m.time.date and m.value is not None
                  and abs((m.time.date - date).days) <= window_days]
    if not candidates:
        return None, None, None
    m = min(candidates, key=lambda m: (abs((m.time.date - date).days), m.time.date))
    above, _ = m.outside_reference("above")
    normal = None if above is None else not above
    return m.value, normal, m.time.date


PEDCNO_LESION_MODALITIES = ("wbmri",)  # the PedCNO core variable counts MRI lesions; only a whole-body MRI counts them all


def _lesion_count(record: CnoRecord, date: dt.date, window_days: float) -> int | None:
    """Lesions on the whole-body MRI nearest the visit within +/- ``window_days`` (CNO-IMAGING-VISIT-WINDOW;
    of two equally near, the earlier); None (missing) when there is none - a local MRI or an older study
    does not supply the count."""
    studies = [s for s in record.studies if s.modality in PEDCNO_LESION_MODALITIES
               and abs((s.date - date).days) <= window_days]
    if not studies:
        return None
    study = min(studies, key=lambda s: (abs((s.date - date).days), s.date))
    return sum(1 for les in study.lesions if les.present)


def visit_activity(patient: Patient, record: CnoRecord, kb: KnowledgeBase) -> list[VisitActivity]:
    window = threshold(kb, "CNO-LAB-VISIT-WINDOW")
    imaging_window = threshold(kb, "CNO-IMAGING-VISIT-WINDOW")
    out = []
    for v in record.visits:
        esr, esr_ok, esr_date = lab_near(patient, "esr", v.date, window)
        crp, crp_ok, crp_date = lab_near(patient, "crp", v.date, window)
        lesions = _lesion_count(record, v.date, imaging_window)
        core = {"esr": esr, "mri_lesions": None if lesions is None else float(lesions), "pga": v.pga,
                "patient_global": v.patient_global, "chaq": v.chaq}
        out.append(VisitActivity(date=v.date, label=v.label, pga=v.pga, pga_scale=record.pga_scale,
                                 patient_pain=v.patient_pain, patient_global=v.patient_global, chaq=v.chaq,
                                 esr_mm_per_h=esr, esr_normal=esr_ok, crp_mg_per_l=crp, crp_normal=crp_ok,
                                 esr_date=esr_date, crp_date=crp_date,
                                 mri_lesions=lesions, pedcno_core=core))
    return out


def pedcno_response(base: VisitActivity, now: VisitActivity, rule: CnoResponseDefinition) -> PedCnoResponse:
    """Improvement = (baseline - now) / baseline per core variable (a baseline of 0 cannot improve: missing).
    Met when enough improved and, counting missing variables as possibly worsened, few enough worsened."""
    improved, worsened, missing = [], [], []
    for var in rule.variables:
        b, n = base.pedcno_core.get(var), now.pedcno_core.get(var)
        if b is None or n is None or b == 0:
            missing.append(var)
            continue
        change = (b - n) / b
        if change >= rule.improvement_fraction:
            improved.append(var)
        worse = -change
        if (worse >= rule.worsening_fraction) if rule.worsening_inclusive else (worse > rule.worsening_fraction):
            worsened.append(var)
    if len(improved) >= rule.min_improved and len(worsened) + len(missing) <= rule.max_worsened:
        result = "met"
    elif len(improved) + len(missing) < rule.min_improved or len(worsened) > rule.max_worsened:
        result = "not_met"
    else:
        result = "undetermined"
    reading = "worsening " + (">=" if rule.worsening_inclusive else ">") + f" {rule.worsening_fraction:.0%}"
    return PedCnoResponse(reference_visit=base.label, visit=now.label, level=rule.level, reading=reading, result=result,
                          improved=improved, worsened=worsened, missing=missing, knowledge_id=rule.id,
                          certainty=rule.certainty, disagreement=rule.disagreement, citations=list(rule.sources))


def responses(kb: KnowledgeBase, visits: list[VisitActivity]) -> list[PedCnoResponse]:
    rules = sorted(kb.of_kind(CnoResponseDefinition), key=lambda r: (r.level, r.worsening_inclusive))
    return [pedcno_response(visits[0], v, r) for v in visits[1:] for r in rules]
