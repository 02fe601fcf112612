"""Acute GVHD organ staging and overall grade (MAGIC, Harris 2016) and chronic GVHD global severity
(NIH 2014, Jagasia 2015). Thresholds from TX-MAGIC-* and TX-NIH-CGVHD; a stage is the number of ordered
thresholds a value reaches, so no stage number lives in code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from rarebone.errors import ImplausibleValueError, KnowledgeError
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.transplant import GradePattern
from rarebone.transplant.compare import above, at_least
from rarebone.transplant.dosing import param


def skin_stage(kb: KnowledgeBase, rash_bsa_pct: float, bullae_desquamation_bsa_pct: float = 0.0) -> int:
    """Stage 1 any rash, 2 from 25%, 3 above 50%, 4 above 50% with bullae/desquamation above 5% (TX-MAGIC-SKIN)."""
    v = param(kb, "TX-MAGIC-SKIN")
    steps = (rash_bsa_pct > 0, at_least(kb, rash_bsa_pct, v["stage2_from_pct"]), above(kb, rash_bsa_pct, v["stage3_above_pct"]),
             above(kb, rash_bsa_pct, v["stage3_above_pct"])
             and above(kb, bullae_desquamation_bsa_pct, v["stage4_desquamation_above_pct"]))
    return sum(steps)


def liver_stage(kb: KnowledgeBase, bilirubin_mg_dl: float) -> int:
    v = param(kb, "TX-MAGIC-LIVER")
    """MAGIC liver stage by bilirubin (TX-MAGIC-LIVER). Only for hyperbilirubinaemia the clinician attributes to
    GVHD: the caller must not stage a bilirubin alone (other causes: VOD, drugs, infection)."""
    return sum((at_least(kb, bilirubin_mg_dl, v["stage1_from_mg_dl"]), above(kb, bilirubin_mg_dl, v["stage2_above_mg_dl"]),
                above(kb, bilirubin_mg_dl, v["stage3_above_mg_dl"]), above(kb, bilirubin_mg_dl, v["stage4_above_mg_dl"])))


def upper_gi_stage(persistent_symptoms: bool) -> int:
    return 1 if persistent_symptoms else 0


def _volume_stage(kb: KnowledgeBase, x: float, v: dict, unit: str) -> int:
    return sum((at_least(kb, x, v[f"stage1_from_{unit}"]), at_least(kb, x, v[f"stage2_from_{unit}"]),
                above(kb, x, v[f"stage3_above_{unit}"])))


def lower_gi_stage(kb: KnowledgeBase, stool_ml_per_day: float | None, weight_kg: float, severe: bool = False,
                   episodes_per_day: float | None = None) -> int:
    """Child column (mL/kg/day) at or below the child weight limit, adult column (mL/day) above it; by stool
    episodes per day (child or adult column) when no volume is recorded; stage 4 (TX-MAGIC-LOWER-GI-STAGE4)
    for severe pain +- ileus or grossly bloody stool regardless of volume."""
    if severe:
        return int(param(kb, "TX-MAGIC-LOWER-GI-STAGE4")["stage"])
    child = param(kb, "TX-MAGIC-LOWER-GI-CHILD")
    is_child = not above(kb, weight_kg, child["child_max_weight_kg"])
    if stool_ml_per_day is not None:
        if is_child:
            return _volume_stage(kb, stool_ml_per_day / weight_kg, child, "ml_kg_day")
        return _volume_stage(kb, stool_ml_per_day, param(kb, "TX-MAGIC-LOWER-GI-ADULT"), "ml_day")
    if episodes_per_day is None:
        raise ImplausibleValueError("lower GI stage needs stool volume or number of episodes", path="lower_gi")
    if episodes_per_day < 0:
        raise ImplausibleValueError("stool episodes per day cannot be negative", path="stoolEpisodes",
                                    value=episodes_per_day)
    entry = "TX-MAGIC-LOWER-GI-CHILD-EPISODES" if is_child else "TX-MAGIC-LOWER-GI-ADULT-EPISODES"
    return _volume_stage(kb, episodes_per_day, param(kb, entry), "episodes")


def _pattern(kb: KnowledgeBase) -> GradePattern:
    entry = kb.get("TX-MAGIC-GRADE")
    if not isinstance(entry, GradePattern):
        raise KnowledgeError("TX-MAGIC-GRADE is not a grade pattern", value="TX-MAGIC-GRADE")
    return entry


def grades(kb: KnowledgeBase) -> tuple[str, ...]:
    """MAGIC grades, lowest first (TX-MAGIC-GRADE)."""
    return tuple(_pattern(kb).grades)


def magic_grade(kb: KnowledgeBase, skin: int, liver: int, upper_gi: int, lower_gi: int) -> str:
    """Overall grade by pattern, top-down (TX-MAGIC-GRADE); not the maximum stage."""
    pattern = _pattern(kb)
    stages = {"skin": skin, "liver": liver, "upper_gi": upper_gi, "lower_gi": lower_gi}
    for rule in pattern.rules:
        if any(stages[organ] in allowed for organ, allowed in rule.any_of.items()):
            return rule.grade
    return pattern.otherwise


@dataclass(frozen=True)
class AcuteGvhdDay:
    study_day: int
    skin: int | None
    liver: int | None
    upper_gi: int | None
    lower_gi: int | None
    grade: str
    unassessed: tuple[str, ...]


def grade_day(kb: KnowledgeBase, day: int, skin: int | None, liver: int | None, upper_gi: int | None,
              lower_gi: int | None) -> AcuteGvhdDay:
    """Grade from the organs assessed that day; unassessed organs are named, not taken as 0."""
    organs = {"skin": skin, "liver": liver, "upper GI": upper_gi, "lower GI": lower_gi}
    unassessed = tuple(k for k, v in organs.items() if v is None)
    grade = magic_grade(kb, skin or 0, liver or 0, upper_gi or 0, lower_gi or 0)
    return AcuteGvhdDay(day, skin, liver, upper_gi, lower_gi, grade, unassessed)


CGVHD_ORGANS = ("skin", "mouth", "eyes", "gi", "liver", "lungs", "joints", "genital")


def nih_global_severity(kb: KnowledgeBase, scores: Mapping[str, int | None]) -> tuple[str, tuple[str, ...]]:
    """NIH 2014 global severity (none, mild, moderate, severe) and the organs not assessed."""
    v = param(kb, "TX-NIH-CGVHD")
    unassessed = tuple(o for o in CGVHD_ORGANS if scores.get(o) is None)
    s = {o: scores[o] for o in CGVHD_ORGANS if scores.get(o) is not None}
    lung = s.get("lungs", 0)
    involved = [o for o, x in s.items() if x >= 1]
    if any(x >= v["severe_from_score"] for x in s.values()) or lung >= v["lung_severe_from_score"]:
        return "severe", unassessed
    if (lung == v["lung_moderate_score"] or any(x == v["moderate_nonlung_score"] for o, x in s.items() if o != "lungs")
            or len(involved) >= v["moderate_min_organs"]):
        return "moderate", unassessed
    if 1 <= len(involved) <= v["mild_max_organs"]:
        return "mild", unassessed
    return "none", unassessed
