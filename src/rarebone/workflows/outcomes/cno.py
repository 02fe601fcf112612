"""The CNO section of the outcomes report: lesion outcomes in the anakinra cohort's form (S4), activity (PGA,
pain, active lesions) by visit, and PedCNO responses at the last visit against the first.

The counting is the CNO room's: ``cno.lesions.summarise_lesions`` / ``combine_summaries`` on lesion tracks built
from the registry's lesion rows (a registry row keeps only the lesion's latest status), and
``cno.activity.pedcno_response`` for each knowledge-base PedCNO definition (both published readings of the
worsening rule). Nothing here re-derives those rules.
"""

from __future__ import annotations

import datetime as dt

from rarebone.core.time import DAYS_PER_MONTH

from rarebone.workflows.outcomes.contract import CnoLesions, CnoOutcomes, CnoResponseRow, CnoVisitRow

CNO_DIAGNOSES = ("CNO", "CRMO")
_PLACEHOLDER_DATE = dt.date(1900, 1, 1)  # a lesion track needs a date; the registry keeps ages, not study dates


def load(engine, patient_keys):
    """CNO visits of these patients, and their lesion counts per status, as DataFrames keyed by ``patient_key``."""
    from sqlalchemy import func, select

    from rarebone.registry import models as m
    from rarebone.registry.db import reader
    from rarebone.registry.frame import dates, fetch

    p, v, les = m.PatientRow.__table__, m.CnoVisitRow.__table__, m.LesionRow.__table__
    with reader(engine).connect() as connection:
        visits = fetch(connection, select(p.c.patient_key, v.c.visit_date, v.c.age_days, v.c.pain_vas_0_10,
                                    v.c.physician_global_0_10, v.c.esr_mm_per_h, v.c.crp_mg_per_l,
                                    v.c.active_lesions).join(p, p.c.id == v.c.patient_id).order_by(v.c.id))
        lesions = fetch(connection, select(p.c.patient_key, les.c.status, func.count().label("lesions"))
                              .join(p, p.c.id == les.c.patient_id).group_by(p.c.patient_key, les.c.status))
    visits["visit_date"] = dates(visits["visit_date"])
    keys = set(patient_keys)
    return visits[visits["patient_key"].isin(keys)], lesions[lesions["patient_key"].isin(keys)]


def _spread(values, q=(25, 75)) -> str:
    import numpy as np

    values = np.asarray([x for x in values if x == x and x is not None], dtype=float)
    if not values.size:
        return "-"
    lo, hi = np.percentile(values, q)
    return f"{np.median(values):.1f} ({lo:.1f}-{hi:.1f})"


def _clean(x):
    return None if x is None or x != x else float(x)


def _activity(row, label: str):
    from rarebone.cno.activity import VisitActivity

    def value(name):
        x = row[name]
        return None if x is None or x != x else float(x)

    lesions = value("active_lesions")
    return VisitActivity(date=row["visit_date"] or _PLACEHOLDER_DATE, label=label, pga=value("physician_global_0_10"),
                         pga_scale="0-10", patient_pain=value("pain_vas_0_10"), esr_mm_per_h=value("esr_mm_per_h"),
                         crp_mg_per_l=value("crp_mg_per_l"), mri_lesions=None if lesions is None else int(lesions),
                         pedcno_core={"esr": value("esr_mm_per_h"), "mri_lesions": lesions,
                                      "pga": value("physician_global_0_10"), "patient_global": None, "chaq": None})


def _reading(rule) -> str:
    """The worsening rule as ``pedcno_response`` words it, for a definition no patient pair reached."""
    return "worsening " + (">=" if rule.worsening_inclusive else ">") + f" {rule.worsening_fraction:.0%}"


def section(frame, engine, figs: dict | None = None, synthetic: bool = False) -> CnoOutcomes | None:
    """None when the cohort has no CNO patient (an osteopetrosis-only report has no CNO section)."""
    import numpy as np

    from rarebone.cno.activity import pedcno_response
    from rarebone.cno.lesions import BASELINE_OUTCOMES, combine_summaries, summarise_latest_statuses
    from rarebone.knowledge import load as load_kb
    from rarebone.knowledge.kinds.cno import CnoResponseDefinition

    keys = frame.loc[frame["diagnosis"].isin(CNO_DIAGNOSES), "patient_key"].tolist()
    if not keys:
        return None
    visits, lesions = load(engine, keys)
    lesions = lesions.assign(status=lesions["status"].fillna("missing"))
    combos: dict[str, list] = {}
    for key, status, count in lesions.itertuples(index=False):
        combos.setdefault(key, []).extend([status] * int(count))
    cache: dict = {}
    summaries = []
    unclassified = 0
    for combo in combos.values():
        known = tuple(sorted(s for s in combo if s == "new" or s in BASELINE_OUTCOMES))
        unclassified += len(combo) - len(known)
        if known not in cache:
            cache[known] = summarise_latest_statuses(list(known))
        summaries.append(cache[known])
    total = combine_summaries(summaries) if summaries else None
    lesion_block = CnoLesions(
        patients=len(keys), patients_with_lesions=len(summaries),
        baseline_lesions=total.baseline_lesions if total else 0, resolved=total.resolved if total else 0,
        improved=total.improved if total else 0, stable=total.stable if total else 0,
        progressed=total.progressed if total else 0, recurred=total.recurred if total else 0, new_lesions=total.new_lesions if total else 0,
        patients_with_new_lesions=total.patients_with_new_lesions if total else 0, unclassified=unclassified)

    visits = visits.copy()
    visits["visit"] = visits.groupby("patient_key").cumcount() + 1
    first_age = visits.groupby("patient_key")["age_days"].transform("first")
    first_date = visits.groupby("patient_key")["visit_date"].transform("first")
    since = (visits["age_days"] - first_age) / DAYS_PER_MONTH
    by_date = (visits["visit_date"] - first_date).map(lambda d: d.days / DAYS_PER_MONTH if hasattr(d, "days") else np.nan)
    visits["months"] = since.where(since.notna(), by_date)
    rows = []
    for number, part in visits.groupby("visit"):
        months = part["months"].dropna()
        rows.append(CnoVisitRow(
            visit=int(number), patients=int(part["patient_key"].nunique()),
            months_since_first_visit="-" if not len(months) else
            f"{months.median():.1f} ({months.min():.1f}-{months.max():.1f})",
            pga_0_10=_spread(part["physician_global_0_10"]), pain_vas_0_10=_spread(part["pain_vas_0_10"]),
            active_lesions=_spread(part["active_lesions"])))

    if figs is not None and len(visits):
        from rarebone.analytics.figures import activity_figure

        q = visits.groupby("visit")["physician_global_0_10"].quantile([0.25, 0.5, 0.75]).unstack()
        n = visits.groupby("visit")["patient_key"].nunique()
        figs["cno_activity"] = activity_figure(q.index.tolist(), q[0.5].tolist(), q[0.25].tolist(), q[0.75].tolist(),
                                               n.tolist(), ylabel="PGA (0-10)", synthetic=synthetic)

    kb = load_kb()
    rules = sorted(kb.of_kind(CnoResponseDefinition), key=lambda r: (r.level, r.worsening_inclusive))
    counts = {r.id: {"met": 0, "not_met": 0, "undetermined": 0} for r in rules}
    readings = {}
    memo: dict = {}
    several = visits[visits.groupby("patient_key")["visit"].transform("size") >= 2]
    if len(several):
        grouped = several.groupby("patient_key", sort=True)
        firsts = grouped.nth(0).sort_values("patient_key").to_dict("records")
        lasts = grouped.nth(-1).sort_values("patient_key").to_dict("records")
        core = ("esr_mm_per_h", "active_lesions", "physician_global_0_10")  # what _activity puts in pedcno_core
        for first, last in zip(firsts, lasts):
            signature = tuple(_clean(first[c]) for c in core) + tuple(_clean(last[c]) for c in core)
            if signature not in memo:
                base, now = _activity(first, "first visit"), _activity(last, "last visit")
                for rule in rules:
                    response = pedcno_response(base, now, rule)
                    memo.setdefault(signature, {})[rule.id] = response.result
                    readings[rule.id] = response.reading
            for rule in rules:
                counts[rule.id][memo[signature][rule.id]] += 1
    responses = [CnoResponseRow(knowledge_id=r.id, level=r.level, reading=readings.get(r.id, _reading(r)),
                                certainty=r.certainty, disagreement=r.disagreement, citations=list(r.sources),
                                **counts[r.id]) for r in rules]
    notes = [
        "Lesion outcomes count each lesion by its latest recorded status (resolved, improved, stable, progressed); "
        "lesions recorded as new are new lesions; 'unclassified' lesions have no status or only 'active'.",
        "PedCNO responses compare each patient's last visit with the first. The registry keeps PGA, active lesion "
        "count (used as the MRI lesion core variable) and ESR, but not the patient global assessment or C-HAQ, "
        "which count as missing; a response that depends on them is 'undetermined'.",
    ]
    return CnoOutcomes(patients=len(keys), patients_with_visits=int(visits["patient_key"].nunique()),
                       lesions=lesion_block, visits=rows, responses=responses, notes=notes)
