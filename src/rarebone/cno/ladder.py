"""Where a child stands on the CNO treatment ladder (from Phenopacket medicalActions) and what comes next."""

from __future__ import annotations

import datetime as dt

from rarebone.core.evidence import Contract
from rarebone.errors import InputError
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoLadderStep
from rarebone.patient import Patient

FAILURE_WORDS = ("no response", "refractory", "failure", "failed", "progress", "worse", "insufficient", "partial")


class DoseSeen(Contract):
    value: float | None = None
    unit: str | None = None  # as recorded (e.g. "UCUM:mg/kg"), for machines
    unit_text: str | None = None  # for people (e.g. "mg/kg")
    frequency: str | None = None


def unit_text(kb: KnowledgeBase, code: str | None) -> str | None:
    """A dose unit for people: UCUM/UO/NCIT ids resolved through the unit aliases, UCUM syntax spelled out
    (``mg/(kg.d)`` -> ``mg/kg/day``, ``mg/d`` -> ``mg/day``, ``ug`` -> ``µg``)."""
    if not code:
        return None
    from rarebone.knowledge import converter_for

    text = converter_for(kb).ucum(code) or code.removeprefix("UCUM:").removeprefix("ucum:")
    text = text.replace("(kg.d)", "kg/day").replace("(m2.d)", "m²/day").replace("/m2", "/m²").replace("ug", "µg")
    if text.endswith("/d"):
        text = text[:-len("/d")] + "/day"
    return text


class TreatmentSeen(Contract):
    agent: str
    step: str | None
    drug_class: str | None
    start: dt.date | None = None
    end: dt.date | None = None
    dose: str | None = None
    doses: list[DoseSeen] = []
    response: str | None = None
    failed: bool = False
    knowledge_id: str | None = None


class LadderOption(Contract):
    step: str
    drug_class: str
    indication: str
    dose_text: str
    computed_dose: str | None = None
    knowledge_id: str
    certainty: str
    citations: list[str]


class LadderPosition(Contract):
    current_step: str | None
    treatments: list[TreatmentSeen]
    next_options: list[LadderOption]
    reasons: list[str] = []


def _step_for(kb: KnowledgeBase, label: str) -> CnoLadderStep | None:
    text = label.lower()
    for step in sorted(kb.of_kind(CnoLadderStep), key=lambda s: s.order):
        if any(agent in text for agent in step.agents):
            return step
    return None


def check_dose_dates(patient: Patient) -> None:
    """Raise InputError when a dose interval ends before it starts (names the JSON path of the end)."""
    for t in patient.treatments:
        for k, d in enumerate(t.doses):
            if d.start and d.end and d.start.date and d.end.date and d.end.date < d.start.date:
                raise InputError(f"dose interval ends ({d.end.date}) before it starts ({d.start.date})",
                                 path=f"{t.json_path}.treatment.doseIntervals[{k}].interval.end", value=d.end.date.isoformat())


def read_treatments(patient: Patient, kb: KnowledgeBase) -> list[TreatmentSeen]:
    check_dose_dates(patient)
    out = []
    for t in patient.treatments:
        step = _step_for(kb, f"{t.agent_label} {t.agent_id}")
        starts = [d.start.date for d in t.doses if d.start and d.start.date]
        ends = [d.end.date for d in t.doses if d.end and d.end.date]
        doses = [DoseSeen(value=d.value, unit=d.unit, unit_text=unit_text(kb, d.unit), frequency=d.frequency) for d in t.doses]
        dose = "; ".join(f"{d.value:g} {d.unit_text}" + (f" {d.frequency}" if d.frequency else "") for d in doses if d.value is not None)
        text = " ".join(x for x in (t.response, t.termination_reason) if x).lower()
        out.append(TreatmentSeen(
            agent=t.agent_label or t.agent_id, step=step.step if step else None, drug_class=step.drug_class if step else None,
            start=min(starts) if starts else None, end=max(ends) if ends else None, dose=dose or None, doses=doses,
            response=t.response or t.termination_reason, failed=any(w in text for w in FAILURE_WORDS),
            knowledge_id=step.id if step else None))
    return out


def _rung(step: CnoLadderStep) -> int | None:
    """'1', '1b' -> 1; '2' -> 2; 'bridge' -> None (a bridge goes with any rung)."""
    digits = "".join(ch for ch in step.step if ch.isdigit())
    return int(digits) if digits else None


def ladder_position(patient: Patient, kb: KnowledgeBase, weight_kg: float | None, spinal: bool) -> LadderPosition:
    """Current step = the highest step among recorded drugs. Next options = the steps not yet tried at the current
    rung or above; at the top rung, the untried second-line alternatives stay on offer (a child refractory to
    IL-1 blockade who never had a TNF inhibitor still has one). Per-kg doses computed where the knowledge gives
    one (capped). References: CNO-LADDER-*."""
    steps = sorted(kb.of_kind(CnoLadderStep), key=lambda s: s.order)
    seen = read_treatments(patient, kb)
    tried = {t.knowledge_id for t in seen if t.knowledge_id}
    used = [kb.get(k) for k in tried]
    current = max(used, key=lambda s: s.order) if used else None
    reasons = []
    if current is None:
        reasons.append("no CNO treatment recorded: start at step 1 (NSAID)")
        candidates = steps
    else:
        on_current = [t for t in seen if t.knowledge_id == current.id]
        failed = [t for t in on_current if t.failed]
        reasons.append(f"current step {current.step} ({current.drug_class})"
                       + ("; response recorded as failure: " + failed[0].response if failed else ""))
        if not failed and any(t.end is None for t in on_current) and not any(t.response for t in on_current):
            reasons.append(f"{on_current[0].agent} is ongoing with no response recorded: assess the response "
                           "(PedCNO, imaging) before escalating")
        rungs = sorted({r for r in (_rung(s) for s in steps) if r is not None})
        second_line = rungs[1] if len(rungs) > 1 else rungs[0]
        current_rung = _rung(current) or second_line
        floor = min(current_rung, second_line) if current_rung == rungs[-1] else current_rung
        candidates = [s for s in steps if s.id not in tried and (_rung(s) is None or _rung(s) >= floor)]
    if spinal:
        reasons.append("vertebral lesion: spinal involvement is an indication for step 2 (CARRA plans) beside NSAIDs")
    options = []
    for s in candidates:
        computed = None
        if s.dose_mg_per_kg_per_day is not None and weight_kg is not None:
            mg = s.dose_mg_per_kg_per_day * weight_kg
            capped = s.max_mg_per_day is not None and mg > s.max_mg_per_day
            mg = min(mg, s.max_mg_per_day) if s.max_mg_per_day is not None else mg
            computed = f"{mg:g} mg/day for {weight_kg:g} kg" + (" (capped at the daily maximum)" if capped else "") + (
                " (UNVERIFIED dose)" if s.certainty == "unverified" else "")
        options.append(LadderOption(step=s.step, drug_class=s.drug_class, indication=s.indication, dose_text=s.dose_text,
                                    computed_dose=computed, knowledge_id=s.id, certainty=s.certainty,
                                    citations=list(s.sources)))
    return LadderPosition(current_step=current.step if current else None, treatments=seen, next_options=options,
                          reasons=reasons)
