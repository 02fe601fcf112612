"""The outcomes job: registry -> cohort -> Table 1/2, survival, comparisons, Cox, cumulative incidence, CNO.

``run(engine, ...)`` returns an :class:`OutcomesReport` (the JSON contract, ``rarebone schema outcomes``) and
the figures (SVG) for the HTML/PDF renderer. Times inside are days; the report shows ``time_unit``.

Modules: ``contract`` (the pydantic models), ``tables`` (Table 1/2), ``survival`` (KM, log-rank, Cox),
``incidence`` (Aalen-Johansen CIF, overall and per group), ``cno`` (the CNO section).
"""

from __future__ import annotations

from rarebone.core.evidence import Citation
from rarebone.core.time import DAYS_PER_MONTH, DAYS_PER_YEAR
from rarebone.errors import InputError
from rarebone.workflows.outcomes.contract import (  # noqa: F401 - the public contract lives here too
    CnoOutcomes, Comparison, Cox, CoxCovariate, Estimate, FollowUp, GroupSummary, Incidence, IncidenceComparison,
    IncidenceGroup, OutcomesReport, PublishedCheck, Survival, Table, TableRow, Test,
)

TIME_UNITS = {"days": 1.0, "months": DAYS_PER_MONTH, "years": DAYS_PER_YEAR}
METHOD_SOURCES = ["KAPLAN-MEIER1958", "GREENWOOD1926", "MANTEL1966", "COX1972", "AALEN-JOHANSEN1978"]
DEFAULT_COX = ("age_at_transplant_months", "transplant.cd34_10e6_per_kg")
S1_KEY_PREFIX = "SYNTHETIC-S1-"  # the key prefix of examples/registry/s1-reconstructed-map.yaml (records rebuilt from S1)
BANNER = ("SYNTHETIC DATA: this cohort contains records marked synthetic (made by the rarebone demo generator or "
          "reconstructed from published aggregates); they describe no real patient.")


def _citation(kb, source_id: str) -> Citation:
    s = kb.sources[source_id]
    return Citation(id=source_id, text=kb.citation_text(source_id), doi=s.doi, pmid=s.pmid, seed=s.seed)


def has_s1_records(frame) -> bool:
    """True when the cohort holds records reconstructed from S1 (patient keys ``SYNTHETIC-S1-...``, synthetic)."""
    if not len(frame) or "patient_key" not in frame:
        return False
    keys = frame["patient_key"].astype(str).str.startswith(S1_KEY_PREFIX)
    return bool((keys & frame["synthetic"].fillna(False).astype(bool)).any())


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
                   figures=figures, spread=spread, engine=engine)


def _check(time_unit, origin, spread, at=None) -> None:
    if time_unit not in TIME_UNITS:
        raise InputError(f"must be one of {', '.join(TIME_UNITS)}", path="--time-unit", value=time_unit)
    if origin not in ("transplant", "diagnosis"):
        raise InputError("must be transplant or diagnosis", path="--origin", value=origin)
    if spread not in ("range", "iqr"):
        raise InputError("must be range or iqr", path="--spread", value=spread)
    for t in at or []:
        if not t > 0:
            raise InputError("must be a time after the origin (> 0)", path="--at", value=t)


def _derived(frame):
    frame = frame.copy()
    frame["age_at_transplant_months"] = frame["transplant.age_at_transplant_days"].astype(float) / DAYS_PER_MONTH
    frame["age_at_onset_months"] = frame["age_at_onset_days"].astype(float) / DAYS_PER_MONTH
    frame["transplant.hla"] = [f"{int(m)}/{int(t)}" if m == m and t == t and m is not None and t is not None else None
                               for m, t in zip(frame["transplant.hla_matched"], frame["transplant.hla_total"])]
    return frame


def analyse(frame, *, cohort=None, by=None, at=None, time_unit="months", origin="transplant", covariates=None,
            figures=True, spread="range", engine=None):
    from rarebone.analytics import cohort_filter
    from rarebone.analytics import tables as table_rows
    from rarebone.knowledge import load
    from rarebone.workflows.outcomes import cno, incidence, survival, tables
    from rarebone.workflows.outcomes.software import software_versions

    kb = load()
    _check(time_unit, origin, spread, at)
    scale = TIME_UNITS[time_unit]
    at = list(at or [60.0 if time_unit == "months" else 5.0 if time_unit == "years" else 1826.0])
    at_days = [t * scale for t in at]
    by = [cohort_filter.resolve_field(b, frame.columns, option="--by") for b in (by or [])]
    warnings: list[str] = []
    frame = _derived(frame)
    synthetic = bool(len(frame)) and bool(frame["synthetic"].fillna(False).astype(bool).any())

    duration_col = "transplant.followup_days" if origin == "transplant" else "followup_days_from_diagnosis"
    surv = frame[frame[duration_col].notna() & frame["vital_status"].isin(["alive", "dead"])]
    dropped = len(frame) - len(surv)
    if dropped:
        warnings.append(f"{dropped} patient(s) without {duration_col} or vital status are left out of survival.")
    durations = surv[duration_col].astype(float).to_numpy()
    events = (surv["vital_status"] == "dead").to_numpy()

    first_by = by[0] if by else None
    table_list = [tables.table1(frame, first_by, table_rows, spread), tables.table2(frame, first_by, table_rows, spread)]

    survival_block, comparisons, cox_block, figs = None, [], None, {}
    if len(surv):
        survival_block, comparisons, cox_block, figs = survival.overall(
            surv, durations, events, by=by, at_days=at_days, at=at, scale=scale, unit=time_unit, origin=origin,
            covariates=covariates or list(DEFAULT_COX), duration_col=duration_col, figures=figures,
            synthetic=synthetic, warnings=warnings)

    incidences = incidence.incidences(frame, by, scale, time_unit, at_days, figs if figures else None,
                                      survival.group_labels)
    warnings += [f"Cumulative incidence: {inc.note}" for inc in incidences if inc.note]
    cno_block = cno.section(frame, engine, figs if figures else None, synthetic) if engine is not None else None
    s1 = has_s1_records(frame)
    s1_count = int(frame["patient_key"].astype(str).str.startswith(S1_KEY_PREFIX).sum()) if s1 else 0
    reconstructed = (f"{s1_count} of the {len(frame)} patients are RECONSTRUCTED from the printed tables of S1 "
                     "(examples/registry, scripts/build_s1_cohort.py): their counts, medians and ranges are the paper's, "
                     "their individual values are invented, so group comparisons and hazard ratios computed from them "
                     "are not evidence of any effect.") if s1 else None
    checks = published_checks(kb) if s1 else []
    if any(not c.consistent for c in checks):
        warnings.append("Some percentages printed in S1 do not follow from its own counts; see 'Published "
                        "arithmetic' (shown as printed and as recomputed, not corrected).")
    cites = sorted({*METHOD_SOURCES, *(["S1"] if s1 or synthetic else []), "LIFELINES-LUNG", "SKSURV-BMT", *(["S4"] if cno_block else []),
                    *(s for r in (cno_block.responses if cno_block else []) for s in r.citations)})
    report = OutcomesReport(
        title="Outcomes report" + (" (SYNTHETIC data)" if synthetic else ""), synthetic=synthetic,
        banner=BANNER if synthetic else None, notice=kb.get("NOTICE-DECISION-SUPPORT").text,
        knowledge_version=kb.version, software=software_versions(), cohort=cohort, origin=origin, time_unit=time_unit,
        at=at, n=int(len(frame)),
        transplanted=int(frame["transplant.followup_days"].notna().sum()) if len(frame) else 0, reconstructed=reconstructed,
        tables=table_list, survival=survival_block, comparisons=comparisons, cox=cox_block,
        cumulative_incidence=incidences, cno=cno_block, published_checks=checks, warnings=warnings,
        citations=[_citation(kb, s) for s in cites])
    return report, figs
