"""Cumulative incidence with competing risks (Aalen–Johansen) through scikit-survival.

Not lifelines' ``AalenJohansenFitter``: it jitters tied times at random and gives a different answer on every
seed (ecosystem notes §0.2); day-resolution transplant data is full of ties.

The estimate is computed on the exact event times, without any horizon: it is exact at every time, including a
requested ``--at`` of 5 years or more. The only shortcut is lossless: a patient censored at ``c`` is moved back to
the last event time ``<= c`` (he is at risk at exactly the same event times, so every estimate is unchanged), and
one censored before the first event is left out (he is at risk at no event time).

Confidence intervals use scikit-survival's Aalen variance with the log(−log) transform. That variance costs memory
quadratic in the number of distinct event times, so when there are more than ``CI_MAX_TIMES`` of them the interval
is computed on event times rounded up to the first resolution of ``CI_RESOLUTIONS_DAYS`` that brings them under
the limit; the result says which (``ci_resolution_days``; ``None`` = exact). The estimate itself is never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CI_MAX_TIMES = 1200  # about 90 MB for the Aalen variance matrices; a computing limit, not a clinical number
CI_RESOLUTIONS_DAYS = (1.0, 7.0, 30.4375, 91.3125, 365.25)  # day, week, month, quarter, year


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
    ci_resolution_days: float | None = None
    label: str | None = None
    max_time: float = 0.0  # the longest follow-up (the curve is drawn to here)
    open_end: bool = True  # someone is still censored at max_time: the CIF is unknown after it


def _lossless(durations: np.ndarray, causes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Censoring times moved back to the last event time at or before them (estimates unchanged)."""
    event_times = np.unique(durations[causes > 0])
    censored = causes == 0
    idx = np.searchsorted(event_times, durations[censored], side="right") - 1
    keep = np.ones(durations.size, dtype=bool)
    moved = durations.copy()
    cens_pos = np.flatnonzero(censored)
    keep[cens_pos[idx < 0]] = False
    ok = idx >= 0
    moved[cens_pos[ok]] = event_times[idx[ok]]
    return moved[keep], causes[keep]


def _sksurv(durations, causes, cause: int, conf: bool):
    """Curve (and CI) of ``cause`` from scikit-survival; causes present are renumbered 1..k as it requires."""
    from sksurv.nonparametric import cumulative_incidence_competing_risks

    present = sorted(set(causes[causes > 0].tolist()))
    recode = np.zeros(max(present) + 1, dtype=int)
    for i, c in enumerate(present):
        recode[c] = i + 1
    coded = recode[causes]
    k = int(recode[cause])
    if conf:
        x, y, ci = cumulative_incidence_competing_risks(coded, durations, conf_type="log-log")
        return x, y[k], np.nan_to_num(ci[k, 0]), np.nan_to_num(ci[k, 1], nan=1.0)
    x, y = cumulative_incidence_competing_risks(coded, durations)
    return x, y[k], None, None


def _ci(durations, causes, cause: int):
    """(x, lower, upper, resolution_days) within the memory limit; resolution None when exact."""
    for step in (None, *CI_RESOLUTIONS_DAYS):
        d, c = _lossless(durations if step is None else np.ceil(durations / step) * step, causes)
        if np.unique(d[c > 0]).size <= CI_MAX_TIMES:
            break
    x, _, lo, hi = _sksurv(d, c, cause, conf=True)
    return x, lo, hi, step


def _step(x, values, t):
    """A right-continuous step function (``values`` from each ``x`` on; 0 before the first) at ``t``."""
    idx = np.searchsorted(x, t, side="right") - 1
    return np.where(idx >= 0, np.asarray(values)[np.maximum(idx, 0)], 0.0)


def _at(x, values, t) -> float:
    return float(_step(x, values, t))


def cumulative_incidence(durations, causes, times=(), cause: int = 1, endpoint: str = "event",
                         label: str | None = None) -> CIFResult:
    """``causes``: 0 censored, 1 the event of interest, 2 the competing event (death without the event).
    ``durations`` in days. Estimates at ``times`` (days) are exact; see the module notes for the CI."""
    durations = np.asarray(durations, dtype=float)
    causes = np.asarray(causes, dtype=int)
    n, events, competing = int(durations.size), int((causes == cause).sum()), int(((causes > 0) & (causes != cause)).sum())
    if durations.size == 0:
        return CIFResult(endpoint, 0, 0, 0, [], label=label)
    resolution = None
    if not events:  # no event of interest: incidence is 0 throughout (sksurv needs every cause present)
        x = np.array([0.0, float(durations.max())])
        curve = lo = hi = np.zeros(2)
        cx = x
    elif not competing:
        # No competing event observed: Aalen-Johansen reduces to 1 - KM (sksurv 0.28 fails with a single cause).
        from rarebone.analytics.survival import kaplan_meier

        km = kaplan_meier(durations, causes == cause)
        x = cx = np.array(km.timeline)
        curve, lo, hi = 1 - np.array(km.survival), 1 - np.array(km.upper), 1 - np.array(km.lower)
    else:
        d, c = _lossless(durations, causes)
        x, curve, _, _ = _sksurv(d, c, cause, conf=False)
        cx, lo, hi, resolution = _ci(durations, causes, cause)
    at = []
    for t in times:
        at.append({"time": float(t), "estimate": _at(x, curve, t), "ci_lower": _at(cx, lo, t),
                   "ci_upper": _at(cx, hi, t)})
    # the drawn band follows the estimate's time axis
    band_lo, band_hi = (lo, hi) if cx is x else (_step(cx, lo, x), _step(cx, hi, x))
    x, curve, band_lo, band_hi = (list(map(float, v)) for v in (x, curve, band_lo, band_hi))
    end = float(durations.max())
    if end > x[-1]:  # the curve goes on, flat, to the end of follow-up (censored times were moved back)
        x, curve, band_lo, band_hi = x + [end], curve + curve[-1:], band_lo + band_lo[-1:], band_hi + band_hi[-1:]
    open_end = bool((causes[durations == end] == 0).any())
    return CIFResult(endpoint, n, events, competing, at, x, curve, band_lo, band_hi, resolution, label, end, open_end)
