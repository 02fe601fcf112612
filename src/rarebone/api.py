"""The Python API: the same four workflows as the command line, returning the result contracts (pydantic models,
``.model_dump_json()`` gives what ``--format json`` prints). docs/python-api.md has a worked example.

    import rarebone
    a = rarebone.assess("examples/phenopackets/tcirg1-infant.json")   # a path, a dict, or a Phenopacket message
    p = rarebone.plan(child, protocol="beijing-haplo", day0="2027-01-15")
    m = rarebone.monitor(post_hsct_child)
    r = rarebone.report("sqlite:///registry.sqlite", by=["donor_relation"])   # needs rarebone[registry]
    c = rarebone.cno_plan("examples/cno/cno-clavicle-tibia.json")     # CNO ladder and pamidronate calendars
    k = rarebone.cno_course(["examples/cno/cno-multivisit.json"])      # activity and lesions across visits

Errors are the exceptions of rarebone.errors (one-line messages naming file, JSON path and value); a missing
optional extra is a rarebone.extras.MissingExtraError naming the extra. Everything heavy is imported inside the
functions, so ``import rarebone`` stays fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rarebone.errors import InputError

if TYPE_CHECKING:
    from rarebone.intake import IntakeResult
    from rarebone.workflows.assess import Assessment
    from rarebone.workflows.monitor import MonitoringReport
    from rarebone.workflows.outcomes.contract import OutcomesReport
    from rarebone.workflows.cno_course import CnoCourse
    from rarebone.workflows.cno_plan import CnoPlan
    from rarebone.workflows.plan import TransplantPlan

# what a child may be given as
Child = "str | Path | Mapping[str, Any] | phenopackets.Phenopacket"


def read(child: Any, *, extensions: Mapping[str, Any] | None = None, source: str | None = None) -> "IntakeResult":
    """A Phenopacket v2 from a file path, a parsed JSON dict, or a ``phenopackets.Phenopacket`` protobuf message.

    A protobuf message cannot carry rarebone's extension block (donors, transplant, cno): give it as
    ``extensions`` (the content of ``rareboneExtensions``, docs/phenopacket-extension.md)."""
    from rarebone.intake import read_phenopacket, read_phenopacket_dict

    if isinstance(child, (str, Path)):
        if extensions is not None:
            raise InputError("extensions go with a dict or a protobuf message; a file carries its own",
                             path="extensions")
        return read_phenopacket(child)
    if isinstance(child, Mapping):
        document = dict(child)
    elif hasattr(child, "DESCRIPTOR") and hasattr(child, "SerializeToString"):  # any protobuf message
        from google.protobuf.json_format import MessageToDict

        if child.DESCRIPTOR.full_name != "org.phenopackets.schema.v2.Phenopacket":
            raise InputError("expected a Phenopacket v2 message", path="$", value=child.DESCRIPTOR.full_name)
        document = MessageToDict(child)  # lowerCamelCase JSON names, as in a Phenopacket JSON file
        source = source or f"<Phenopacket message {document.get('id', '')}>"
    else:
        raise InputError("expected a file path, a dict or a Phenopacket message", path="$",
                         value=type(child).__name__)
    if extensions is not None:
        document["rareboneExtensions"] = dict(extensions)
    return read_phenopacket_dict(document, source=source or f"<Phenopacket {document.get('id', 'dict')}>")


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError("not a date such as 2027-01-15", path=name, value=value) from None


def assess(child: Any, *, extensions: Mapping[str, Any] | None = None) -> "Assessment":
    """Like ``rarebone assess``: suspicion with evidence, genetics, HSCT indication, urgency, work-up, donors."""
    from rarebone.workflows.assess import assess_patient

    intake = read(child, extensions=extensions)
    return assess_patient(intake.patient, intake.warnings)


def plan(child: Any, *, protocol: str, day0: dt.date | str, extensions: Mapping[str, Any] | None = None,
         **options: Any) -> "TransplantPlan":
    """Like ``rarebone plan``: the day-by-day transplant calendar. ``options`` are those of
    rarebone.workflows.plan.make_plan (weight_kg, height_cm, bsa_formula, busulfan_auc_umol_min, after_dose,
    busulfan_label, small_child_rule, override_reason, horizon_day, options={"serotherapy": "alg"})."""
    from rarebone.knowledge import load
    from rarebone.workflows.plan import make_plan

    patient = read(child, extensions=extensions).patient
    return make_plan(load(), patient, protocol_key=protocol, day0=_date(day0, "day0"), **options)


def monitor(child: Any, *, day0: dt.date | str | None = None, platelet_definition: str = "beijing",
            extensions: Mapping[str, Any] | None = None) -> "MonitoringReport":
    """Like ``rarebone monitor``: engraftment, graft failure, chimerism, GVHD, VOD, hypercalcaemia."""
    from rarebone.knowledge import load
    from rarebone.workflows.monitor import monitor as run

    patient = read(child, extensions=extensions).patient
    return run(load(), patient, day0=_date(day0, "day0"), platelet_definition=platelet_definition)


def cno_plan(child: Any, *, start: dt.date | str | None = None, regimen: str | None = None,
             ladder_only: bool = False, as_of: dt.date | str | None = None, reason: str | None = None,
             anakinra_max_mg_per_day: float | None = None, extensions: Mapping[str, Any] | None = None) -> "CnoPlan":
    """Like ``rarebone cno plan``: the CNO treatment ladder with weight-based doses and pamidronate calendars.
    Without a plausible body weight no dose is computed: an InputError, unless ``ladder_only``."""
    from rarebone.knowledge import load
    from rarebone.workflows.cno_plan import plan_for_intake

    intake = read(child, extensions=extensions)
    return plan_for_intake(intake, load(), _date(start, "start"), regimen, ladder_only, _date(as_of, "as_of"),
                           reason, anakinra_max_mg_per_day)


def cno_course(children: Any, *, extensions: Mapping[str, Any] | None = None) -> "CnoCourse":
    """Like ``rarebone cno course``: activity scores and lesions across visits, for one child or a list of
    children (paths, dicts or Phenopacket messages; a folder path reads every file in it). Errors are raised,
    not collected: a script should know which child failed."""
    from rarebone.knowledge import load
    from rarebone.workflows.cno_course import build_course, course_document, course_of

    items = list(children) if isinstance(children, (list, tuple)) else [children]
    kb = load()
    if items and all(isinstance(c, (str, Path)) for c in items) and extensions is None:
        return build_course([Path(c) for c in items], kb)
    patients = []
    for i, child in enumerate(items):
        intake = read(child, extensions=extensions)
        patients.append(course_of(intake, intake.patient.source or f"children[{i}]", kb))
    return course_document(patients, kb)


def report(db: str | None = None, *, cohort: str | None = None, by: list[str] | None = None,
           at: list[float] | None = None, time_unit: str = "months", origin: str = "transplant",
           covariates: list[str] | None = None, spread: str = "range") -> "OutcomesReport":
    """Like ``rarebone report``: the outcomes report of a registry (database URL or SQLite file; default
    $RAREBONE_DB). Needs the ``registry`` extra (``pip install 'rarebone[registry]'``)."""
    from rarebone.extras import missing_extra

    try:
        from rarebone.registry import db as dbm
        from rarebone.workflows import outcomes

        engine = dbm.open_registry(db)
        result, _figures = outcomes.run(engine, cohort=cohort, by=list(by or []), at=list(at) if at else None,
                                        time_unit=time_unit, origin=origin, covariates=covariates, spread=spread,
                                        figures=False)
    except ModuleNotFoundError as error:
        friendly = missing_extra(error)
        if friendly is None:
            raise
        raise friendly from None
    return result
