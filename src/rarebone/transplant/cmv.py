"""CMV DNAemia against the centre's pre-emptive threshold (TX-CMV-THRESHOLD). There is no consensus threshold:
the centre sets value, unit (IU/mL or copies/mL), specimen and assay; without it the values are compared with
the range a 2024 systematic review found in use (100-1,000 IU/mL) and the output asks for the centre's value.
Copies/mL and IU/mL are never converted into each other (the factor is assay-specific)."""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.knowledge import KnowledgeBase
from rarebone.transplant.compare import at_least
from rarebone.transplant.dosing import param
from rarebone.transplant.labs import Labs

UNITS = {"IU/mL": "cmv_iu", "copies/mL": "cmv_copies"}
# Specimen of each LOINC code (LAB-CMV-IU, LAB-CMV-COPIES)
SPECIMEN = {"72493-0": "plasma", "100675-8": "whole blood", "29604-6": "whole blood"}


@dataclass(frozen=True)
class CmvPoint:
    day: int
    value: float
    unit: str
    specimen: str | None
    status: str  # at_or_above_centre, below_centre, above_review_range, within_review_range, below_review_range,
    #              not_comparable


@dataclass(frozen=True)
class CmvResult:
    points: tuple[CmvPoint, ...]
    threshold: dict | None
    first_trigger: CmvPoint | None  # first value at or above the centre threshold
    rising: bool


def assess(kb: KnowledgeBase, labs: Labs) -> CmvResult:
    v = param(kb, "TX-CMV-THRESHOLD")
    threshold = labs.settings.get("cmvThreshold")
    points = []
    for unit, key in UNITS.items():
        for day, value in sorted(labs.values.get(key, {}).items()):
            code = labs.codes.get(key, {}).get(day, "").removeprefix("LOINC:")
            specimen = SPECIMEN.get(code)
            if threshold:
                if threshold["unit"] != unit:
                    status = "not_comparable"
                else:
                    status = "at_or_above_centre" if at_least(kb, value, threshold["value"]) else "below_centre"
            elif unit != "IU/mL":
                status = "not_comparable"
            else:
                status = ("above_review_range" if at_least(kb, value, v["review_high_iu_ml"]) else
                          "within_review_range" if at_least(kb, value, v["review_low_iu_ml"]) else "below_review_range")
            points.append(CmvPoint(day, value, unit, specimen, status))
    points.sort(key=lambda p: p.day)
    trigger = next((p for p in points if p.status == "at_or_above_centre"), None)
    same = [p for p in points if p.unit == (points[-1].unit if points else None)]
    rising = len(same) >= 2 and same[-1].value > same[-2].value
    return CmvResult(tuple(points), threshold, trigger, rising)
