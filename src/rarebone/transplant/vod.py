"""Hepatic VOD/SOS: modified Seattle (McDonald 1993) and EBMT paediatric (Corbacioglu 2018) criteria with
severity. Each criterion is present, absent or unknown (not observed); unknown never counts as absent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from rarebone.knowledge import KnowledgeBase
from rarebone.transplant.compare import above, at_least, distinct_text
from rarebone.transplant.dosing import param


@dataclass(frozen=True)
class Criterion:
    name: str
    status: str  # present, absent, unknown
    detail: str = ""


@dataclass(frozen=True)
class VodResult:
    definition_id: str
    met: bool
    criteria: tuple[Criterion, ...]
    severity: str | None = None
    note: str = ""


@dataclass(frozen=True)
class LiverObs:
    """Clinical liver findings of one day (rarebone Phenopacket extension)."""

    hepatomegaly: bool | None = None
    ruq_pain: bool | None = None
    ascites: str | None = None  # none, minimal, moderate, paracentesis
    refractory_thrombocytopenia: bool | None = None
    alt_times_uln: float | None = None


def _status(flags: list[bool | None]) -> str:
    if any(f is True for f in flags):
        return "present"
    return "absent" if flags and all(f is False for f in flags) else "unknown"


def _count(criteria) -> tuple[int, int]:
    return sum(c.status == "present" for c in criteria), sum(c.status == "unknown" for c in criteria)


def weight_gain_fraction(weight: Mapping[int, float], baseline_kg: float | None, day: int) -> float | None:
    """Weight gain over baseline as a fraction (0.05 = 5%)."""
    if baseline_kg is None or day not in weight:
        return None
    return (weight[day] - baseline_kg) / baseline_kg


def modified_seattle(kb: KnowledgeBase, bilirubin_mg_dl: Mapping[int, float], weight_kg: Mapping[int, float],
                     baseline_weight_kg: float | None, liver: Mapping[int, LiverObs]) -> VodResult:
    v = param(kb, "TX-VOD-SEATTLE")
    window = lambda series: {d: x for d, x in series.items() if 0 <= d <= v["by_day"]}  # noqa: E731
    bili = window(bilirubin_mg_dl)
    obs = window(liver)
    gains = [g for d in window(weight_kg) if (g := weight_gain_fraction(weight_kg, baseline_weight_kg, d)) is not None]
    hep_pain = [None if o.hepatomegaly is None or o.ruq_pain is None else (o.hepatomegaly and o.ruq_pain)
                for o in obs.values()]
    criteria = (
        Criterion(f"bilirubin > {v['bilirubin_above_mg_dl']:g} mg/dL", _status([above(kb, x, v["bilirubin_above_mg_dl"]) for x in bili.values()]),
                  f"max {distinct_text(kb, max(bili.values()), v['bilirubin_above_mg_dl'], 'mg/dL')}" if bili else "not observed"),
        Criterion("hepatomegaly with RUQ pain", _status(hep_pain)),
        Criterion(f"weight gain > {v['weight_gain_above_fraction']:.0%} over baseline",
                  _status([above(kb, g, v["weight_gain_above_fraction"]) for g in gains]),
                  f"max {distinct_text(kb, max(gains), v['weight_gain_above_fraction'], percent=True)}" if gains
                  else "baseline or weights missing"),
    )
    present, unknown = _count(criteria)
    note = f"window day 0 to +{int(v['by_day'])}"
    if not present >= v["min_criteria"] and present + unknown >= v["min_criteria"]:
        note += "; not met on the observed data but could be met by unobserved criteria"
    return VodResult("TX-VOD-SEATTLE", present >= v["min_criteria"], criteria, None, note)


def _rising_run(series: Mapping[int, float], days: int) -> bool:
    """Values rising on ``days`` consecutive observed calendar days (each above the day before)."""
    ordered = sorted(series)
    run = 0
    for a, b in zip(ordered, ordered[1:]):
        run = run + 1 if b == a + 1 and series[b] > series[a] else 0
        if run >= days:
            return True
    return False


def ebmt_paediatric(kb: KnowledgeBase, bilirubin_mg_dl: Mapping[int, float], weight_kg: Mapping[int, float],
                    baseline_weight_kg: float | None, liver: Mapping[int, LiverObs]) -> VodResult:
    v = param(kb, "TX-VOD-EBMT-PAED")
    after = lambda series: {d: x for d, x in series.items() if d >= 0}  # noqa: E731
    bili, obs, wt = after(bilirubin_mg_dl), after(liver), after(weight_kg)
    gains = [g for d in wt if (g := weight_gain_fraction(wt, baseline_weight_kg, d)) is not None]
    weight_flags: list[bool | None] = [above(kb, g, v["weight_gain_above_fraction"]) for g in gains]
    if _rising_run(wt, int(v["rising_days"])):
        weight_flags.append(True)
    bili_flags: list[bool | None] = [at_least(kb, x, v["bilirubin_from_mg_dl"]) for x in bili.values()]
    if _rising_run(bili, int(v["rising_days"])):
        bili_flags.append(True)
    criteria = (
        Criterion("transfusion-refractory thrombocytopenia", _status([o.refractory_thrombocytopenia for o in obs.values()])),
        Criterion(f"weight gain on {int(v['rising_days'])} consecutive days or > {v['weight_gain_above_fraction']:.0%} over baseline",
                  _status(weight_flags) if wt else "unknown"),
        Criterion("hepatomegaly above baseline", _status([o.hepatomegaly for o in obs.values()])),
        Criterion("ascites above baseline", _status([None if o.ascites is None else o.ascites != "none" for o in obs.values()])),
        Criterion(f"bilirubin rising on {int(v['rising_days'])} consecutive days or >= {v['bilirubin_from_mg_dl']:g} mg/dL",
                  _status(bili_flags) if bili else "unknown"),
    )
    present, unknown = _count(criteria)
    met = present >= v["min_criteria"]
    severity = ebmt_paediatric_severity(kb, bili, obs) if met else None
    note = "no time limit; other causes must be excluded by the clinician"
    if met:
        note += ("; severity graded (Corbacioglu 2018 paediatric table) from transaminases, days of refractory "
                 "thrombocytopenia, bilirubin and ascites only: coagulation, renal function (GFR), oxygen need and "
                 "CNS are not recorded by rarebone, so the severity could be higher")
    if not met and present + unknown >= v["min_criteria"]:
        note += "; not met on the observed data but could be met by unobserved criteria"
    return VodResult("TX-VOD-EBMT-PAED", met, criteria, severity, note)


SEVERITY = ("mild", "moderate", "severe", "very severe")


def ebmt_paediatric_severity(kb: KnowledgeBase, bilirubin_mg_dl: Mapping[int, float], liver: Mapping[int, LiverObs]) -> str:
    """Most severe category met (TX-VOD-EBMT-PAED-SEVERITY); >= 2 starred criteria at severe -> very severe."""
    v = param(kb, "TX-VOD-EBMT-PAED-SEVERITY")
    levels: list[int] = []
    alt = [o.alt_times_uln for o in liver.values() if o.alt_times_uln is not None]
    if alt:
        m = max(alt)
        levels.append(2 if above(kb, m, v["alt_severe_above_x"]) else 1 if above(kb, m, v["alt_moderate_above_x"]) else 0)
    rt_days = sum(1 for o in liver.values() if o.refractory_thrombocytopenia)
    if any(o.refractory_thrombocytopenia is not None for o in liver.values()):
        levels.append(2 if rt_days >= v["rt_severe_from_days"] else 1 if rt_days >= v["rt_moderate_from_days"] else 0)
    if bilirubin_mg_dl:
        levels.append(2 if at_least(kb, max(bilirubin_mg_dl.values()), v["bilirubin_severe_from_mg_dl"]) else 0)
    asc = {"none": 0, "minimal": 0, "moderate": 1, "paracentesis": 2}
    a = [asc[o.ascites] for o in liver.values() if o.ascites in asc]
    if a:
        levels.append(max(a))
    if sum(1 for x in levels if x == 2) >= v["very_severe_min_count"]:
        return "very severe"
    return SEVERITY[max(levels)] if levels else "mild"
