"""Pamidronate dosing calendars for each published schedule: dose per infusion day from body weight, the per-dose
maximum where the source gives one (UNVERIFIED ones marked), the yearly cumulative cap, and the checks before
each infusion."""

from __future__ import annotations

import datetime as dt
import math

from rarebone.core.evidence import Contract
from rarebone.errors import ImplausibleValueError
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoMonitoring, CnoRegimen
from rarebone.cno.findings import threshold


class Infusion(Contract):
    cycle: int
    day: int
    date: dt.date | None = None
    dose_mg_per_kg: float
    dose_mg: float
    capped: bool = False
    held: bool = False
    note: str = ""


class MonitoringCheck(Contract):
    check: str
    when: str
    knowledge_id: str
    certainty: str
    citations: list[str]


class ReviewPoint(Contract):
    month: float
    day: int
    date: dt.date | None = None


class PamidronateCalendar(Contract):
    regimen: str
    label: str
    weight_kg: float
    interval_days: int
    interval_days_range: tuple[int, int]
    max_mg_per_dose: float | None = None
    max_mg_per_dose_certainty: str | None = None
    max_cumulative_mg_per_kg_per_year: float | None = None
    total_mg_first_year: float
    infusions: list[Infusion]
    monitoring: list[MonitoringCheck]
    knowledge_id: str
    certainty: str
    assumed_from: str | None = None
    disagreement: str | None = None
    note: str | None = None
    uncapped_above_other_maxima: str | None = None  # the source gives no maximum and a dose passes others' maxima
    course_months: tuple[float, float] | None = None  # total course length in the source (None: not given)
    course_text: str = ""  # the course length / stopping rule as printed, or that the source is silent
    calendar_months: float  # what the calendar covers (one year, in months)
    review_points: list[ReviewPoint] = []
    review_text: str = ""
    review_certainty: str = "unverified"
    citations: list[str]


def monitoring_checks(kb: KnowledgeBase) -> list[MonitoringCheck]:
    return [MonitoringCheck(check=m.check, when=m.when, knowledge_id=m.id, certainty=m.certainty, citations=list(m.sources))
            for m in kb.of_kind(CnoMonitoring)]


def pamidronate_calendar(kb: KnowledgeBase, regimen_key: str, weight_kg: float, start: dt.date | None = None,
                         interval_days: int | None = None) -> PamidronateCalendar:
    """One year of infusions, with the source's total course length and the review points (months from the
    first infusion) that the knowledge entry gives. Parameters: weight_kg (body weight in kilograms, required; never guessed),
    start (date of the first infusion, or None for day offsets only), interval_days (within the source's
    range; default the longest interval). References: CNO-PAM-*, CNO-MON-*."""
    regimens = {r.key: r for r in kb.of_kind(CnoRegimen)}
    if regimen_key not in regimens:
        raise ImplausibleValueError(f"unknown pamidronate regimen (known: {', '.join(sorted(regimens))})",
                                    path="--regimen", value=regimen_key)
    r: CnoRegimen = regimens[regimen_key]
    if not weight_kg > 0:
        raise ImplausibleValueError("body weight must be above 0 kg", path="weight_kg", value=weight_kg)
    interval = interval_days if interval_days is not None else r.interval_days_max
    if not r.interval_days_min <= interval <= r.interval_days_max:
        raise ImplausibleValueError(f"interval outside the regimen's {r.interval_days_min}-{r.interval_days_max} days",
                                    path="--interval-days", value=interval)
    year_days = threshold(kb, "CNO-DAYS-PER-YEAR")
    cap_mg = r.max_cumulative_mg_per_kg_per_year * weight_kg if r.max_cumulative_mg_per_kg_per_year else None
    infusions: list[Infusion] = []
    given_mg = 0.0
    # a year holds round(365.25 / interval) cycles: 4 three-monthly (91 d), 3 four-monthly (122 d), 12 monthly (30 d)
    for cycle in range(round(year_days / interval)):
        for day_in_cycle in range(r.days_per_cycle):
            day = cycle * interval + day_in_cycle
            first = not infusions
            per_kg = r.first_dose_mg_per_kg if (first and r.first_dose_mg_per_kg is not None) else r.dose_mg_per_kg
            mg = per_kg * weight_kg
            capped = r.max_mg_per_dose is not None and mg > r.max_mg_per_dose
            if capped:
                mg = r.max_mg_per_dose
            held = cap_mg is not None and given_mg + mg > cap_mg and not math.isclose(given_mg + mg, cap_mg)
            note = ""
            if capped:
                note = f"capped at {r.max_mg_per_dose:g} mg per dose" + {"unverified": " (UNVERIFIED maximum)",
                                                                         "secondary": " (maximum from a secondary source)"}.get(r.max_mg_per_dose_certainty or "", "")
            if held:
                note = f"held: would pass {r.max_cumulative_mg_per_kg_per_year:g} mg/kg/year"
            else:
                given_mg += mg
            infusions.append(Infusion(cycle=cycle + 1, day=day, date=start + dt.timedelta(days=day) if start else None,
                                      dose_mg_per_kg=per_kg, dose_mg=mg, capped=capped, held=held, note=note))
    uncapped = None
    other_caps = sorted({(x.max_mg_per_dose, x.key) for x in kb.of_kind(CnoRegimen) if x.max_mg_per_dose})
    largest = max((i.dose_mg for i in infusions), default=0.0)
    if r.max_mg_per_dose is None and other_caps and largest > other_caps[0][0]:
        uncapped = (f"no maximum per dose given by this source: doses up to {largest:g} mg pass the per-dose maxima of "
                    "other published schedules (" + ", ".join(f"{key} {cap:g} mg" for cap, key in other_caps)
                    + "); the prescriber sets the cap")
    month_days = threshold(kb, "CNO-DAYS-PER-MONTH")
    course = ((r.duration_months_min, r.duration_months_max)
              if r.duration_months_min is not None and r.duration_months_max is not None else None)
    reviews = [ReviewPoint(month=m, day=round(m * month_days),
                           date=start + dt.timedelta(days=round(m * month_days)) if start else None) for m in r.review_months]
    return PamidronateCalendar(
        uncapped_above_other_maxima=uncapped, course_months=course,
        course_text=r.duration_note or "course length: the source is silent",
        calendar_months=year_days / month_days, review_points=reviews,
        review_text=r.review_note or "review points: the source is silent", review_certainty=r.review_certainty,
        regimen=r.key, label=r.label, weight_kg=weight_kg, interval_days=interval,
        interval_days_range=(r.interval_days_min, r.interval_days_max), max_mg_per_dose=r.max_mg_per_dose,
        max_mg_per_dose_certainty=r.max_mg_per_dose_certainty, max_cumulative_mg_per_kg_per_year=r.max_cumulative_mg_per_kg_per_year,
        total_mg_first_year=given_mg, infusions=infusions, monitoring=monitoring_checks(kb), knowledge_id=r.id,
        certainty=r.certainty, assumed_from=r.assumed_from, disagreement=r.disagreement, note=r.note, citations=list(r.sources))
