"""Is a body weight plausible for the child's age? One growth reference for every room that doses by weight.

The numbers live in the knowledge base (TX-GROWTH-PLAUSIBILITY: WHO -3/+3 SD rows; TX-GROWTH-MARGINS: widening
factors). This check catches typing and unit errors (a weight in pounds, a missing decimal point); it does not
judge growth. Pure functions: no files, no clock.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from rarebone.core.time import DAYS_PER_MONTH, format_age
from rarebone.errors import ImplausibleValueError, InputError, KnowledgeError, SafetyRefusal
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.transplant import GrowthBounds

GROWTH_TABLE = "TX-GROWTH-PLAUSIBILITY"
GROWTH_MARGINS = "TX-GROWTH-MARGINS"


@dataclass(frozen=True)
class WeightRange:
    low_kg: float
    high_kg: float
    age_days: float
    certainty: str = "verified"  # unverified where the reference has no weight-for-age (rarebone estimate rows)
    knowledge_ids: tuple[str, str] = (GROWTH_TABLE, GROWTH_MARGINS)

    def describe(self) -> str:
        mark = "" if self.certainty == "verified" else f" [{self.certainty.upper()}: bounds estimated beyond the WHO weight tables]"
        return f"{self.low_kg:.1f}-{self.high_kg:.1f} kg at {format_age(self.age_days)}{mark}"


@dataclass(frozen=True)
class PlausibleRange:
    """Accepted weight and height at an age (refusal bounds for dosing, not a growth assessment)."""
    weight_low_kg: float
    weight_high_kg: float
    height_low_cm: float
    height_high_cm: float
    weight_certainty: str = "verified"  # "unverified" where the growth reference gives no weight-for-age


def _interpolate(rows, age_months: float, attr: str) -> float:
    rows = sorted(rows, key=lambda r: r.age_months)
    if age_months <= rows[0].age_months:
        return getattr(rows[0], attr)
    for a, b in zip(rows, rows[1:]):
        if age_months <= b.age_months:
            t = (age_months - a.age_months) / (b.age_months - a.age_months)
            return getattr(a, attr) + t * (getattr(b, attr) - getattr(a, attr))
    return getattr(rows[-1], attr)


def plausible_range(kb: KnowledgeBase, age_days: float) -> PlausibleRange:
    """Refusal bounds for weight and height at an age: the growth rows' -3/+3 SD values (TX-GROWTH-PLAUSIBILITY)
    widened by TX-GROWTH-MARGINS, linearly interpolated between tabulated ages."""
    table, margins = kb.get(GROWTH_TABLE), kb.get(GROWTH_MARGINS)
    if not (isinstance(table, GrowthBounds) and isinstance(margins, GrowthBounds)):
        raise KnowledgeError("growth bounds entries have the wrong kind", value=GROWTH_TABLE)
    months = age_days / DAYS_PER_MONTH
    top = max(r.age_months for r in table.rows)
    if age_days < 0 or months > top:
        raise InputError(f"age outside the growth reference (birth to {format_age(top * DAYS_PER_MONTH)}); "
                         "plausibility cannot be checked", path="age", value=round(age_days, 1))
    attrs = ("weight_low_kg", "weight_high_kg", "height_low_cm", "height_high_cm")
    verified_to = max((r.age_months for r in table.rows if r.weight_certainty == "verified"), default=-1)
    certainty = "verified" if months <= verified_to else "unverified"
    return PlausibleRange(*(_interpolate(table.rows, months, a) * _interpolate(margins.rows, months, a) for a in attrs),
                          weight_certainty=certainty)


def weight_range(kb: KnowledgeBase, age_days: float) -> WeightRange:
    """Accepted weight at an age (see ``plausible_range``)."""
    r = plausible_range(kb, age_days)
    return WeightRange(r.weight_low_kg, r.weight_high_kg, age_days, r.weight_certainty)


def check_weight(kb: KnowledgeBase, weight_kg: float | None, age_days: float | None, *, path: str = "weight_kg") -> WeightRange:
    """InputError when weight or age is missing, SafetyRefusal (exit 2) when the weight is implausible for age.
    ``path`` names the field the weight came from, for the one-line error."""
    if weight_kg is None:
        raise InputError("body weight is required to compute a dose; a dose is never guessed", path=path)
    if not math.isfinite(weight_kg) or weight_kg <= 0:
        raise ImplausibleValueError("body weight must be a positive number of kg", path=path, value=weight_kg)
    if age_days is None:
        raise InputError("the child's age is needed to check the weight (give subject.dateOfBirth or "
                         "subject.timeAtLastEncounter)", path="$.subject")
    r = weight_range(kb, age_days)
    refuse_outside("weight", weight_kg, "kg", r.low_kg, r.high_kg, age_days, r.certainty, path)
    return r


def check_height(kb: KnowledgeBase, height_cm: float, age_days: float, *, path: str = "height_cm") -> PlausibleRange:
    """SafetyRefusal (exit 2) when the height or length is implausible for age."""
    r = plausible_range(kb, age_days)
    refuse_outside("height", height_cm, "cm", r.height_low_cm, r.height_high_cm, age_days, "verified", path)
    return r


def refuse_outside(quantity: str, value: float, unit: str, low: float, high: float, age_days: float,
                   certainty: str, path: str) -> None:
    """The one refusal message of the growth check, for weight and height alike."""
    if not low <= value <= high:
        raise SafetyRefusal(f"{quantity} {value:g} {unit} is implausible at {format_age(age_days)} (accepted {low:.1f}-"
                            f"{high:.1f} {unit}, WHO growth reference {GROWTH_TABLE}"
                            + ("" if certainty == "verified" else ", bounds UNVERIFIED above 10 years")
                            + f"); check the {quantity} and its unit", path=path, value=value)


def age_on(date_of_birth: dt.date | None, age_at_last_encounter_days: float | None, when: dt.date | None,
           measured_age_days: float | None = None) -> float | None:
    """Age in days on ``when``: from the date of birth if known, else the age recorded with the measurement,
    else the age at the last encounter (a close upper bound for a recent weight)."""
    if date_of_birth is not None and when is not None:
        return float((when - date_of_birth).days)
    if measured_age_days is not None:
        return measured_age_days
    return age_at_last_encounter_days
