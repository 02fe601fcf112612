"""The assess job: Phenopacket -> Assessment (the stable contract; later jobs add fields, never rename these)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from pydantic import Field

from rarebone import __version__
from rarebone.cno import CnoBlock, assess_cno
from rarebone.core.evidence import ConditionSuspicion, Contract, Recommendation, Strength
from rarebone.intake import read_phenopacket
from rarebone.knowledge import KnowledgeBase, load
from rarebone.osteopetrosis import assess_osteopetrosis
from rarebone.osteopetrosis.results import Genetics, HsctAssessment, MimicWarning, RankedDonor, WorkupItemOut
from rarebone.patient import Patient
from rarebone.phenotype import ontology
from rarebone.phenotype.labs import uninterpreted_measurements, with_lab_findings
from rarebone.workflows.differential import Differential
from rarebone.workflows.recorded_diagnoses import RecordedDiagnosisOut, recorded_diagnoses


class PatientSummary(Contract):
    sex: str
    age_days: float | None
    age: str
    features_present: int
    features_excluded: int
    measurements: int
    variants: int


class Assessment(Contract):
    """The result of ``rarebone assess`` for one child. Decision support, to be checked by the responsible clinician."""

    patient_id: str
    source: str
    rarebone_version: str = __version__
    knowledge_version: str
    hpo_version: str
    notice: str
    patient: PatientSummary
    suspicion: dict[str, ConditionSuspicion] = Field(description="per condition key: osteopetrosis, cno")
    genetics: Genetics
    hsct: HsctAssessment
    donors: list[RankedDonor] = []
    workup: list[WorkupItemOut] = []
    mimics: list[MimicWarning] = []
    cno: CnoBlock | None = Field(default=None, description="CNO criteria, exclusions still due, monogenic forms")
    recommendations: list[Recommendation] = []
    recorded_diagnoses: list[RecordedDiagnosisOut] = Field(
        default=[], description="diagnoses the record states (diseases, interpretations), recognised by OMIM/MONDO/"
        "Orphanet cross-reference; listed, not used for the suspicion level")
    missing_data: list[str] = []
    warnings: list[str] = []
    citations: dict[str, str] = Field(default_factory=dict, description="source id -> full citation, for every id used")
    differential: Differential | None = Field(default=None, description="phenotype-driven differential over all rare "
                                              "diseases (beside the rules, never instead of them)")


_CITATION_LISTS = re.compile(r'"citations":\[([^\]]*)\]')
_QUOTED = re.compile(r'"([^"]*)"')


def _collect_citations(fields: dict, kb: KnowledgeBase) -> dict[str, str]:
    """Every source id in any ``citations`` list of the assessment's parts, with its full citation.

    The ids are gathered by a walk that visits only the fields whose type can hold a model (``_plan``): ~50 us a
    child, against ~140 us for serialising a draft Assessment to JSON and reading its ``"citations":[...]``
    lists with two regular expressions (the earlier way, kept as the fallback for a part the walk does not
    know). tests/workflows/test_cited_ids.py holds the two equal on every example and real case."""
    found: set[str] = set()
    try:
        _cited_ids(fields, found)
    except _Unplanned:
        # citations given (empty) so model_construct does not call the default factory, which pydantic inspects
        # with inspect.signature on every call
        draft = Assessment.model_construct(**fields, citations={})
        found = _cited_ids_from_json(draft.model_dump_json())
    return {sid: kb.citation_text(sid) for sid in sorted(found) if sid in kb.sources}


def _cited_ids_from_json(assessment_json: str) -> set[str]:
    # the lists hold quoted ids only, so one scan of the joined lists finds the same ids as one scan per list
    return set(_QUOTED.findall(",".join(_CITATION_LISTS.findall(assessment_json))))


class _Unplanned(Exception):
    """A value of a type the walk has no plan for (not a model, list, dict or plain value)."""


_PLAIN = frozenset({str, int, float, bool, type(None)})
_PLANS: dict[type, tuple[bool, tuple[str, ...]]] = {}


def _cited_ids(value, found: set[str]) -> None:
    kind = type(value)
    if kind is list or kind is tuple:
        for item in value:
            _cited_ids(item, found)
    elif kind is dict:
        if "citations" in value:
            raise _Unplanned(dict)  # a mapping's "citations" list: left to the JSON reading
        for item in value.values():
            _cited_ids(item, found)
    elif kind in _PLAIN or isinstance(value, Enum):
        return
    else:
        plan = _PLANS.get(kind)
        if plan is None:
            plan = _PLANS[kind] = _plan(kind)
        cites, names = plan
        if cites:
            found.update(value.citations)
        for name in names:
            _cited_ids(getattr(value, name), found)


def _plan(kind: type) -> tuple[bool, tuple[str, ...]]:
    """(has a ``citations: list[str]`` field, the other fields whose annotation can hold a model)."""
    from pydantic import BaseModel

    if not (isinstance(kind, type) and issubclass(kind, BaseModel)) or kind.model_config.get("extra") == "allow":
        raise _Unplanned(kind)
    fields = kind.model_fields
    citations = fields.get("citations")
    cites = citations is not None and citations.annotation == list[str]
    if citations is not None and not cites:
        raise _Unplanned(kind)
    return cites, tuple(n for n, f in fields.items() if n != "citations" and _may_hold_model(f.annotation))


def _may_hold_model(annotation) -> bool:
    """False only for annotations that certainly hold plain values (str, numbers, enums, literals, lists and
    optionals of them); anything else is walked."""
    import typing

    if annotation in _PLAIN:
        return False
    if isinstance(annotation, type):
        return not issubclass(annotation, (Enum, str, int, float))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is None:
        return True
    return any(_may_hold_model(a) for a in typing.get_args(annotation))


# The work-up items the patient-view cards read (cdshooks/cards._workup_suggestions: a suggestion only while the
# record does not show the item); card_findings builds only these.
CARD_WORKUP_IDS = ("OP-WORKUP-RADIOLOGY", "OP-WORKUP-HLA")


@dataclass(frozen=True)
class CardFindings:
    """The parts of an Assessment that the CDS Hooks patient-view cards show (cdshooks/cards.py), from the same
    rules as ``assess_patient``; the same objects, so a card reads the same values either way."""

    suspicion: dict[str, ConditionSuspicion]
    genetics: Genetics
    hsct: HsctAssessment
    workup: list[WorkupItemOut]  # only CARD_WORKUP_IDS
    mimics: list[MimicWarning]
    cno: CnoBlock | None  # None (and no "cno" suspicion) when the CNO suspicion is none: see card_findings


def _run_rules(patient: Patient, kb: KnowledgeBase, onto, rank_donors: bool = True, cards_only: bool = False):
    """Every rule, once: (patient with the derived laboratory findings, their notes, osteopetrosis, CNO as
    (suspicion, block)). ``cards_only``: CNO is None when its suspicion is none (``assess_cno(only_if_suspected=True)``),
    and the work-up holds only the items the cards read (CARD_WORKUP_IDS)."""
    patient, lab_notes = with_lab_findings(patient, kb)
    op = assess_osteopetrosis(patient, kb, onto, rank=rank_donors, workup_ids=CARD_WORKUP_IDS if cards_only else None)
    cno = assess_cno(patient, kb, onto, only_if_suspected=cards_only)
    return patient, lab_notes, op, cno


def card_findings(patient: Patient, kb: KnowledgeBase) -> CardFindings:
    """What a CDS Hooks card needs, per call of the EHR: the rules of ``assess_patient`` without what no card shows
    (the donor ranking, the citation list gathered from the whole serialised Assessment, the summary counts and
    the validation of the assembled model: ~0.6-0.9 ms of a ~5-7 ms call, docs/cds-speed-log.md).
    When the CNO suspicion is none, no card shows anything of CNO (cdshooks/cards.py: the CNO cards need a
    suspicion above none), so the CNO block is not computed (``cno`` None, no "cno" suspicion): ~0.5 ms of a
    distinct chart without a core bone finding (docs/cds-speed-log.md, "Branch cds-lean2"). Of the work-up
    checklist only the items the cards read are built (CARD_WORKUP_IDS).
    tests/cdshooks/test_cards_unchanged.py holds the answers to ~800 charts made with ``assess_patient``."""
    _, _, op, cno = _run_rules(patient, kb, ontology(), rank_donors=False, cards_only=True)
    suspicion = {"osteopetrosis": op.suspicion}
    if cno is not None:
        suspicion["cno"] = cno[0]
    return CardFindings(suspicion=suspicion, genetics=op.genetics, hsct=op.hsct, workup=op.workup, mimics=op.mimics,
                        cno=cno[1] if cno is not None else None)


def assess_patient(patient: Patient, warnings: list[str] | None = None, kb: KnowledgeBase | None = None) -> Assessment:
    kb = kb or load()
    onto = ontology()
    patient, lab_notes, op, (cno_suspicion, cno_block) = _run_rules(patient, kb, onto)
    # Most pressing first: urgent exclusions and referrals before routine advice, stable within a strength.
    order = list(Strength)
    # Within a strength, the CNO exclusions of look-alikes (CNO-DDX-*) come first: a look-alike that findings
    # point to must be excluded before anything else is acted on.
    recommendations = sorted(op.recommendations + list(cno_block.recommendations),
                             key=lambda r: (order.index(r.strength), not r.id.startswith("CNO-DDX-")))
    from rarebone.core.time import format_age

    diagnoses, diagnosis_warnings, diagnosis_missing = recorded_diagnoses(patient, kb)

    fields = dict(
        patient_id=patient.patient_id, source=patient.source, knowledge_version=kb.version, hpo_version=onto.version,
        notice=kb.get("NOTICE-DECISION-SUPPORT").text,
        patient=PatientSummary(
            sex=patient.sex.value, age_days=patient.age_days, age=format_age(patient.age_days),
            features_present=sum(not f.excluded for f in patient.features),
            features_excluded=sum(f.excluded for f in patient.features),
            measurements=len(patient.measurements), variants=len(patient.variants),
        ),
        suspicion={"osteopetrosis": op.suspicion, "cno": cno_suspicion}, genetics=op.genetics, hsct=op.hsct,
        donors=op.donors, workup=op.workup, mimics=op.mimics, cno=cno_block, recommendations=recommendations,
        recorded_diagnoses=diagnoses,
        missing_data=op.missing_data + [f"CNO: {m}" for m in cno_block.missing_data] + diagnosis_missing
        + uninterpreted_measurements(patient, kb),
        warnings=list(warnings or []) + [f"derived finding: {n}" for n in lab_notes] + op.warnings
        + [f"CNO: {w}" for w in cno_block.warnings] + diagnosis_warnings,
    )
    fields["citations"] = _collect_citations(fields, kb)
    return Assessment(**fields)


def assess_file(path: Path | str, differential_top: int = 0, on_build=None) -> Assessment:
    """``differential_top`` > 0 adds the differential block (that many diseases); 0 leaves it out (the rules alone
    run at over a thousand children a second; the differential costs ~20 ms a child)."""
    result = read_phenopacket(path)
    assessment = assess_patient(result.patient, result.warnings)
    if differential_top:
        from rarebone.workflows.differential import add_differential

        assessment = add_differential(assessment, result.patient, differential_top, on_build=on_build)
    return assessment
