"""Cumulative incidence with competing risks (Aalen–Johansen) through scikit-survival.

Not lifelines' ``AalenJohansenFitter``: it jitters tied times at random and gives a different answer on every
seed (ecosystem notes §0.2); day-resolution transplant data is full of ties.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class CIFResult:
    endpoint: str
    n: int
    events: int
    competing: int
    at: list[dict]
    timeline: list[float] = field(default_factory=list)
    incidence: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)


def cumulative_incidence(durations, causes, times=(), cause: int = 1, endpoint: str = "event") -> CIFResult:
    """``causes``: 0 censored, 1 the event of interest, 2 the competing event (death without the event)."""
    from sksurv.nonparametric import cumulative_incidence_competing_risks

    durations = np.asarray(durations, dtype=float)
    causes = np.asarray(causes, dtype=int)
    if durations.size == 0:
        return CIFResult(endpoint, 0, 0, 0, [])
    if not (causes == cause).any():  # no event of interest: incidence is 0 throughout (sksurv needs every cause present)
        x = np.array([0.0, float(durations.max())])
        curve = lo = hi = np.zeros(2)
    elif set(causes[causes > 0].tolist()) == {cause}:
        # No competing event observed: Aalen-Johansen reduces to 1 - KM (sksurv 0.28 fails with a single cause).
        from rarebone.analytics.survival import kaplan_meier

        km = kaplan_meier(durations, causes == cause)
        x = np.array(km.timeline)
        curve, lo, hi = 1 - np.array(km.survival), 1 - np.array(km.upper), 1 - np.array(km.lower)
    else:
        present = sorted(set(causes[causes > 0].tolist()))
        recode = {c: i + 1 for i, c in enumerate(present)}  # sksurv numbers causes 1..k without gaps
        coded = np.array([recode.get(c, 0) for c in causes.tolist()])
        x, y, ci = cumulative_incidence_competing_risks(coded, durations, conf_type="log-log")
        k = recode[cause]
        curve, lo, hi = y[k], ci[k, 0], ci[k, 1]
    at = []
    for t in times:
        idx = max(int(np.searchsorted(x, t, side="right")) - 1, 0)
        at.append({"time": float(t), "estimate": float(curve[idx]), "ci_lower": float(np.nan_to_num(lo[idx])),
                   "ci_upper": float(np.nan_to_num(hi[idx], nan=1.0))})
    return CIFResult(endpoint, int(len(durations)), int((causes == cause).sum()), int((causes == 2).sum()), at,
                     [float(v) for v in x], [float(v) for v in curve],
                     [float(v) for v in np.nan_to_num(lo)], [float(v) for v in np.nan_to_num(hi, nan=1.0)])
