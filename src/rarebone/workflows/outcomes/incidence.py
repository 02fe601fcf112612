"""Cumulative incidence of acute GVHD II-IV, neutrophil engraftment and graft failure with death as the competing
event (Aalen-Johansen, ``analytics.competing``), for all patients and per ``--by`` group; the CIF figures."""

from __future__ import annotations

from rarebone.workflows.outcomes.contract import Estimate, Incidence, IncidenceComparison, IncidenceGroup

CIF_LANDMARK_DAYS = (30.0, 100.0, 365.0)  # reporting landmarks (day +30, +100, 1 year), not clinical thresholds
COMPETING = "death without the event"
NO_GRAY = ("Gray's test not computed: no well-kept Python survival library provides it (lifelines and "
           "scikit-survival do not); compare the curves and confidence intervals, or use R cmprsk::cuminc.")


def _num(series):
    import pandas as pd

    return pd.to_numeric(series, errors="coerce").astype(float).to_numpy()


def endpoint_data(tx) -> dict:
    """Per endpoint: (durations in days, cause 0 censored / 1 event / 2 death without the event)."""
    import numpy as np

    follow = tx["transplant.followup_days"].astype(float).to_numpy()
    dead = (tx["vital_status"] == "dead").to_numpy()
    engraft = _num(tx["transplant.neutrophil_engraftment_day"])
    endpoints = {
        "acute GVHD grade II-IV": (_num(tx["transplant.agvhd_day"]), _num(tx["transplant.agvhd_grade"]) >= 2),
        "neutrophil engraftment": (engraft, ~np.isnan(engraft)),
        "graft failure": (_num(tx["transplant.graft_failure_day"]),
                          tx["transplant.graft_failure"].isin(["primary", "secondary"]).to_numpy()),
    }
    out = {}
    for name, (day, happened) in endpoints.items():
        happened = np.asarray(happened, dtype=bool)
        undated = happened & np.isnan(day)  # the event happened, its day is not recorded: cannot be placed
        out[name] = (np.where(happened, day, follow), np.where(happened, 1, np.where(dead, 2, 0)), ~undated)
    return out


def _label(t_days: float, scale: float, unit: str, requested: set[float]) -> str:
    if t_days in requested:
        return f"{t_days / scale:g} {unit}"
    return "1 year" if t_days == 365.0 else f"day +{t_days:g}"


def _estimates(res, scale, unit, requested, reason: str | None = None) -> list[Estimate]:
    if reason:
        return [Estimate(time=a["time"], estimate=None, ci_lower=None, ci_upper=None, reason=reason,
                         label=_label(a["time"], scale, unit, requested)) for a in res.at]
    return [Estimate(time=a["time"], estimate=a["estimate"], ci_lower=a["ci_lower"], ci_upper=a["ci_upper"],
                     beyond_followup=res.open_end and a["time"] > res.max_time,
                     label=_label(a["time"], scale, unit, requested)) for a in res.at]


def unestimable_reason(dated_events: int, undated_events: int) -> str | None:
    """Every event of the endpoint lacks its day: no number can be given (0% would claim no event happened)."""
    if undated_events and not dated_events:
        total = dated_events + undated_events
        return f"not estimable: {undated_events} of {total} events have no onset day"
    return None


def incidences(frame, by: list[str], scale: float, unit: str, at_days: list[float], figs: dict | None,
               group_labels) -> list[Incidence]:
    import numpy as np

    from rarebone.analytics import competing

    tx = frame[frame["transplant.followup_days"].notna() & frame["vital_status"].isin(["alive", "dead"])]
    if not len(tx):
        return []
    times = sorted({*CIF_LANDMARK_DAYS, *at_days})
    requested = set(at_days)
    data = endpoint_data(tx)
    out, curves, by_curves, panel_notes = [], [], {column: {} for column in by}, {}
    by_notes = {column: {} for column in by}
    for name, (t_all, cause_all, dated) in data.items():
        note = None
        undated = int((~dated).sum())
        t, cause = t_all[dated], cause_all[dated]
        reason = unestimable_reason(int((cause == 1).sum()), undated)
        if undated and not reason:
            note = (f"{undated} of {undated + int((cause == 1).sum())} events have no onset day and are left out "
                    "of this estimate (an event without a time cannot be placed on the curve).")
        elif reason:
            note = f"{name}: {reason}; no incidence is given (an event without a day cannot be placed on the curve)."
        res = competing.cumulative_incidence(t, cause, times, cause=1, endpoint=name)
        comparisons = []
        for column in by:
            all_labels = group_labels(tx[column])
            labels = all_labels[dated]
            groups = []
            for level in sorted({v for v in all_labels if v is not None}):
                mask = labels == level
                g_undated = int(np.sum((all_labels == level) & ~dated))
                g = competing.cumulative_incidence(t[mask], cause[mask], times, cause=1, endpoint=name, label=level)
                g_reason = unestimable_reason(g.events, g_undated)
                groups.append(IncidenceGroup(group=level, n=g.n, events=g.events, competing=g.competing,
                                             estimates=_estimates(g, scale, unit, requested, g_reason),
                                             ci_resolution_days=g.ci_resolution_days, undated=g_undated,
                                             not_estimable=g_reason))
                if g_reason:
                    by_notes[column].setdefault(name, []).append(f"{level}: {g_reason}")
                else:
                    by_curves[column].setdefault(name, []).append(g)
                by_curves[column].setdefault(name, [])
            unknown = int(np.sum([v is None for v in labels]))
            gray = NO_GRAY + (f" {unknown} patient(s) with {column} unknown left out." if unknown else "")
            comparisons.append(IncidenceComparison(by=column, groups=groups, test=None, note=gray))
        out.append(Incidence(endpoint=name, competing_event=COMPETING, n=res.n, events=res.events,
                             competing=res.competing, estimates=_estimates(res, scale, unit, requested, reason),
                             ci_resolution_days=res.ci_resolution_days, comparisons=comparisons, note=note,
                             undated=undated, not_estimable=reason))
        if reason:
            panel_notes[name] = reason
        else:
            curves.append(res)
    if figs is not None:
        from rarebone.analytics.figures import cif_figure

        synthetic = bool(frame["synthetic"].fillna(False).astype(bool).any())
        panels = {inc.endpoint: [c for c in curves if c.endpoint == inc.endpoint] for inc in out}
        figs["cif"] = cif_figure(panels, title="Cumulative incidence, all patients (death as competing event)",
                                 synthetic=synthetic, notes={k: [v] for k, v in panel_notes.items()})
        from rarebone.report.outcomes import field

        for column, per_endpoint in by_curves.items():
            figs[f"cif_{column}"] = cif_figure(per_endpoint, title=f"Cumulative incidence by {field(column)} "
                                               "(death as competing event)", synthetic=synthetic,
                                               notes=by_notes[column])
    return out
