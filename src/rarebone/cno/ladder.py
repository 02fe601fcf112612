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
    # a termination reason is recorded: the treatment has ended, at ``end`` or on a day the record does not give
    stopped: bool = False


class LadderOption(Contract):
    step: str
    drug_class: str
    indication: str
    dose_text: str
    computed_dose: str | None = None
    dose_mg_per_day: float | None = None  # the dose to give (after any cap); None when not computed
    dose_by_weight_mg_per_day: float | None = None  # per-kg dose x weight, before the cap
    capped: bool = False
    max_mg_per_day: float | None = None
    max_certainty: str | None = None
    max_note: str | None = None  # where the maximum comes from (and that it is a setting when UNVERIFIED)
    max_set_by_prescriber: bool = False
    dose_refused: str | None = None  # why no dose is computed (e.g. below the label's lowest weight)
    note: str | None = None  # the step's caution (e.g. kidney function before anakinra), printed beside it
    knowledge_id: str
    certainty: str
    citations: list[str]


class WithheldOption(Contract):
    """A step the ladder does not offer now, and the condition the record does not (yet) meet."""

    step: str
    drug_class: str
    knowledge_id: str
    needs: str
    record_shows: str
    citations: list[str]


class LadderPosition(Contract):
    current_step: str | None
    treatments: list[TreatmentSeen]
    next_options: list[LadderOption]
    withheld: list[WithheldOption] = []
    reasons: list[str] = []
    as_of: dt.date | None = None
    second_line_open: bool = False
    refractory: bool = False


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
            knowledge_id=step.id if step else None, stopped=bool(t.termination_reason)))
    return out


def _rung(step: CnoLadderStep) -> int | None:
    """'1', '1b' -> 1; '2' -> 2; 'bridge' -> None (a bridge goes with any rung)."""
    digits = "".join(ch for ch in step.step if ch.isdigit())
    return int(digits) if digits else None


NSAID_STEP, BISPHOSPHONATE_STEP, GLUCOCORTICOID_STEP = "CNO-LADDER-NSAID", "CNO-LADDER-BISPHOSPHONATE", "CNO-LADDER-GLUCOCORTICOID"
TRIAL_DAYS = "CNO-CARRA-NSAID-TRIAL-DAYS"


def nsaid_trial(kb: KnowledgeBase, seen: list[TreatmentSeen], as_of: dt.date | None) -> tuple[bool, str]:
    """CARRA entry (ZHAO2018, Table 1): active disease after >= 4 weeks of NSAID. A failed NSAID counts when it
    ran at least the trial length (start to end, or to ``as_of`` while ongoing). A stopped NSAID without an end date
    ran for a length the record does not give: not measured to ``as_of`` (it would count the weeks since it was
    stopped as a trial), so the trial cannot be checked. Returns (met, what the record shows)."""
    from rarebone.cno.findings import threshold

    days_needed = threshold(kb, TRIAL_DAYS)
    nsaids = [t for t in seen if t.knowledge_id == NSAID_STEP]
    if not nsaids:
        return False, "no NSAID recorded"
    failed = [t for t in nsaids if t.failed]
    if not failed:
        return False, "NSAID recorded without a failed response (" + "; ".join(
            f"{t.agent}: {t.response or 'response not recorded'}" for t in nsaids) + ")"
    shown = []
    for t in failed:
        if t.start is None:
            shown.append(f"{t.agent} failed but its start date is not recorded: the {days_needed:g}-day trial cannot be checked")
            continue
        if t.end is None and t.stopped:
            shown.append(f"{t.agent} stopped ({t.response}) on a day the record does not give, started {t.start}: the "
                         f"{days_needed:g}-day trial cannot be checked; record when it was stopped")
            continue
        if t.end is None and as_of is None:
            shown.append(f"{t.agent} failed, ongoing since {t.start}, and no plan date was given to measure the trial")
            continue
        days = ((t.end or as_of) - t.start).days
        if days >= days_needed:
            return True, (f"{t.agent} failed after {days} days ({t.start} to {t.end or f'{as_of}, ongoing'}; "
                          f"at least {days_needed:g} days needed)")
        shown.append(f"{t.agent} failed after only {days} days ({t.start} to {t.end or f'{as_of}, ongoing'}; "
                     f"CARRA needs active disease after at least {days_needed:g} days of NSAID)")
    return False, "; ".join(shown)


def refractory_s4(seen: list[TreatmentSeen]) -> tuple[bool, str]:
    """S4's refractory CNO: unresponsive to NSAID and to bisphosphonates and/or glucocorticoids."""
    nsaid = [t.agent for t in seen if t.knowledge_id == NSAID_STEP and t.failed]
    second = [t.agent for t in seen if t.knowledge_id in (BISPHOSPHONATE_STEP, GLUCOCORTICOID_STEP) and t.failed]
    shown = (f"NSAID failed: {', '.join(nsaid) or 'no'}; bisphosphonate or glucocorticoid failed: {', '.join(second) or 'no'}")
    return bool(nsaid and second), shown


def _dose(s: CnoLadderStep, weight_kg: float | None, max_override: float | None) -> dict:
    """Per-kg daily dose x weight, capped at the step's daily maximum (or the prescriber's), refused below the
    label's lowest weight. Every number from the knowledge entry; the cap's certainty travels with it."""
    if s.dose_mg_per_kg_per_day is None or weight_kg is None:
        return {}
    if s.min_weight_kg is not None and weight_kg < s.min_weight_kg:
        return {"dose_refused": (f"no dose computed for {weight_kg:g} kg: below {s.min_weight_kg:g} kg"
                                 + (f" ({s.min_weight_note})" if s.min_weight_note else ""))}
    by_weight = s.dose_mg_per_kg_per_day * weight_kg
    cap = max_override if max_override is not None else s.max_mg_per_day
    capped = cap is not None and by_weight > cap
    mg = min(by_weight, cap) if capped else by_weight
    mark = "" if max_override is not None else {"unverified": " [UNVERIFIED maximum]", "secondary": " [maximum from a secondary source]"}.get(s.max_certainty or "", "")
    text = f"{mg:g} mg/day for {weight_kg:g} kg ({s.dose_mg_per_kg_per_day:g} mg/kg/day)"
    if capped:
        whose = "the prescriber's" if max_override is not None else "the"
        text = (f"{mg:g} mg/day for {weight_kg:g} kg: {s.dose_mg_per_kg_per_day:g} mg/kg/day would be {by_weight:g} mg/day, "
                f"capped at {whose} daily maximum of {cap:g} mg{mark}")
    elif cap is not None:
        text += f"; daily maximum {cap:g} mg{mark}"
    if s.certainty == "unverified":
        text += " (UNVERIFIED dose)"
    return {"computed_dose": text, "dose_mg_per_day": mg, "dose_by_weight_mg_per_day": by_weight, "capped": capped,
            "max_mg_per_day": cap, "max_certainty": None if max_override is not None else s.max_certainty,
            "max_note": ("set by the prescriber (--anakinra-max-mg-per-day)" if max_override is not None else s.max_note),
            "max_set_by_prescriber": max_override is not None}


def ladder_position(patient: Patient, kb: KnowledgeBase, weight_kg: float | None, spinal: bool,
                    as_of: dt.date | None = None, max_mg_per_day: dict[str, float] | None = None) -> LadderPosition:
    """Current step = the highest step among recorded drugs. A step is offered only when its condition holds:
    first line always; second line (CARRA plans: DMARD, TNF inhibitor, bisphosphonate, and the glucocorticoid
    bridge allowed beside them) after active disease on >= 4 weeks of NSAID or with an active vertebral lesion
    (ZHAO2018); IL-1 blockade only when refractory as S4 defines it. Steps below the current rung are not offered
    again; at the top rung the untried second-line alternatives stay on offer. The others are listed as withheld,
    with what the record shows. ``as_of`` (default today) ends an ongoing NSAID trial; ``max_mg_per_day`` maps a
    step id to a prescriber's daily maximum. References: CNO-LADDER-*, CNO-CARRA-NSAID-TRIAL-DAYS."""
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
        still_given = any(t.end is None and not t.stopped for t in on_current)
        if not failed and still_given and not any(t.response for t in on_current):
            reasons.append(f"{on_current[0].agent} is ongoing with no response recorded: assess the response "
                           "(PedCNO, imaging) before escalating")
        rungs = sorted({r for r in (_rung(s) for s in steps) if r is not None})
        second_line = rungs[1] if len(rungs) > 1 else rungs[0]
        current_rung = _rung(current) or second_line
        floor = min(current_rung, second_line) if current_rung == rungs[-1] else current_rung
        candidates = [s for s in steps if s.id not in tried and (_rung(s) is None or _rung(s) >= floor)]
    trial_met, trial_shows = nsaid_trial(kb, seen, as_of)
    second_open = trial_met or spinal
    if trial_met:
        reasons.append(f"second line open (CARRA entry): {trial_shows}")
    if spinal:
        reasons.append("second line open (CARRA entry): active vertebral lesion - eligible for any of the three CARRA "
                       "plans whatever the NSAID trial")
    refractory, refractory_shows = refractory_s4(seen)
    if refractory:
        reasons.append(f"refractory as S4 defines it: {refractory_shows}")
    needs = {"second_line": (second_open, trial_shows + "; no active vertebral lesion recorded"),
             "refractory": (refractory, refractory_shows)}
    options, withheld = [], []
    for s in candidates:
        ok, shows = needs.get(s.requires, (True, ""))
        if not ok:
            withheld.append(WithheldOption(step=s.step, drug_class=s.drug_class, knowledge_id=s.id, needs=s.indication,
                                           record_shows=shows, citations=list(s.sources)))
            continue
        options.append(LadderOption(step=s.step, drug_class=s.drug_class, indication=s.indication, dose_text=s.dose_text,
                                    note=s.note, knowledge_id=s.id, certainty=s.certainty, citations=list(s.sources),
                                    **_dose(s, weight_kg, (max_mg_per_day or {}).get(s.id))))
    return LadderPosition(current_step=current.step if current else None, treatments=seen, next_options=options,
                          withheld=withheld, reasons=reasons, as_of=as_of, second_line_open=second_open,
                          refractory=refractory)
