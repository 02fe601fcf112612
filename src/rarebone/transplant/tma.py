"""Transplant-associated thrombotic microangiopathy: the harmonised international criteria (TX-TMA-HARMONISED,
Schoettler 2023), with Jodele 2014's hypertension and proteinuria items as a setting (TX-TMA-JODELE2014).

Each time point counts the 7 criteria; a criterion without data is "not assessed" (never "not met"), so a count
is a lower bound. Diagnosis: >= 4 of 7 at 2 consecutive time points within 14 days, or a biopsy.
"""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.knowledge import KnowledgeBase
from rarebone.transplant.compare import above, at_least, distinct_text
from rarebone.transplant.dosing import param
from rarebone.transplant.labs import Labs

VERSIONS = {"harmonised2023": "TX-TMA-HARMONISED", "jodele2014": "TX-TMA-JODELE2014"}
# A time point is a day with at least one TA-TMA-specific value (blood counts alone are daily and do not make one)
INPUTS = ("ldh", "bp_systolic", "bp_diastolic", "urine_protein", "urine_protein_creatinine", "sc5b9")


@dataclass(frozen=True)
class Criterion:
    name: str
    status: str  # met, not_met, not_assessed, not_counted
    detail: str


@dataclass(frozen=True)
class TimePoint:
    day: int
    criteria: tuple[Criterion, ...]

    @property
    def count(self) -> int:
        return sum(c.status == "met" for c in self.criteria)

    @property
    def unassessed(self) -> int:
        return sum(c.status in ("not_assessed", "not_counted") for c in self.criteria)


@dataclass(frozen=True)
class TmaResult:
    version: str
    met: bool
    diagnosis_days: tuple[int, ...]
    biopsy_day: int | None
    time_points: tuple[TimePoint, ...]
    high_risk: tuple[str, ...]
    best: TimePoint | None  # the time point with most criteria met


def _d(day: int) -> str:
    return f"day {day:+d}" if day else "day 0"


def _anaemia(kb, labs: Labs, day, v, w, aiha_days: set[int]) -> Criterion:
    name = "anaemia"
    aiha_near = any(abs(d - day) <= int(w["carry_days"]) for d in aiha_days)
    if labs.findings.get(day, {}).get("redCellTransfusion") is True:
        if aiha_near:
            return Criterion(name, "not_counted", "red-cell transfusion recorded but AIHA is not excluded (positive "
                             "DAT near this day): the harmonised criteria count anaemia only after AIHA is excluded")
        return Criterion(name, "met", "red-cell transfusion recorded (new transfusion need)")
    hb = labs.latest("hemoglobin", day, int(w["carry_days"]))
    if hb is None:
        return Criterion(name, "not_assessed", "no haemoglobin")
    before = [x for d, x in labs.values["hemoglobin"].items() if hb[0] - int(w["baseline_days"]) <= d < hb[0]]
    if not before:
        return Criterion(name, "not_assessed", f"haemoglobin {hb[1]:g} g/L ({_d(hb[0])}), no baseline in the "
                         f"{int(w['baseline_days'])} days before")
    fall = max(before) - hb[1]
    met = at_least(kb, fall, v["hb_fall_g_l"])
    if met and aiha_near:
        return Criterion(name, "not_counted", f"haemoglobin fell {fall:g} g/L but AIHA is not excluded (positive DAT "
                         "near this day): the harmonised criteria count anaemia only after AIHA is excluded")
    return Criterion(name, "met" if met else "not_met",
                     f"haemoglobin {hb[1]:g} g/L ({_d(hb[0])}), fall {fall:g} g/L from the highest of the "
                     f"{int(w['baseline_days'])} days before (criterion >= {v['hb_fall_g_l']:g} g/L)")


def _thrombocytopenia(kb, labs: Labs, day, v, w, platelet_engraftment_day: int | None) -> Criterion:
    name = "thrombocytopenia"
    plt = labs.latest("platelets", day, int(w["carry_days"]))
    if plt is None:
        return Criterion(name, "not_assessed", "no platelet count")
    if platelet_engraftment_day is None or day < platelet_engraftment_day:
        return Criterion(name, "met", f"platelets {plt[1]:g} x10^9/L ({_d(plt[0])}); no platelet engraftment yet")
    after = [x for d, x in labs.values["platelets"].items() if platelet_engraftment_day <= d < plt[0]]
    peak = max(after, default=plt[1])
    fall = (peak - plt[1]) / peak if peak else 0.0
    met = at_least(kb, fall, v["platelet_fall_fraction"])
    return Criterion(name, "met" if met else "not_met", f"platelets {plt[1]:g} x10^9/L ({_d(plt[0])}), "
                     f"{distinct_text(kb, fall, v['platelet_fall_fraction'], percent=True)} below the post-engraftment "
                     f"peak {peak:g} (criterion >= {v['platelet_fall_fraction']:.0%} fall)")


def _above_limit(kb, labs: Labs, day, w, key, setting, name, unit, inclusive: bool) -> Criterion:
    x = labs.latest(key, day, int(w["carry_days"]))
    if x is None:
        return Criterion(name, "not_assessed", f"no {name.split(' ')[0]} value")
    limit = labs.upper_limit(key, x[0], setting)
    if limit is None:
        return Criterion(name, "not_assessed", f"{x[1]:g} {unit} ({_d(x[0])}) but no upper limit of normal: give "
                         f"the laboratory referenceRange or settings.{setting}")
    met = at_least(kb, x[1], limit[0]) if inclusive else above(kb, x[1], limit[0])
    return Criterion(name, "met" if met else "not_met", f"{x[1]:g} {unit} ({_d(x[0])}), upper limit {limit[0]:g} "
                     f"({limit[1]})")


def _schistocytes(labs: Labs, day, w) -> Criterion:
    t = labs.latest_term("schistocytes", day, int(w["carry_days"]))
    if t is None:
        return Criterion("schistocytes", "not_assessed", "no blood film result")
    met = t[1] in ("present", "positive")
    return Criterion("schistocytes", "met" if met else "not_met", f"{t[1]} ({_d(t[0])})")


def _hypertension(kb, labs: Labs, day, v, vj, w, version: str) -> Criterion:
    name = "hypertension"
    per_year = param(kb, "TX-CALENDAR")["days_per_year"]
    age = (labs.age_days_day0 + day) / per_year if labs.age_days_day0 is not None else None
    sbp, dbp = labs.latest("bp_systolic", day, int(w["carry_days"])), labs.latest("bp_diastolic", day, int(w["carry_days"]))
    if age is not None and at_least(kb, age, v["adult_from_years"]):
        if sbp is None and dbp is None:
            return Criterion(name, "not_assessed", "no blood pressure")
        met = (sbp is not None and at_least(kb, sbp[1], v["adult_systolic_mmhg"])) or \
              (dbp is not None and at_least(kb, dbp[1], v["adult_diastolic_mmhg"]))
        shown = "/".join(f"{x[1]:g}" if x else "?" for x in (sbp, dbp))
        return Criterion(name, "met" if met else "not_met", f"{shown} mmHg (criterion >= "
                         f"{v['adult_systolic_mmhg']:g}/{v['adult_diastolic_mmhg']:g} from {v['adult_from_years']:g} y)")
    centile = next((labs.findings[d]["bpCentile"] for d in range(day, day - int(w["carry_days"]) - 1, -1)
                    if labs.findings.get(d, {}).get("bpCentile") is not None), None)
    measured = f"; measured {sbp[1]:g}/{f'{dbp[1]:g}' if dbp else '?'} mmHg" if sbp else ""
    if centile is None:
        return Criterion(name, "not_assessed", "blood-pressure centile for age, sex and height not recorded "
                         f"(findings[].bpCentile; rarebone holds no centile tables){measured}")
    if version == "jodele2014":
        met = at_least(kb, centile, vj["hypertension_from_centile"])
        rule = f">= {vj['hypertension_from_centile']:g}th centile (Jodele 2014)"
    else:
        met = above(kb, centile, v["hypertension_above_centile"])
        rule = f"> {v['hypertension_above_centile']:g}th centile (harmonised 2023)"
    return Criterion(name, "met" if met else "not_met", f"{centile:g}th centile{measured} (criterion {rule})")


def _proteinuria(kb, labs: Labs, day, v, vj, w, version: str) -> Criterion:
    name = "proteinuria"
    upcr = labs.latest("urine_protein_creatinine", day, int(w["carry_days"]))
    strip = labs.latest("urine_protein", day, int(w["carry_days"]))
    jodele = (f"urine protein {strip[1]:g} mg/dL ({_d(strip[0])}; Jodele 2014 item >= "
              f"{vj['proteinuria_from_mg_dl']:g} mg/dL {'met' if strip and at_least(kb, strip[1], vj['proteinuria_from_mg_dl']) else 'not met'})"
              if strip else "")
    if version == "jodele2014":
        if strip is None:
            return Criterion(name, "not_assessed", "no random urine protein (Jodele 2014 uses urinalysis mg/dL)")
        return Criterion(name, "met" if at_least(kb, strip[1], vj["proteinuria_from_mg_dl"]) else "not_met", jodele)
    if upcr is None:
        return Criterion(name, "not_assessed", "no urine protein/creatinine ratio (harmonised 2023 needs UPCR)"
                         + (f"; {jodele}" if jodele else ""))
    met = at_least(kb, upcr[1], v["upcr_from_mg_mg"])
    return Criterion(name, "met" if met else "not_met", f"UPCR {upcr[1]:g} mg/mg ({_d(upcr[0])}; criterion >= "
                     f"{v['upcr_from_mg_mg']:g} mg/mg)" + (f"; {jodele}" if jodele else ""))


def time_point(kb: KnowledgeBase, labs: Labs, day: int, version: str, platelet_engraftment_day: int | None,
               aiha_days: set[int], previous: int | None = None) -> TimePoint:
    """The 7 criteria on ``day``. A value is carried from up to ``carry_days`` before, but never from the previous
    time point's day or earlier: two time points never share a value."""
    v, vj, w = param(kb, "TX-TMA-HARMONISED"), param(kb, "TX-TMA-JODELE2014"), dict(param(kb, "TX-TMA-WINDOWS"))
    if previous is not None:
        w["carry_days"] = max(0, min(int(w["carry_days"]), day - previous - 1))
    return TimePoint(day, (
        _anaemia(kb, labs, day, v, w, aiha_days),
        _thrombocytopenia(kb, labs, day, v, w, platelet_engraftment_day),
        _above_limit(kb, labs, day, w, "ldh", "ldhUpperLimitUL", "LDH above ULN", "U/L", inclusive=False),
        _schistocytes(labs, day, w),
        _hypertension(kb, labs, day, v, vj, w, version),
        _above_limit(kb, labs, day, w, "sc5b9", "sc5b9UpperLimitNgMl", "sC5b-9 at or above ULN", "ng/mL",
                     inclusive=True),
        _proteinuria(kb, labs, day, v, vj, w, version),
    ))


def _high_risk(kb, labs: Labs, tp: TimePoint, v, agvhd_grade_ii_plus: bool, infection: bool) -> tuple[str, ...]:
    out = []
    by = {c.name: c for c in tp.criteria}
    if by["sC5b-9 at or above ULN"].status == "met":
        out.append("sC5b-9 >= ULN")
    upcr = labs.latest("urine_protein_creatinine", tp.day, int(param(kb, "TX-TMA-WINDOWS")["carry_days"]))
    if upcr and at_least(kb, upcr[1], v["upcr_from_mg_mg"]):
        out.append(f"UPCR >= {v['upcr_from_mg_mg']:g} mg/mg")
    ldh = labs.latest("ldh", tp.day, int(param(kb, "TX-TMA-WINDOWS")["carry_days"]))
    uln = labs.upper_limit("ldh", ldh[0], "ldhUpperLimitUL") if ldh else None
    if ldh and uln and at_least(kb, ldh[1], v["high_risk_ldh_x_uln"] * uln[0]):
        out.append(f"LDH >= {v['high_risk_ldh_x_uln']:g} x ULN")
    if agvhd_grade_ii_plus:
        out.append("acute GVHD grade II-IV")
    if infection:
        out.append("infection (CMV DNA above threshold)")
    return tuple(out)


def assess(kb: KnowledgeBase, labs: Labs, *, version: str, platelet_engraftment_day: int | None,
           aiha_days: set[int], agvhd_grade_ii_plus: bool, infection: bool) -> TmaResult:
    v = param(kb, "TX-TMA-HARMONISED")
    days = sorted({d for key in INPUTS for d in labs.values.get(key, {}) if d >= 0}
                  | {d for d in labs.terms.get("schistocytes", {}) if d >= 0}
                  | {d for d, f in labs.findings.items() if d >= 0 and f.get("bpCentile") is not None})
    points = tuple(time_point(kb, labs, d, version, platelet_engraftment_day, aiha_days, prev)
                   for prev, d in zip([None, *days], days))
    biopsy = next((d for d, f in sorted(labs.findings.items()) if f.get("tmaBiopsy") is True), None)
    need, within = int(v["min_criteria"]), int(v["within_days"])
    diagnosis: tuple[int, ...] = ()
    for a, b in zip(points, points[1:]):
        if a.count >= need and b.count >= need and b.day - a.day <= within:
            diagnosis = (a.day, b.day)
            break
    best = max(points, key=lambda p: (p.count, p.day), default=None)
    anchor = next((p for p in points if p.day == diagnosis[-1]), None) if diagnosis else best
    risk = _high_risk(kb, labs, anchor, v, agvhd_grade_ii_plus, infection) if anchor else ()
    return TmaResult(version, bool(diagnosis) or biopsy is not None, diagnosis, biopsy, points, risk, best)
