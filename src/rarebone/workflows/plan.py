"""``rarebone plan``: a day-by-day transplant protocol calendar for one child (TransplantPlan contract)."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from rarebone.core.evidence import Citation, Contract
from rarebone.errors import InputError
from rarebone.knowledge import KnowledgeBase
from rarebone.patient import Patient
from rarebone.transplant.dosing import BSA_ENTRY, BsaFormula, bsa_m2, busulfan_adjustment, check_plausible
from rarebone.transplant.indication import check_indication, genotype_recommendations
from rarebone.transplant.protocol import (
    BusulfanLabel, SmallChildRule, build_calendar, find_protocol, resolve_options,
)


class Quantity(Contract):
    value: float
    unit: str


class ProtocolRef(Contract):
    id: str
    key: str
    name: str
    certainty: str
    citations: list[Citation]


class PlannedAdministration(Contract):
    """One drug on one study day: ``dose`` as prescribed per unit per day, ``amount`` absolute for this child."""

    drug: str
    role: str
    study_day: int
    date: dt.date
    dose: Quantity | None  # None when the centre sets the day's dose (``dose_set_by_centre``)
    amount: Quantity | None
    route: str
    frequency: str
    assumed_from: str | None
    certainty: str
    citations: list[str]
    amounts_per_dose: list[Quantity] = []  # each dose of the day when given in several doses (e.g. busulfan q6h)
    schedule_certainty: str | None = None  # certainty of this day in the schedule; ``certainty`` is the dose's
    dose_set_by_centre: bool = False  # the day is scheduled, its dose is the centre's (e.g. a taper step)
    max_dose: Quantity | None = None  # ceiling per unit per day (protocol maximum) when the centre sets the dose
    max_amount: Quantity | None = None


class DrugSummary(Contract):
    """One drug over the course. ``days_set_by_centre``: the source gives the total only, so the drug has no
    calendar days (``days`` empty, ``first_day``/``last_day`` None) and no administrations; the totals stand.

    ``certainty`` is the certainty of the dose (per day or total as published); ``schedule_certainty`` that of
    the day schedule (None when the centre sets the days). A drug without a published end
    (``continues_beyond_calendar``) has no total: ``total_dose``/``total_amount`` are null (a sum up to the
    calendar end would depend on ``--until``) and ``dose_per_day``/``amount_per_day`` carry its daily dose."""

    drug: str
    role: str
    published: str
    first_day: int | None
    last_day: int | None
    days: list[int]
    continues_beyond_calendar: bool
    total_dose: Quantity | None
    total_amount: Quantity | None
    basis: str
    assumed_from: str | None
    certainty: str
    note: str | None
    citations: list[str]
    days_set_by_centre: bool = False
    schedule_certainty: str | None = None
    dose_per_day: Quantity | None = None  # the same dose every day; set for drugs without a published end
    amount_per_day: Quantity | None = None
    dose_set_by_centre: bool = False  # days scheduled, each day's dose set by the centre (no total)
    max_dose_per_day: Quantity | None = None
    max_amount_per_day: Quantity | None = None


class SurveillanceEvent(Contract):
    item: str
    study_day: int
    date: dt.date
    citations: list[str]
    certainty: str = "verified"
    assumed_from: str | None = None  # the start day is rarebone's choice
    schedule_certainty: str | None = None


class BusulfanTdm(Contract):
    measured_auc_umol_min: float
    after_dose: int
    target_auc_umol_min: float
    factor: float
    projected_cumulative_mg_h_per_l: float
    in_first_dose_window: bool


class TransplantPlan(Contract):
    patient_id: str
    knowledge_version: str
    notice: str
    day0: dt.date
    horizon_day: int
    age_days: float | None
    weight_kg: float
    height_cm: float
    measurements_source: str
    plausibility: str
    bsa_m2: float
    bsa_formula: str
    protocol: ProtocolRef
    warnings: list[str]
    override_reason: str | None
    hsct_not_indicated_genes: list[str]
    busulfan_tdm: BusulfanTdm | None
    administrations: list[PlannedAdministration]
    drugs: list[DrugSummary]
    not_scheduled: list[str]
    options: dict[str, str]
    surveillance: list[SurveillanceEvent]
    # where each drug's days come from (first page of every rendering): "published", "assumed" (rarebone's
    # schedule, the centre confirms or replaces it), "centre_days" (not on the calendar), "centre_dose" (days
    # scheduled, each day's dose set by the centre)
    day_sources: dict[str, list[str]] = {}
    knowledge_ids: list[str]
    citations: list[Citation]


def _citation(kb: KnowledgeBase, source_id: str) -> Citation:
    s = kb.sources[source_id]
    return Citation(id=source_id, text=kb.citation_text(source_id), doi=s.doi, pmid=s.pmid, seed=s.seed)


def _latest(patient: Patient, analyte: str) -> float | None:
    values = [m for m in patient.measurements_of(analyte) if m.value is not None]
    if not values:
        return None
    dated = [m for m in values if m.time and m.time.timestamp]
    pick = max(dated, key=lambda m: m.time.timestamp) if dated else values[-1]
    return pick.value


def age_at(patient: Patient, day0: dt.date) -> float | None:
    if patient.date_of_birth:
        return float((day0 - patient.date_of_birth).days)
    return patient.age_days


def make_plan(
    kb: KnowledgeBase,
    patient: Patient,
    *,
    protocol_key: str,
    day0: dt.date,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    bsa_formula: BsaFormula = BsaFormula.MOSTELLER,
    busulfan_auc_umol_min: float | None = None,
    after_dose: int | None = None,
    busulfan_label: BusulfanLabel = BusulfanLabel.EMA,
    small_child_rule: SmallChildRule | None = None,
    override_reason: str | None = None,
    recommendations: Mapping[str, str] | None = None,
    horizon_day: int = 30,
    options: Mapping[str, str] | None = None,
) -> TransplantPlan:
    protocol = find_protocol(kb, protocol_key)
    recs = dict(recommendations) if recommendations is not None else genotype_recommendations(kb, patient.variants)
    gate = check_indication(recs, override_reason)

    source = "command line" if weight_kg is not None and height_cm is not None else "Phenopacket measurements"
    weight_kg = weight_kg if weight_kg is not None else _latest(patient, "weight")
    height_cm = height_cm if height_cm is not None else _latest(patient, "height")
    if weight_kg is None:
        raise InputError("no weight: give --weight KG or a body-weight measurement (LOINC 29463-7); "
                         "a dose is never guessed", source=patient.source, path="--weight")
    if height_cm is None:
        raise InputError("no height: give --height CM or a height measurement (LOINC 8302-2)",
                         source=patient.source, path="--height")
    last_fixed = max([1, *(d for line in protocol.drugs for d in (line.days or [])),
                      *(line.end_day for line in protocol.drugs if line.end_day is not None)])
    if not last_fixed <= horizon_day <= 400:
        raise InputError(f"calendar end must be a study day from +{last_fixed} (the last fixed day of "
                         f"{protocol.key}) to +400", path="--until", value=horizon_day)
    if patient.date_of_birth is not None and day0 < patient.date_of_birth:
        raise InputError(f"day 0 is before the date of birth {patient.date_of_birth.isoformat()}",
                         source=patient.source, path="--day0", value=day0.isoformat())
    age_days = age_at(patient, day0)
    r = check_plausible(kb, age_days, weight_kg, height_cm)
    bsa = bsa_m2(kb, weight_kg, height_cm, bsa_formula)

    if (busulfan_auc_umol_min is None) != (after_dose is None):
        raise InputError("--busulfan-auc and --after-dose go together", path="--busulfan-auc")
    tdm = busulfan_adjustment(kb, busulfan_auc_umol_min, after_dose) if busulfan_auc_umol_min is not None else None
    if tdm and not any(line.basis == "weight_band" for line in protocol.drugs):
        raise InputError(f"protocol {protocol.key} has no busulfan to adjust", path="--busulfan-auc")

    cal = build_calendar(kb, protocol, weight_kg=weight_kg, bsa_m2=bsa, small_child_rule=small_child_rule,
                         busulfan_label=busulfan_label, busulfan=tdm, horizon_day=horizon_day,
                         options=dict(options or {}))
    chosen = resolve_options(protocol, dict(options or {}))
    if tdm and not any(line.bands and line.basis == "weight_band" for line in
                       (d for d in protocol.drugs if not d.option_group or chosen[d.option_group] == d.option)):
        raise InputError(f"the chosen options of {protocol.key} contain no busulfan to adjust "
                         f"({', '.join(f'{g}={o}' for g, o in chosen.items())})", path="--busulfan-auc")
    warnings = list(cal.warnings)
    if gate.overridden:
        warnings.insert(0, f"HSCT NOT INDICATED for {', '.join(gate.refused_genes)}; planned on prescriber override: "
                           f"\"{gate.override_reason}\"")
    for line in cal.lines:
        if line.open_ended:
            warnings.append(f"{line.drug} continues beyond day +{horizon_day} (end not given by the source); "
                            "no total is given for it.")
    unverified_dose = [line.drug for line in cal.lines if line.certainty == "unverified"]
    if unverified_dose:
        warnings.append("UNVERIFIED dose (not confirmed in a primary source): " + ", ".join(unverified_dose) + ".")
    unverified_schedule = [line.drug for line in cal.lines if line.schedule_certainty == "unverified"]
    if unverified_schedule:
        warnings.append("UNVERIFIED schedule (days or daily split assumed by rarebone, not published for this "
                        "regimen): " + ", ".join(unverified_schedule) + ".")
    warnings.append(kb.get("NOTICE-UNVERIFIED").text)

    def date_of(day: int) -> dt.date:
        return day0 + dt.timedelta(days=day)

    surveillance = [
        SurveillanceEvent(item=s.item, study_day=d, date=date_of(d), citations=list(s.sources),
                          certainty=s.certainty, assumed_from=s.assumed_from, schedule_certainty=s.schedule_certainty)
        for s in protocol.surveillance for d in range(s.start_day, horizon_day + 1, s.every_days)
    ]
    source_ids = sorted({*protocol.sources, *(sid for line in protocol.drugs for sid in line.sources),
                         *kb.get(BSA_ENTRY[BsaFormula(bsa_formula)]).sources,
                         *(sid for kid in cal.knowledge_ids for sid in kb.get(kid).sources),
                         *kb.get("TX-GROWTH-PLAUSIBILITY").sources,
                         *(kb.get("TX-BU-AUC-TARGET").sources if tdm else []),
                         *(kb.get("TX-BU-CUMULATIVE-TARGET").sources if tdm else [])})
    return TransplantPlan(
        patient_id=patient.patient_id,
        knowledge_version=kb.version,
        notice=kb.get("NOTICE-DECISION-SUPPORT").text,
        day0=day0, horizon_day=horizon_day, age_days=age_days,
        weight_kg=weight_kg, height_cm=height_cm, measurements_source=source,
        plausibility=(f"weight accepted {r.weight_low_kg:.1f}-{r.weight_high_kg:.1f} kg, height "
                      f"{r.height_low_cm:.1f}-{r.height_high_cm:.1f} cm for age (TX-GROWTH-PLAUSIBILITY: WHO -3/+3 SD, "
                      "growth standards 0-5 y and WHO 2007 reference, checked against the WHO tables, widened by "
                      "TX-GROWTH-MARGINS" + ("; weight bounds above 10 years UNVERIFIED: WHO gives no weight-for-age "
                                             "there, rarebone estimate)" if r.weight_certainty != "verified" else ")")),
        bsa_m2=round(bsa, 4), bsa_formula=BsaFormula(bsa_formula).value,
        protocol=ProtocolRef(id=protocol.id, key=protocol.key, name=protocol.name, certainty=protocol.certainty,
                             citations=[_citation(kb, s) for s in protocol.sources]),
        warnings=warnings,
        override_reason=gate.override_reason if gate.refused_genes else None,
        hsct_not_indicated_genes=list(gate.refused_genes),
        busulfan_tdm=BusulfanTdm(
            measured_auc_umol_min=tdm.measured_auc_umol_min, after_dose=tdm.after_dose,
            target_auc_umol_min=tdm.target_auc_umol_min, factor=round(tdm.factor, 6),
            projected_cumulative_mg_h_per_l=round(tdm.projected_cumulative_mg_h_per_l, 2),
            in_first_dose_window=tdm.in_first_dose_window) if tdm else None,
        administrations=[
            PlannedAdministration(
                drug=a.drug, role=a.role, study_day=a.study_day, date=date_of(a.study_day),
                dose=Quantity(value=a.dose_value, unit=a.dose_unit + "/day") if a.dose_value is not None else None,
                amount=Quantity(value=a.amount_value, unit=a.amount_unit) if a.amount_value is not None else None,
                route=a.route, frequency=a.frequency,
                assumed_from=a.assumed_from, certainty=a.certainty, citations=list(a.sources),
                amounts_per_dose=[Quantity(value=x, unit=a.amount_unit) for x in a.amounts_per_dose],
                schedule_certainty=a.schedule_certainty, dose_set_by_centre=a.dose_set_by_centre,
                max_dose=Quantity(value=a.max_dose_value, unit=a.dose_unit + "/day") if a.dose_set_by_centre else None,
                max_amount=Quantity(value=a.max_amount_value, unit=a.amount_unit) if a.dose_set_by_centre else None)
            for a in cal.administrations
        ],
        drugs=[
            DrugSummary(
                drug=line.drug, role=line.role, published=line.published,
                first_day=line.days[0] if line.days else None, last_day=line.days[-1] if line.days else None,
                days=list(line.days), days_set_by_centre=line.days_set_by_centre, continues_beyond_calendar=line.open_ended,
                total_dose=None if line.open_ended or line.dose_set_by_centre
                else Quantity(value=line.total_per_unit, unit=line.dose_unit),
                total_amount=None if line.open_ended or line.dose_set_by_centre
                else Quantity(value=line.total_amount, unit=line.amount_unit),
                dose_set_by_centre=line.dose_set_by_centre,
                max_dose_per_day=Quantity(value=line.max_per_day_per_unit, unit=line.dose_unit + "/day")
                if line.dose_set_by_centre else None,
                max_amount_per_day=Quantity(value=line.max_per_day_amount, unit=line.amount_unit)
                if line.dose_set_by_centre else None,
                basis=line.basis_text, assumed_from=line.assumed_from, certainty=line.certainty, note=line.note,
                citations=list(line.sources), schedule_certainty=line.schedule_certainty,
                dose_per_day=Quantity(value=line.per_day_per_unit, unit=line.dose_unit + "/day")
                if line.open_ended and line.per_day_per_unit is not None else None,
                amount_per_day=Quantity(value=line.per_day_amount, unit=line.amount_unit)
                if line.open_ended and line.per_day_amount is not None else None)
            for line in cal.lines
        ],
        not_scheduled=[f"{n.item}: {n.reason}" for n in protocol.not_scheduled] + _alternatives_not_chosen(protocol, chosen),
        options=chosen,
        surveillance=surveillance,
        day_sources=_day_sources(cal.lines),
        knowledge_ids=sorted({protocol.id, BSA_ENTRY[BsaFormula(bsa_formula)], "TX-GROWTH-PLAUSIBILITY",
                              "TX-AMOUNT-ROUNDING", *cal.knowledge_ids,
                              *(["TX-BU-AUC-TARGET", "TX-BU-CUMULATIVE-TARGET", "TX-BU-ADJUSTMENT"] if tdm else [])}),
        citations=[_citation(kb, s) for s in source_ids],
    )


def _day_sources(lines) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"published": [], "assumed": [], "centre_days": [], "centre_dose": []}
    for line in lines:
        key = ("centre_days" if line.days_set_by_centre else "centre_dose" if line.dose_set_by_centre
               else "assumed" if line.assumed_from else "published")
        if line.drug not in out[key]:
            out[key].append(line.drug)
    return out


def _alternatives_not_chosen(protocol, chosen: Mapping[str, str]) -> list[str]:
    """One line per published alternative not chosen, naming its drugs and the --option that selects it."""
    groups: dict[tuple[str, str], list[str]] = {}
    for line in protocol.drugs:
        if line.option_group and line.option != chosen[line.option_group]:
            groups.setdefault((line.option_group, line.option), []).append(line.drug)
    return [f"{' + '.join(drugs)} ({g}={o}): published alternative not chosen; --option {g}={o} to use it"
            for (g, o), drugs in groups.items()]
