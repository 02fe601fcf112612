"""The outcomes job: registry -> cohort -> Table 1/2, survival, comparisons, Cox, cumulative incidence.

``run(engine, ...)`` returns an :class:`OutcomesReport` (the JSON contract, ``rarebone schema outcomes``) and
the figures (SVG) for the HTML/PDF renderer. Times inside are days; the report shows ``time_unit``.
"""

from __future__ import annotations

from rarebone.core.evidence import Citation, Contract
from rarebone.core.time import DAYS_PER_MONTH, DAYS_PER_YEAR
from rarebone.errors import InputError

TIME_UNITS = {"days": 1.0, "months": DAYS_PER_MONTH, "years": DAYS_PER_YEAR}
METHOD_SOURCES = ["KAPLAN-MEIER1958", "GREENWOOD1926", "MANTEL1966", "COX1972", "AALEN-JOHANSEN1978"]
CIF_LANDMARK_DAYS = (30.0, 100.0, 365.0)  # reporting landmarks (day +30, +100, 1 year), not clinical thresholds
CIF_HORIZON_DAYS = 730.0  # cumulative incidence follows transplant events for 2 years (censored there)
DEFAULT_COX = ("age_at_transplant_months", "transplant.cd34_10e6_per_kg")


class Estimate(Contract):
    time: float
    estimate: float
    ci_lower: float
    ci_upper: float
    beyond_followup: bool = False


class FollowUp(Contract):
    median: float | None
    min: float
    max: float
    method: str


class Survival(Contract):
    endpoint: str
    origin: str
    n: int
    events: int
    estimates: list[Estimate]
    median_survival: float | None
    median_followup: FollowUp
    ci_method: str


class GroupSummary(Contract):
    group: str
    n: int
    events: int
    estimate: Estimate | None


class Test(Contract):
    name: str
    statistic: float
    df: int
    p_value: float


class Comparison(Contract):
    by: str
    groups: list[GroupSummary]
    test: Test | None
    note: str | None = None


class CoxCovariate(Contract):
    covariate: str
    coef: float
    hazard_ratio: float
    ci_lower: float
    ci_upper: float
    p_value: float


class Cox(Contract):
    n: int
    events: int
    covariates: list[CoxCovariate]
    concordance: float | None
    note: str | None = None


class Incidence(Contract):
    endpoint: str
    competing_event: str
    n: int
    events: int
    competing: int
    estimates: list[Estimate]
    time_unit: str = "days"


class TableRow(Contract):
    label: str
    level: str | None
    overall: str
    groups: dict[str, str] = {}
    p_value: float | None = None
    test: str | None = None


class Table(Contract):
    name: str
    title: str
    by: str | None
    groups: list[str]
    rows: list[TableRow]


class PublishedCheck(Contract):
    knowledge_id: str
    statement: str
    reported_percent: float
    numerator: int
    denominator: int
    recomputed_percent: float
    consistent: bool
    citations: list[str]


class OutcomesReport(Contract):
    title: str
    synthetic: bool
    banner: str | None
    notice: str
    knowledge_version: str
    cohort: str | None
    origin: str
    time_unit: str
    at: list[float]
    n: int
    tables: list[Table]
    survival: Survival | None
    comparisons: list[Comparison]
    cox: Cox | None
    cumulative_incidence: list[Incidence]
    published_checks: list[PublishedCheck]
    warnings: list[str]
    citations: list[Citation]


def _citation(kb, source_id: str) -> Citation:
    s = kb.sources[source_id]
    return Citation(id=source_id, text=kb.citation_text(source_id), doi=s.doi, pmid=s.pmid, seed=s.seed)


def published_checks(kb) -> list[PublishedCheck]:
    from rarebone.knowledge.kinds.registry import PublishedProportion

    out = []
    for e in kb.of_kind(PublishedProportion):
        recomputed = round(100.0 * e.numerator / e.denominator, 1)
        out.append(PublishedCheck(knowledge_id=e.id, statement=e.statement, reported_percent=e.reported_percent,
                                  numerator=e.numerator, denominator=e.denominator, recomputed_percent=recomputed,
                                  consistent=abs(recomputed - e.reported_percent) < 0.05, citations=e.sources))
    return out


def run(engine, *, cohort: str | None = None, by: list[str] | None = None, at: list[float] | None = None,
        time_unit: str = "months", origin: str = "transplant", covariates: list[str] | None = None,
        figures: bool = True, spread: str = "range"):
    from rarebone.analytics import cohort_filter
    from rarebone.registry.frame import cohort_frame

    frame = cohort_filter.apply(cohort_frame(engine), cohort)
    return analyse(frame, cohort=cohort, by=by, at=at, time_unit=time_unit, origin=origin, covariates=covariates,
                   figures=figures, spread=spread)


def analyse(frame, *, cohort=None, by=None, at=None, time_unit="months", origin="transplant", covariates=None,
            figures=True, spread="range"):
    import numpy as np

    from rarebone.analytics import cohort_filter, competing, survival, tables
    from rarebone.knowledge import load

    kb = load()
    if time_unit not in TIME_UNITS:
        raise InputError(f"must be one of {', '.join(TIME_UNITS)}", path="--time-unit", value=time_unit)
    if origin not in ("transplant", "diagnosis"):
        raise InputError("must be transplant or diagnosis", path="--origin", value=origin)
    if spread not in ("range", "iqr"):
        raise InputError("must be range or iqr", path="--spread", value=spread)
    scale = TIME_UNITS[time_unit]
    at = list(at or [60.0 if time_unit == "months" else 5.0 if time_unit == "years" else 1826.0])
    at_days = [t * scale for t in at]
    by = [cohort_filter.resolve_field(b, frame.columns) for b in (by or [])]
    warnings: list[str] = []
    frame = frame.copy()
    frame["age_at_transplant_months"] = frame["transplant.age_at_transplant_days"].astype(float) / DAYS_PER_MONTH
    frame["age_at_onset_months"] = frame["age_at_onset_days"].astype(float) / DAYS_PER_MONTH
    frame["transplant.hla"] = [f"{int(m)}/{int(t)}" if m == m and t == t and m is not None and t is not None else None
                               for m, t in zip(frame["transplant.hla_matched"], frame["transplant.hla_total"])]
    synthetic = bool(len(frame)) and bool(frame["synthetic"].fillna(False).astype(bool).any())

    duration_col = "transplant.followup_days" if origin == "transplant" else "followup_days_from_diagnosis"
    surv = frame[frame[duration_col].notna() & frame["vital_status"].isin(["alive", "dead"])]
    dropped = len(frame) - len(surv)
    if dropped:
        warnings.append(f"{dropped} patient(s) without {duration_col} or vital status are left out of survival.")
    durations = surv[duration_col].astype(float).to_numpy()
    events = (surv["vital_status"] == "dead").to_numpy()

    first_by = by[0] if by else None
    table_list = [_table1(frame, first_by, tables, spread), _table2(frame, first_by, tables, spread)]

    survival_block, comparisons, cox_block, figs = None, [], None, {}
    if len(surv):
        km = survival.kaplan_meier(durations, events, at_days, label="all patients")
        fu = survival.median_followup(durations, events)
        survival_block = Survival(
            endpoint="overall survival (death from any cause)", origin=origin, n=km.n, events=km.events,
            estimates=[Estimate(time=a.time / scale, estimate=a.estimate, ci_lower=a.ci_lower, ci_upper=a.ci_upper,
                                beyond_followup=a.beyond_followup) for a in km.at],
            median_survival=None if km.median is None else km.median / scale,
            median_followup=FollowUp(median=None if fu["median"] is None else fu["median"] / scale,
                                     min=fu["min"] / scale, max=fu["max"] / scale, method=fu["method"]),
            ci_method="95% CI, Greenwood variance with log(-log) transform (exponential Greenwood)")
        horizon = max(max(at), float(np.nanmax(durations)) / scale)
        step = _nice_step(horizon)
        ticks = [i * step for i in range(int(horizon // step) + 1)]
        if figures:
            figs["km_all"] = _km_fig(survival, [km], ticks, scale, time_unit, durations_by={km.label: durations},
                                     title="Overall survival, all patients")
        for column in by:
            comparisons.append(_compare(surv, column, durations, events, at_days, scale, survival, figs, ticks,
                                        time_unit, figures))
        cox_block = _cox(surv, duration_col, covariates or list(DEFAULT_COX), survival, warnings)

    incidences = _incidences(frame, competing, scale, at_days, figs if figures else None, time_unit)
    checks = published_checks(kb)
    if any(not c.consistent for c in checks):
        warnings.append("Some percentages printed in S1 do not follow from its own counts; see 'Published "
                        "arithmetic' (shown as printed and as recomputed, not corrected).")
    cites = sorted({*METHOD_SOURCES, "S1", "LIFELINES-LUNG", "SKSURV-BMT"})
    notice = kb.get("NOTICE-DECISION-SUPPORT").text
    report = OutcomesReport(
        title="Outcomes report" + (" (SYNTHETIC data)" if synthetic else ""),
        synthetic=synthetic,
        banner=("SYNTHETIC DATA: this cohort contains records marked synthetic (made by the rarebone demo "
                "generator or reconstructed from published aggregates); they describe no real patient.") if synthetic else None,
        notice=notice, knowledge_version=kb.version, cohort=cohort, origin=origin, time_unit=time_unit, at=at,
        n=int(len(frame)), tables=table_list, survival=survival_block, comparisons=comparisons, cox=cox_block,
        cumulative_incidence=incidences, published_checks=checks, warnings=warnings,
        citations=[_citation(kb, s) for s in cites])
    return report, figs


def _nice_step(horizon: float) -> float:
    for step in (1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 365, 730, 1825):
        if horizon / step <= 8:
            return float(step)
    return float(round(horizon / 8))


def _km_fig(survival, curves, ticks, scale, unit, durations_by, title):
    from rarebone.analytics.figures import km_figure

    risk = {label: survival.at_risk(d, [t * scale for t in ticks]) for label, d in durations_by.items()}
    return km_figure(curves, scale=scale, unit=unit, ticks=ticks, at_risk=risk, title=title)


def _label(v) -> str | None:
    if v is None or v != v:
        return None
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "yes" if v else "no"
    return str(v)


def _compare(surv, column, durations, events, at_days, scale, survival, figs, ticks, unit, figures) -> Comparison:
    import numpy as np

    labels = np.array([_label(v) for v in surv[column]], dtype=object)
    known = np.array([v is not None for v in labels])
    groups, curves, by_durations = [], [], {}
    for level in sorted({v for v in labels if v is not None}):
        mask = labels == level
        km = survival.kaplan_meier(durations[mask], events[mask], at_days[:1], label=level)
        a = km.at[0]
        groups.append(GroupSummary(group=level, n=km.n, events=km.events, estimate=Estimate(
            time=a.time / scale, estimate=a.estimate, ci_lower=a.ci_lower, ci_upper=a.ci_upper,
            beyond_followup=a.beyond_followup)))
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
    if figures and curves:
        figs[f"km_{column}"] = _km_fig(survival, curves, ticks, scale, unit, by_durations,
                                       title=f"Overall survival by {column}")
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


def _incidences(frame, competing, scale, at_days, figs, unit) -> list[Incidence]:
    import numpy as np

    tx = frame[frame["transplant.followup_days"].notna() & frame["vital_status"].isin(["alive", "dead"])]
    if not len(tx):
        return []
    follow = tx["transplant.followup_days"].astype(float).to_numpy()
    dead = (tx["vital_status"] == "dead").to_numpy()
    grade = pd_num(tx["transplant.agvhd_grade"])
    endpoints = {
        "acute GVHD grade II-IV": (pd_num(tx["transplant.agvhd_day"]), grade >= 2),
        "neutrophil engraftment": (pd_num(tx["transplant.neutrophil_engraftment_day"]),
                                   pd_num(tx["transplant.neutrophil_engraftment_day"]) == pd_num(tx["transplant.neutrophil_engraftment_day"])),
        "graft failure": (pd_num(tx["transplant.graft_failure_day"]), tx["transplant.graft_failure"].isin(["primary", "secondary"]).to_numpy()),
    }
    out, curves = [], []
    times = sorted({*CIF_LANDMARK_DAYS, *(a for a in at_days if a <= CIF_HORIZON_DAYS)})
    for name, (day, happened) in endpoints.items():
        happened = np.asarray(happened, dtype=bool) & ~np.isnan(day)
        # Day resolution (ceil: an event during day 24.3 counts on day 25) and a 2-year horizon keep the
        # Aalen-Johansen variance (quadratic in distinct times in scikit-survival) small on large registries.
        t = np.ceil(np.where(happened, day, follow))
        cause = np.where(happened, 1, np.where(dead, 2, 0))
        cause = np.where(t > CIF_HORIZON_DAYS, 0, cause)
        t = np.minimum(t, CIF_HORIZON_DAYS)
        res = competing.cumulative_incidence(t, cause, times, cause=1, endpoint=name)
        out.append(Incidence(endpoint=name, competing_event="death without the event", n=res.n, events=res.events,
                             competing=res.competing, estimates=[Estimate(time=a["time"], estimate=a["estimate"],
                                                                          ci_lower=a["ci_lower"], ci_upper=a["ci_upper"])
                                                                 for a in res.at]))
        curves.append(res)
    if figs is not None:
        from rarebone.analytics.figures import cif_figure

        figs["cif"] = cif_figure([c for c in curves if c.events], scale=1.0, unit="days",
                                 title="Cumulative incidence (death as competing event)")
    return out


def pd_num(series):
    import pandas as pd

    return pd.to_numeric(series, errors="coerce").astype(float).to_numpy()


def _numeric(tables, frame, column, label, by, spread):
    shown = "median (range)" if spread == "range" else "median (IQR)"
    return tables.numeric(frame, column, f"{label}, {shown}", by, spread=spread)


def _table1(frame, by, tables, spread="range") -> Table:
    rows = []
    rows += tables.categorical(frame, "sex", "Sex", by)
    rows += tables.categorical(frame, "diagnosis", "Diagnosis", by)
    rows += tables.categorical(frame, "gene", "Gene", by)
    rows.append(_numeric(tables, frame, "age_at_onset_months", "Age at onset, months", by, spread))
    rows.append(_numeric(tables, frame, "age_at_transplant_months", "Age at transplant, months", by, spread))
    return _table("table1", "Table 1. Patient characteristics", by, frame, rows)


def _table2(frame, by, tables, spread="range") -> Table:
    tx = frame[frame["transplant.followup_days"].notna() | frame["transplant.donor_relation"].notna()]
    rows = []
    rows += tables.categorical(tx, "transplant.donor_relation", "Donor", by)
    rows += tables.categorical(tx, "transplant.hla", "HLA match", by)
    rows += tables.categorical(tx, "transplant.abo_matched", "ABO matched", by)
    rows += tables.categorical(tx, "transplant.conditioning", "Conditioning", by)
    rows.append(_numeric(tables, tx, "transplant.mnc_10e8_per_kg", "MNC x10^8/kg", by, spread))
    rows.append(_numeric(tables, tx, "transplant.cd34_10e6_per_kg", "CD34+ x10^6/kg", by, spread))
    rows.append(_numeric(tables, tx, "transplant.neutrophil_engraftment_day", "Neutrophil engraftment, day", by, spread))
    rows.append(_numeric(tables, tx, "transplant.platelet_engraftment_day", "Platelet engraftment, day", by, spread))
    rows += tables.categorical(tx, "transplant.graft_failure", "Graft failure", by)
    rows += tables.categorical(tx, "transplant.agvhd_grade", "Acute GVHD grade (MAGIC)", by)
    rows += tables.categorical(tx, "transplant.cgvhd", "Chronic GVHD", by)
    for col in sorted(c for c in tx.columns if c.startswith("has.")):
        rows += [r for r in tables.categorical(tx, col, col.removeprefix("has."), by, levels=["yes", "no"])
                 if r.level in (None, "yes")]
    rows += tables.categorical(tx, "vital_status", "Vital status", by)
    rows += tables.categorical(tx[tx["vital_status"] == "dead"], "cause_of_death", "Cause of death (of deaths)", by)
    return _table("table2", "Table 2. Transplant, engraftment, GVHD and outcome", by, tx, rows)


def _table(name, title, by, frame, rows) -> Table:
    groups = sorted({g for r in rows for g in r.groups})
    return Table(name=name, title=title, by=by, groups=groups, rows=[
        TableRow(label=r.label, level=r.level, overall=r.overall, groups=r.groups, p_value=r.p_value, test=r.test)
        for r in rows])
