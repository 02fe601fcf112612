"""Autoimmune haemolytic anaemia after HSCT (TX-AIHA-WORKING, UNVERIFIED working definition).

A haemolysis episode = a haemoglobin fall with enough haemolysis markers; the DAT then sorts it: positive ->
AIHA suspected; negative -> AIHA *not* excluded (a third of Chang 2016's cases were DAT-negative) and TA-TMA to
be told apart; not done -> order a DAT. A positive DAT alone is reported, never called AIHA.
"""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.knowledge import KnowledgeBase
from rarebone.transplant.compare import above, at_least, below
from rarebone.transplant.dosing import param
from rarebone.transplant.labs import Labs

MARKERS = (  # key, what counts, limit setting, unit
    ("ldh", "raised LDH", "ldhUpperLimitUL", "U/L"),
    ("bilirubin_indirect", "raised indirect bilirubin", "indirectBilirubinUpperLimitUmolL", "umol/L"),
    ("haptoglobin", "low haptoglobin", "haptoglobinLowerLimitGL", "g/L"),
    ("reticulocytes_pct", "raised reticulocytes", "reticulocytesUpperLimitPct", "%"),
)


@dataclass(frozen=True)
class Episode:
    day: int
    hb: float
    fall: float
    markers: tuple[str, ...]  # present
    unassessed: tuple[str, ...]  # not measured or no limit
    dat: tuple[int, str] | None
    status: str  # aiha_suspected, dat_negative, dat_needed


@dataclass(frozen=True)
class AihaResult:
    episodes: tuple[Episode, ...]
    positive_dat_days: tuple[int, ...]
    first: Episode | None


def _marker(kb, labs: Labs, day: int, carry: int, key, what, setting, unit) -> tuple[str | None, str | None]:
    x = labs.latest(key, day, carry)
    if x is None:
        return None, f"{what.split(' ', 1)[1]} not measured"
    low = key == "haptoglobin"
    limit = labs.lower_limit(key, x[0], setting) if low else labs.upper_limit(key, x[0], setting)
    if limit is None:
        return None, f"{what.split(' ', 1)[1]} {x[1]:g} {unit} without a reference limit (settings.{setting})"
    hit = below(kb, x[1], limit[0]) if low else above(kb, x[1], limit[0])
    return (f"{what} {x[1]:g} {unit} (limit {limit[0]:g})" if hit else None), None


def assess(kb: KnowledgeBase, labs: Labs) -> AihaResult:
    v, w = param(kb, "TX-AIHA-WORKING"), param(kb, "TX-TMA-WINDOWS")
    carry, baseline_days = int(w["carry_days"]), int(w["baseline_days"])
    hb = labs.values.get("hemoglobin", {})
    dats = labs.terms.get("dat", {})
    positive = tuple(sorted(d for d, t in dats.items() if t == "positive"))
    episodes = []
    for day in sorted(d for d in hb if d >= 0):
        before = [x for d, x in hb.items() if day - baseline_days <= d < day]
        if not before or not at_least(kb, max(before) - hb[day], v["hb_fall_g_l"]):
            continue
        found, missing = [], []
        for key, what, setting, unit in MARKERS:
            hit, gap = _marker(kb, labs, day, carry, key, what, setting, unit)
            found += [hit] if hit else []
            missing += [gap] if gap else []
        if len(found) < int(v["min_markers"]):
            continue
        # a DAT from the episode's window (before or just after the fall) decides the wording
        dat = next(((d, dats[d]) for d in sorted(dats, key=lambda d: abs(d - day)) if abs(d - day) <= carry), None)
        status = "dat_needed" if dat is None else "aiha_suspected" if dat[1] == "positive" else "dat_negative"
        episodes.append(Episode(day, hb[day], max(before) - hb[day], tuple(found), tuple(missing), dat, status))
    return AihaResult(tuple(episodes), positive, episodes[0] if episodes else None)
