"""Acute GVHD organ staging and overall grade (MAGIC, Harris 2016) and chronic GVHD global severity
(NIH 2014, Jagasia 2015). Thresholds from TX-MAGIC-* and TX-NIH-CGVHD."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from rarebone.knowledge import KnowledgeBase
from rarebone.transplant.dosing import param


def skin_stage(kb: KnowledgeBase, rash_bsa_pct: float, bullae_desquamation_bsa_pct: float = 0.0) -> int:
    v = param(kb, "TX-MAGIC-SKIN")
    if rash_bsa_pct > v["stage3_above_pct"] and bullae_desquamation_bsa_pct > v["stage4_desquamation_above_pct"]:
        return 4
    if rash_bsa_pct > v["stage3_above_pct"]:
        return 3
    if rash_bsa_pct >= v["stage2_from_pct"]:
        return 2
    return 1 if rash_bsa_pct > 0 else 0


def liver_stage(kb: KnowledgeBase, bilirubin_mg_dl: float) -> int:
    v = param(kb, "TX-MAGIC-LIVER")
    if bilirubin_mg_dl > v["stage4_above_mg_dl"]:
        return 4
    if bilirubin_mg_dl > v["stage3_above_mg_dl"]:
        return 3
    if bilirubin_mg_dl > v["stage2_above_mg_dl"]:
        return 2
    return 1 if bilirubin_mg_dl >= v["stage1_from_mg_dl"] else 0


def upper_gi_stage(persistent_symptoms: bool) -> int:
    return 1 if persistent_symptoms else 0


def lower_gi_stage(kb: KnowledgeBase, stool_ml_per_day: float, weight_kg: float, severe: bool = False) -> int:
    """Child column (mL/kg/day) at or below the child weight limit, adult column (mL/day) above it; stage 4
    for severe pain +- ileus or grossly bloody stool regardless of volume."""
    if severe:
        return 4
    child = param(kb, "TX-MAGIC-LOWER-GI-CHILD")
    if weight_kg <= child["child_max_weight_kg"]:
        x = stool_ml_per_day / weight_kg
        if x > child["stage3_above_ml_kg_day"]:
            return 3
        if x >= child["stage2_from_ml_kg_day"]:
            return 2
        return 1 if x >= child["stage1_from_ml_kg_day"] else 0
    adult = param(kb, "TX-MAGIC-LOWER-GI-ADULT")
    if stool_ml_per_day > adult["stage3_above_ml_day"]:
        return 3
    if stool_ml_per_day >= adult["stage2_from_ml_day"]:
        return 2
    return 1 if stool_ml_per_day >= adult["stage1_from_ml_day"] else 0


GRADES = ("0", "I", "II", "III", "IV")


def magic_grade(skin: int, liver: int, upper_gi: int, lower_gi: int) -> str:
    """Overall grade by pattern, top-down (TX-MAGIC-GRADE); not the maximum stage."""
    if skin == 4 or liver == 4 or lower_gi == 4:
        return "IV"
    if liver in (2, 3) or lower_gi in (2, 3):
        return "III"
    if skin == 3 or liver == 1 or upper_gi == 1 or lower_gi == 1:
        return "II"
    if skin in (1, 2):
        return "I"
    return "0"


@dataclass(frozen=True)
class AcuteGvhdDay:
    study_day: int
    skin: int | None
    liver: int | None
    upper_gi: int | None
    lower_gi: int | None
    grade: str
    unassessed: tuple[str, ...]


def grade_day(day: int, skin: int | None, liver: int | None, upper_gi: int | None, lower_gi: int | None) -> AcuteGvhdDay:
    """Grade from the organs assessed that day; unassessed organs are named, not taken as 0."""
    organs = {"skin": skin, "liver": liver, "upper GI": upper_gi, "lower GI": lower_gi}
    unassessed = tuple(k for k, v in organs.items() if v is None)
    grade = magic_grade(skin or 0, liver or 0, upper_gi or 0, lower_gi or 0)
    return AcuteGvhdDay(day, skin, liver, upper_gi, lower_gi, grade, unassessed)


CGVHD_ORGANS = ("skin", "mouth", "eyes", "gi", "liver", "lungs", "joints", "genital")


def nih_global_severity(kb: KnowledgeBase, scores: Mapping[str, int | None]) -> tuple[str, tuple[str, ...]]:
    """NIH 2014 global severity (none, mild, moderate, severe) and the organs not assessed."""
    v = param(kb, "TX-NIH-CGVHD")
    unassessed = tuple(o for o in CGVHD_ORGANS if scores.get(o) is None)
    s = {o: scores[o] for o in CGVHD_ORGANS if scores.get(o) is not None}
    lung = s.get("lungs", 0)
    involved = [o for o, x in s.items() if x >= 1]
    if any(x >= 3 for x in s.values()) or lung >= 2:
        return "severe", unassessed
    if lung == 1 or any(x == 2 for o, x in s.items() if o != "lungs") or len(involved) >= v["moderate_min_organs"]:
        return "moderate", unassessed
    if 1 <= len(involved) <= v["mild_max_organs"]:
        return "mild", unassessed
    return "none", unassessed
