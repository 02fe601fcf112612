"""``rarebone cno plan``: ladder position, next options, pamidronate calendars, from one Phenopacket."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rarebone.core.evidence import Contract
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
    ladder: LadderPosition
    pamidronate: list[PamidronateCalendar]
    missing_data: list[str] = []
    warnings: list[str] = []


def build_plan(path: Path, kb: KnowledgeBase | None = None, start: dt.date | None = None,
               regimen: str | None = None) -> CnoPlan:
    from rarebone.phenotype import ontology

    kb = kb or load()
    intake = read_phenopacket(path)
    patient = intake.patient
    record = read_cno_record(patient.extensions.get("cno"), kb)
    weights = [m for m in patient.measurements_of("weight") if m.value is not None]
    weights.sort(key=lambda m: (m.time.date if m.time and m.time.date else dt.date.min))
    weight_kg = weights[-1].value if weights else None
    spinal = FindingEvaluator(patient, record, kb, ontology())("CNO-FINDING-AXIAL-SITE")
    spine = bool(spinal.fact and "vertebra" in spinal.fact)
    ladder = ladder_position(patient, kb, weight_kg, spine)
    missing = []
    calendars = []
    if weight_kg is None:
        missing.append("body weight (LOINC 29463-7): no dose is computed without it")
    else:
        if start is None:
            pam = [t for t in ladder.treatments if "pamidron" in t.agent.lower() and t.start]
            start = pam[0].start if pam else None
        keys = [regimen] if regimen else [r.key for r in kb.of_kind(CnoRegimen)]
        calendars = [pamidronate_calendar(kb, key, weight_kg, start) for key in keys]
    return CnoPlan(patient_id=patient.patient_id, knowledge_version=kb.version,
                   notice=kb.get("NOTICE-DECISION-SUPPORT").text, weight_kg=weight_kg, ladder=ladder,
                   pamidronate=calendars, missing_data=missing, warnings=intake.warnings)
