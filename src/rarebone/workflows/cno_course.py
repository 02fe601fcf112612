"""``rarebone cno course``: activity per visit, PedCNO responses, lesion tracks and S4-style summaries, for one
Phenopacket or a folder of them (one bad file stops nothing else; it is reported)."""

from __future__ import annotations

from pathlib import Path

from rarebone.core.evidence import Contract
from rarebone.errors import InputError
from rarebone.intake import expand_inputs, read_phenopacket
from rarebone.knowledge import KnowledgeBase, load
from rarebone.cno.activity import PedCnoResponse, VisitActivity, responses, visit_activity
from rarebone.cno.lesions import LesionSummary, LesionTrack, combine_summaries, summarise_lesions, track_lesions
from rarebone.cno.ladder import check_dose_dates
from rarebone.cno.record import read_cno_record


class PatientCourse(Contract):
    patient_id: str
    source: str
    visits: list[VisitActivity]
    responses: list[PedCnoResponse]
    lesions: list[LesionTrack]
    studies: list[str]
    summary: LesionSummary
    warnings: list[str] = []  # intake warnings about the record itself (e.g. dates after today)


class CnoCourse(Contract):
    knowledge_version: str
    notice: str
    unverified_notice: str
    patients: list[PatientCourse]
    summary: LesionSummary
    lab_window: str
    errors: list[str] = []


def lab_window_text(kb: KnowledgeBase) -> str:
    w = kb.get("CNO-LAB-VISIT-WINDOW")
    return (f"ESR/CRP of a visit: the measurement nearest the visit date within +/-{w.value:g} {w.unit} (ties: the earlier); "
            f"its own date is shown when it differs. {w.certainty.upper()}: {w.assumed_from} ({w.id})")


def course_for(path: Path, kb: KnowledgeBase) -> PatientCourse:
    return course_of(read_phenopacket(path), str(path), kb)


def course_of(intake, source: str, kb: KnowledgeBase) -> PatientCourse:
    """The course of one child already read (the workbench reads registry patients, not files)."""
    patient = intake.patient
    try:
        record = read_cno_record(patient.extensions.get("cno"), kb)
        check_dose_dates(patient)
    except InputError as exc:
        exc.source = source
        raise
    visits = visit_activity(patient, record, kb)
    tracks = track_lesions(record)
    follow_up = record.studies[-1].date if len(record.studies) > len(record.studies[:1]) else None
    return PatientCourse(patient_id=patient.patient_id, source=source, visits=visits, responses=responses(kb, visits),
                         lesions=tracks, studies=[f"{s.date} {s.modality}" for s in record.studies],
                         summary=summarise_lesions(tracks, follow_up),
                         warnings=[w for w in intake.warnings if w.startswith("warning:")])


def course_document(patients: list[PatientCourse], kb: KnowledgeBase, errors: list[str] = ()) -> CnoCourse:
    return CnoCourse(knowledge_version=kb.version, notice=kb.get("NOTICE-DECISION-SUPPORT").text,
                     unverified_notice=kb.get("NOTICE-UNVERIFIED").text, patients=patients,
                     lab_window=lab_window_text(kb),
                     summary=combine_summaries([p.summary for p in patients]) if patients else combine_summaries([]),
                     errors=list(errors))


def build_course(paths: list[Path], kb: KnowledgeBase | None = None) -> CnoCourse:
    kb = kb or load()
    files = expand_inputs(paths)
    if not files:
        raise InputError("no Phenopacket files found", source=", ".join(map(str, paths)))
    patients, errors = [], []
    for f in files:
        if len(files) == 1:
            patients.append(course_for(f, kb))
            continue
        try:
            patients.append(course_for(f, kb))
        except InputError as exc:
            errors.append(str(exc))
    return course_document(patients, kb, errors)
