"""Overall survival: Kaplan-Meier for all patients, log-rank per ``--by`` group, a Cox model; the KM figures."""

from __future__ import annotations

from rarebone.workflows.outcomes.contract import (
    Comparison, Cox, CoxCovariate, Estimate, FollowUp, GroupSummary, Survival, Test,
)

CI_METHOD = "95% CI, Greenwood variance with log(-log) transform (exponential Greenwood)"


def group_labels(series):
    """Display labels of a ``--by`` column (None when unknown), as an object array."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)  # one label per distinct value (fast at 100,000)
    table = np.array([_label(u) for u in uniques] + [None], dtype=object)
    return table[codes]


def _label(v) -> str | None:
    if v is None or v != v:
        return None
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "yes" if v else "no"
    return str(v)


def _estimate(a, scale: float, unit: str) -> Estimate:
    return Estimate(time=a.time / scale, estimate=a.estimate, ci_lower=a.ci_lower, ci_upper=a.ci_upper,
                    beyond_followup=a.beyond_followup, label=f"{a.time / scale:g} {unit}")


def nice_step(horizon: float) -> float:
    for step in (1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 365, 730, 1825):
        if horizon / step <= 8:
            return float(step)
    return float(round(horizon / 8))


def overall(surv, durations, events, *, by, at_days, at, scale, unit, origin, covariates, duration_col,
            figures, synthetic, warnings):
    """Returns (Survival, comparisons, Cox, figures)."""
    import numpy as np

    from rarebone.analytics import survival

    figs: dict[str, str] = {}
    km = survival.kaplan_meier(durations, events, at_days, label="all patients")
    fu = survival.median_followup(durations, events)
    block = Survival(
        endpoint="overall survival (death from any cause)", origin=origin, n=km.n, events=km.events,
        estimates=[_estimate(a, scale, unit) for a in km.at],
        median_survival=None if km.median is None else km.median / scale,
        median_followup=FollowUp(median=None if fu["median"] is None else fu["median"] / scale,
                                 min=fu["min"] / scale, max=fu["max"] / scale, method=fu["method"],
                                 simple_median=float(np.median(durations)) / scale),
        ci_method=CI_METHOD)
    horizon = max(max(at), float(np.nanmax(durations)) / scale)
    step = nice_step(horizon)
    ticks = [i * step for i in range(int(horizon // step) + 1)]
    draw = _Drawer(survival, ticks, scale, unit, synthetic, origin) if figures else None
    if draw:
        figs["km_all"] = draw([km], {km.label: durations}, "Overall survival, all patients")
    comparisons = [_compare(surv, column, durations, events, at_days, scale, unit, survival, draw, figs)
                   for column in by]
    cox = _cox(surv, duration_col, covariates, survival, warnings)
    return block, comparisons, cox, figs


class _Drawer:
    def __init__(self, survival, ticks, scale, unit, synthetic, origin):
        self.survival, self.ticks, self.scale, self.unit = survival, ticks, scale, unit
        self.synthetic, self.origin = synthetic, origin

    def __call__(self, curves, durations_by, title):
        from rarebone.analytics.figures import km_figure

        risk = {label: self.survival.at_risk(d, [t * self.scale for t in self.ticks]) for label, d in durations_by.items()}
        return km_figure(curves, scale=self.scale, unit=self.unit, ticks=self.ticks, at_risk=risk, title=title,
                         synthetic=self.synthetic, origin=self.origin)


def _compare(surv, column, durations, events, at_days, scale, unit, survival, draw, figs) -> Comparison:
    import numpy as np

    labels = group_labels(surv[column])
    known = np.array([v is not None for v in labels])
    groups, curves, by_durations = [], [], {}
    for level in sorted({v for v in labels if v is not None}):
        mask = labels == level
        km = survival.kaplan_meier(durations[mask], events[mask], at_days[:1], label=level)
        groups.append(GroupSummary(group=level, n=km.n, events=km.events, estimate=_estimate(km.at[0], scale, unit)))
        curves.append(km)
        by_durations[level] = durations[mask]
    test, note = None, None
    if len(groups) >= 2:
        lr = survival.logrank(durations[known], events[known], labels[known].astype(str))
        test = Test(name=lr.test, statistic=lr.statistic, df=lr.df, p_value=lr.p_value)
    else:
        note = "fewer than two groups; no test"
    if (~known).any():
        note = f"{int((~known).sum())} patient(s) with {column} unknown left out"
    if draw and curves:
        from rarebone.report.outcomes import field

        figs[f"km_{column}"] = draw(curves, by_durations, f"Overall survival by {field(column)}")
    return Comparison(by=column, groups=groups, test=test, note=note)


def _cox(surv, duration_col, covariates, survival, warnings) -> Cox | None:
    import pandas as pd

    from rarebone.analytics.cohort_filter import resolve_field

    columns = [resolve_field(c, surv.columns) for c in covariates]
    data = pd.DataFrame({c: pd.to_numeric(surv[c], errors="coerce") for c in columns})
    data["_t"] = surv[duration_col].astype(float).to_numpy()
    data["_e"] = (surv["vital_status"] == "dead").astype(int).to_numpy()
    complete = data.dropna()
    events = int(complete["_e"].sum())
    if events < 10 * len(columns):
        note = (f"only {events} events for {len(columns)} covariate(s); fewer than 10 per covariate, "
                "hazard ratios are unstable")
        warnings.append(f"Cox model: {note}.")
    else:
        note = None
    if events < 2 or len(complete) < len(columns) + 3:
        return Cox(n=len(complete), events=events, covariates=[], concordance=None, note=note or "too few events")
    try:
        rows, n, concordance = survival.cox(complete, "_t", "_e")
    except Exception as exc:  # lifelines: convergence failure on degenerate data
        warnings.append(f"Cox model did not converge: {str(exc).splitlines()[0]}")
        return Cox(n=len(complete), events=events, covariates=[], concordance=None, note="did not converge")
    return Cox(n=n, events=events, concordance=concordance, note=note,
               covariates=[CoxCovariate(**r.__dict__) for r in rows])
