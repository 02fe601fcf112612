"""``rarebone cno plan``: ladder position, next options, pamidronate calendars, from one Phenopacket."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rarebone.core.evidence import Contract
from rarebone.errors import InputError, RareboneError
from rarebone.intake import read_phenopacket
from rarebone.knowledge import KnowledgeBase, load
from rarebone.cno.findings import FindingEvaluator
from rarebone.cno.ladder import LadderPosition, ladder_position
from rarebone.cno.pamidronate import PamidronateCalendar, pamidronate_calendar
from rarebone.cno.record import read_cno_record
from rarebone.knowledge.kinds.cno import CnoRegimen


class CnoPlan(Contract):
    patient_id: str
    knowledge_version: str
    notice: str
    weight_kg: float | None
    weight_check: str | None = None
    ladder: LadderPosition
    pamidronate: list[PamidronateCalendar]
    requested_outside_ladder: str | None = None  # a calendar the ladder does not offer, computed on request: why, and the reason given
    missing_data: list[str] = []
    warnings: list[str] = []


WEIGHT_FIELD = "$.measurements (LOINC 29463-7 body weight)"


def _checked_weight(kb: KnowledgeBase, patient, weight) -> str:
    """The latest body weight, checked against the growth reference for the age on the day it was weighed."""
    from rarebone.patient.growth import age_on, check_weight

    if weight is None:
        check_weight(kb, None, patient.age_days, path=WEIGHT_FIELD)
    when = weight.time.date if weight.time else None
    age = age_on(patient.date_of_birth, patient.age_days, when, weight.time.age_days if weight.time else None)
    r = check_weight(kb, weight.value, age, path=f"{weight.json_path}.value.quantity.value" if weight.json_path else WEIGHT_FIELD)
    dated = f" on {when}" if when else ""
    return (f"weight {weight.value:g} kg{dated} accepted: plausible range {r.describe()} "
            f"(WHO growth reference, {r.knowledge_ids[0]} widened by {r.knowledge_ids[1]}; catches typing and unit errors)")


def build_plan(path: Path, kb: KnowledgeBase | None = None, start: dt.date | None = None,
               regimen: str | None = None, ladder_only: bool = False, as_of: dt.date | None = None,
               reason: str | None = None, anakinra_max_mg_per_day: float | None = None) -> CnoPlan:
    """Ladder and pamidronate calendars. Without a body weight (or with one implausible for age) no dose is
    computed and the command stops with a one-line error, unless ``ladder_only`` (then no dose at all).
    Calendars are computed only when the ladder offers a bisphosphonate (or one is ongoing without failure);
    otherwise ``regimen``/``start`` with a ``reason`` asks for one, and the output records both.
    ``as_of`` (default today) is the date an ongoing NSAID trial is measured to."""
    kb = kb or load()
    if anakinra_max_mg_per_day is not None and not anakinra_max_mg_per_day > 0:
        raise InputError("the daily maximum must be above 0 mg", path="--anakinra-max-mg-per-day", value=anakinra_max_mg_per_day)
    # a path, or a child already read (IntakeResult: the workbench reads registry patients, not files)
    source = (path.patient.source or "record") if hasattr(path, "patient") else str(path)
    try:
        intake = path if hasattr(path, "patient") else read_phenopacket(path)
        return plan_for_intake(intake, kb, start, regimen, ladder_only, as_of, reason, anakinra_max_mg_per_day)
    except RareboneError as exc:
        if not (exc.path or "").startswith("--"):  # a bad option is not the file's fault
            exc.source = exc.source or source
        raise


def plan_for_intake(intake, kb: KnowledgeBase, start: dt.date | None = None, regimen: str | None = None,
                    ladder_only: bool = False, as_of: dt.date | None = None, reason: str | None = None,
                    anakinra_max: float | None = None) -> CnoPlan:
    """``build_plan`` for a child already read (the Python API reads dicts and protobuf messages too)."""
    from rarebone.core.clock import today
    from rarebone.phenotype import ontology

    if anakinra_max is not None and not anakinra_max > 0:
        raise InputError("the daily maximum must be above 0 mg", path="--anakinra-max-mg-per-day", value=anakinra_max)
    patient = intake.patient
    record = read_cno_record(patient.extensions.get("cno"), kb)
    weights = [m for m in patient.measurements_of("weight") if m.value is not None]
    weights.sort(key=lambda m: (m.time.date if m.time and m.time.date else dt.date.min))
    weight = weights[-1] if weights else None
    weight_kg = weight.value if weight else None
    weight_check = None
    if weight is not None or not ladder_only:
        weight_check = _checked_weight(kb, patient, weight)
    spinal = FindingEvaluator(patient, record, kb, ontology())("CNO-FINDING-AXIAL-SITE")
    spine = bool(spinal.fact and "vertebra" in spinal.fact)
    as_of = as_of or today()  # the one clock, so RAREBONE_TODAY replays a run
    caps = {"CNO-LADDER-ANAKINRA": anakinra_max} if anakinra_max is not None else None
    ladder = ladder_position(patient, kb, None if ladder_only else weight_kg, spine, as_of=as_of, max_mg_per_day=caps)
    missing = []
    requested = None
    warnings = list(intake.warnings)
    calendars = []
    if ladder_only:
        missing.append("--ladder-only: no dose and no pamidronate calendar computed")
    else:
        tried_bisphosphonate = [t for t in ladder.treatments if t.drug_class == "bisphosphonate"]
        outside = _outside_ladder(ladder, tried_bisphosphonate)
        asked = regimen is not None or start is not None
        if outside and not asked:
            missing.append(f"no pamidronate calendar: {outside}; give --regimen or --start with --reason to compute one anyway")
        elif outside and not (reason and reason.strip()):
            raise InputError(f"pamidronate is outside the ladder's conditions for this child ({outside}): "
                             "give --reason TEXT to compute a calendar anyway", path="--reason")
        else:
            if outside:
                requested = f"calendar computed on request although {outside}; reason given: \"{reason.strip()}\""
            if start is None:
                pam = [t for t in tried_bisphosphonate if "pamidron" in t.agent.lower() and t.start]
                start = pam[0].start if pam else None
            keys = [regimen] if regimen else [r.key for r in kb.of_kind(CnoRegimen)]
            calendars = [pamidronate_calendar(kb, key, weight_kg, start) for key in keys]
        weighed = weight.time.date if weight and weight.time else None
        limit = kb.get("CNO-WEIGHT-RECENT-DAYS")
        if start and weighed and (start - weighed).days > limit.value:
            warnings.append(f"the weight ({weight_kg:g} kg) was measured on {weighed}, {(start - weighed).days} days before the "
                            f"first infusion on {start}: re-weigh the child and recompute the doses "
                            f"(more than {limit.value:g} days; UNVERIFIED rarebone choice, {limit.id})")
        elif start and not weighed:
            warnings.append(f"the weight ({weight_kg:g} kg) has no date: confirm it is current before dosing")
    return CnoPlan(patient_id=patient.patient_id, knowledge_version=kb.version,
                   notice=kb.get("NOTICE-DECISION-SUPPORT").text, weight_kg=weight_kg, weight_check=weight_check, ladder=ladder,
                   pamidronate=calendars, requested_outside_ladder=requested, missing_data=missing, warnings=warnings)


def _outside_ladder(ladder: LadderPosition, tried_bisphosphonate) -> str | None:
    """Why a pamidronate calendar is outside the ladder now, or None when it is within (offered, or ongoing
    without a failed response)."""
    failed = [t for t in tried_bisphosphonate if t.failed]
    if failed:
        t = failed[0]
        return f"{t.agent} was given ({t.start or '?'} to {t.end or 'ongoing'}) with response '{t.response}'"
    if any(t.end is None for t in tried_bisphosphonate):
        return None  # a course in progress: the calendar continues it
    if any(o.drug_class == "bisphosphonate" for o in ladder.next_options):
        return None
    held = [w for w in ladder.withheld if w.drug_class == "bisphosphonate"]
    if held:
        return f"a bisphosphonate is not offered yet: it needs {held[0].needs}; the record shows {held[0].record_shows}"
    return "a bisphosphonate is not among the next options"
