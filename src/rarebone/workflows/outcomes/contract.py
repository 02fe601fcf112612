"""The JSON contract of ``rarebone report`` (``rarebone schema outcomes``): every number behind the report."""

from __future__ import annotations

from rarebone.core.evidence import Citation, Contract


class Estimate(Contract):
    time: float
    estimate: float | None  # None: not estimable (see ``reason``)
    ci_lower: float | None
    ci_upper: float | None
    beyond_followup: bool = False
    label: str | None = None  # how the report names the time ("day +100", "60 months")
    reason: str | None = None  # why the estimate is None


class FollowUp(Contract):
    median: float | None
    min: float
    max: float
    method: str
    simple_median: float | None = None  # median of the observed follow-up times (deaths included), as papers often print


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


class IncidenceGroup(Contract):
    group: str
    n: int
    events: int
    competing: int
    estimates: list[Estimate]
    ci_resolution_days: float | None = None
    undated: int = 0  # events without a day, left out of the estimate
    not_estimable: str | None = None  # set when every event lacks its day: the estimates are None


class IncidenceComparison(Contract):
    """Cumulative incidence of one endpoint per ``--by`` group. ``test`` is Gray's K-sample test when a
    well-kept library provides it; today none does (see docs/registry.md), so it is None with a note."""

    by: str
    groups: list[IncidenceGroup]
    test: Test | None = None
    note: str | None = None


class Incidence(Contract):
    endpoint: str
    competing_event: str
    n: int
    events: int
    competing: int
    estimates: list[Estimate]
    time_unit: str = "days"
    ci_resolution_days: float | None = None  # None: CI on the exact event times (the estimate always is)
    comparisons: list[IncidenceComparison] = []
    note: str | None = None
    undated: int = 0  # events without a day, left out of the estimate (``note`` says so)
    not_estimable: str | None = None  # set when every event lacks its day: the estimates are None


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


class CnoLesions(Contract):
    """Lesion outcomes in the anakinra cohort's form (S4), summed over patients with the CNO room's
    ``combine_summaries``; ``unclassified`` = lesions whose status is missing or only ``active``."""

    patients: int
    patients_with_lesions: int
    baseline_lesions: int
    resolved: int
    improved: int
    stable: int
    progressed: int
    recurred: int = 0  # healed, then back at the same site: also counted in new_lesions (as in S4's new lesions)
    new_lesions: int
    patients_with_new_lesions: int
    unclassified: int


class CnoVisitRow(Contract):
    visit: int
    patients: int
    months_since_first_visit: str  # median (range)
    pga_0_10: str  # median (IQR)
    pain_vas_0_10: str
    active_lesions: str


class CnoResponseRow(Contract):
    knowledge_id: str
    level: int
    reading: str
    met: int
    not_met: int
    undetermined: int
    certainty: str
    disagreement: str | None = None
    citations: list[str]


class CnoOutcomes(Contract):
    patients: int
    patients_with_visits: int
    lesions: CnoLesions
    visits: list[CnoVisitRow]
    responses: list[CnoResponseRow]
    notes: list[str]


class OutcomesReport(Contract):
    title: str
    synthetic: bool
    banner: str | None
    notice: str
    knowledge_version: str
    # name -> version of rarebone, Python and the statistics libraries (lifelines, scikit-survival, scipy, ...)
    software: dict[str, str] = {}
    cohort: str | None
    origin: str
    time_unit: str
    at: list[float]
    n: int
    transplanted: int | None = None  # patients with a transplant and follow-up: the transplant analyses' population
    reconstructed: str | None = None  # set when the cohort holds records rebuilt from a paper's printed tables (S1)
    tables: list[Table]
    survival: Survival | None
    comparisons: list[Comparison]
    cox: Cox | None
    cumulative_incidence: list[Incidence]
    cno: CnoOutcomes | None = None
    published_checks: list[PublishedCheck]
    warnings: list[str]
    citations: list[Citation]
