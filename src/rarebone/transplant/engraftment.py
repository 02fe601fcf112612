"""Engraftment, graft failure and chimerism from daily series relative to day 0.

A series maps study day -> value; a day absent from it is *not observed*, never a value. A run of
consecutive days is broken by a missing day, so an engraftment day is never claimed across a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from rarebone.knowledge import KnowledgeBase
from rarebone.transplant.compare import at_least, below, passes
from rarebone.transplant.dosing import param

Series = Mapping[int, float]


def daily(points: Iterable[tuple[int, float]]) -> dict[int, float]:
    """Study day -> the lowest value of that day (conservative for counts that must stay above a threshold)."""
    out: dict[int, float] = {}
    for day, value in points:
        out[day] = min(value, out.get(day, value))
    return out


def _above(kb: KnowledgeBase, value: float, threshold: float, strict: bool) -> bool:
    return passes(kb, value, threshold, strict)


@dataclass(frozen=True)
class RunResult:
    day: int | None
    gap_days: tuple[int, ...]  # missing days that interrupted an otherwise qualifying run


def first_run(series: Series, ok: Callable[[int, float], bool], length: int, from_day: int | None = None) -> RunResult:
    """First day d such that d..d+length-1 are all observed and all ``ok``. Missing days break a run."""
    days = sorted(d for d in series if from_day is None or d >= from_day)
    gaps: list[int] = []
    run_start, run_len, prev = None, 0, None
    for d in days:
        good = ok(d, series[d])
        if good and prev is not None and run_len > 0 and d == prev + 1:
            run_len += 1
        elif good:
            if prev is not None and run_len > 0 and d > prev + 1:
                gaps.extend(range(prev + 1, d))  # a qualifying run interrupted by unobserved days
            run_start, run_len = d, 1
        else:
            run_start, run_len = None, 0
        if run_len >= length:
            return RunResult(run_start, tuple(gaps))
        prev = d
    return RunResult(None, tuple(gaps))


def first_run_if_gaps_qualified(series: Series, ok: Callable[[int, float], bool], length: int,
                                from_day: int | None = None) -> int | None:
    """The first run start if every unobserved day between the first and last observed day had qualified:
    the earliest day engraftment *could* have happened, given only the gaps. Never a claim of engraftment."""
    days = sorted(d for d in series if from_day is None or d >= from_day)
    if not days:
        return None
    run_start, run_len = None, 0
    for d in range(days[0], days[-1] + 1):
        if d not in series or ok(d, series[d]):
            run_start = d if run_len == 0 else run_start
            run_len += 1
        else:
            run_start, run_len = None, 0
        if run_len >= length and run_start is not None:
            return run_start
    return None


@dataclass(frozen=True)
class Engraftment:
    day: int | None
    definition_id: str
    definition: str
    gap_days: tuple[int, ...]
    last_observed_day: int | None
    possible_day: int | None = None  # earliest day engraftment could have happened if the gaps had qualified
    observed_days: tuple[int, ...] = ()

    def describe(self, what: str, gap_days_shown: int) -> str:
        if self.day is not None:
            text = f"{what} engraftment on day +{self.day}" if self.day >= 0 else f"{what} engraftment on day {self.day}"
        elif self.last_observed_day is None:
            text = f"{what} engraftment: no observations"
        else:
            text = f"{what} engraftment not reached (observed to day {self.last_observed_day:+d})"
        if self.gap_days:
            shown = ", ".join(f"{d:+d}" for d in self.gap_days[:gap_days_shown]) + (
                " ..." if len(self.gap_days) > gap_days_shown else "")
            text += f"; days not observed ({shown}) break runs: engraftment is not claimed across a gap"
        return text


def neutrophil_engraftment(kb: KnowledgeBase, anc: Series) -> Engraftment:
    """First of N consecutive observed days with ANC above the threshold (TX-ENGRAFT-NEUTROPHIL)."""
    v = param(kb, "TX-ENGRAFT-NEUTROPHIL")
    run = first_run(anc, lambda d, x: _above(kb, x, v["threshold_10e9_per_l"], v["strict"]), int(v["consecutive_days"]),
                    from_day=0)
    ok = lambda d, x: _above(kb, x, v["threshold_10e9_per_l"], v["strict"])  # noqa: E731
    possible = first_run_if_gaps_qualified(anc, ok, int(v["consecutive_days"]), from_day=0)
    return Engraftment(run.day, "TX-ENGRAFT-NEUTROPHIL", kb.get("TX-ENGRAFT-NEUTROPHIL").statement, run.gap_days,
                       max(anc) if anc else None, possible, tuple(sorted(anc)))


PLATELET_DEFINITIONS = {"beijing": "TX-ENGRAFT-PLATELET-BEIJING", "astct": "TX-ENGRAFT-PLATELET-ASTCT"}


def platelet_engraftment(kb: KnowledgeBase, platelets: Series, transfusion_days: Iterable[int],
                         definition: str = "beijing") -> Engraftment:
    """First of N consecutive observed days above the threshold, each day counting only if no platelet
    transfusion was given on it or in the ``untransfused_days`` before it."""
    entry_id = PLATELET_DEFINITIONS[definition]
    v = param(kb, entry_id)
    transfused = set(transfusion_days)
    window = int(v["untransfused_days"])

    def ok(day: int, value: float) -> bool:
        untransfused = not any(day - k in transfused for k in range(0, window + 1))
        return untransfused and _above(kb, value, v["threshold_10e9_per_l"], v["strict"])

    run = first_run(platelets, ok, int(v["consecutive_days"]), from_day=0)
    return Engraftment(run.day, entry_id, kb.get(entry_id).statement, run.gap_days,
                       max(platelets) if platelets else None)


@dataclass(frozen=True)
class ChimerismResult:
    latest_pct: float | None
    latest_day: int | None
    category: str  # full_donor, mixed, autologous, unknown
    trend: str  # rising, falling, stable, single_value, none
    values: tuple[tuple[int, float], ...]


def chimerism(kb: KnowledgeBase, donor_pct: Series) -> ChimerismResult:
    """Category of the latest donor chimerism and its trend (TX-CHIMERISM)."""
    v = param(kb, "TX-CHIMERISM")
    values = tuple(sorted(donor_pct.items()))
    if not values:
        return ChimerismResult(None, None, "unknown", "none", ())
    day, pct = values[-1]
    category = ("full_donor" if passes(kb, pct, v["full_above_pct"], True)
                else "mixed" if at_least(kb, pct, v["mixed_from_pct"]) else "autologous")
    if len(values) == 1:
        trend = "single_value"
    else:
        change = values[-1][1] - values[0][1]
        trend = ("falling" if at_least(kb, -change, v["falling_by_pct"])
                 else "rising" if at_least(kb, change, v["falling_by_pct"]) else "stable")
    return ChimerismResult(pct, day, category, trend, values)


@dataclass(frozen=True)
class GraftFailure:
    # none, primary, secondary, not_assessable, late_engraftment (engrafted after the primary-failure day with
    # donor chimerism), delayed_engraftment (not engrafted yet, donor chimerism present)
    status: str
    day: int | None
    reason: str
    knowledge_id: str | None
    gap_days: tuple[int, ...] = ()  # unobserved days that alone prevent assessing primary graft failure
    chimerism_needed: bool = False  # the answer depends on a donor chimerism result that is missing
    anc_definition_met: bool = False  # ANC-only definitions (ASTCT day +30, EBMT day +28) would call it failure


def _chimerism_text(values: list[tuple[int, float]]) -> str:
    return ", ".join(f"{x:g}% on day {d:+d}" for d, x in values)


def _primary_without_engraftment(kb: KnowledgeBase, neutrophil: Engraftment, donor_pct: Series) -> GraftFailure:
    """Neutrophils not engrafted by the primary-failure day: donor chimerism decides (S1 defines primary graft
    failure by the absence of donor-derived myeloid cells; the reference says never to call it from ANC alone)."""
    p = param(kb, "TX-GRAFT-FAILURE-PRIMARY")
    by_day, cut = int(p["by_day"]), p["autologous_below_pct"]
    late = kb.get("TX-LATE-ENGRAFTMENT")
    order = str(param(kb, "TX-CHIMERISM-ORDER")["order"])
    values = sorted(donor_pct.items())
    last = neutrophil.last_observed_day
    # The latest chimerism decides, never an earlier donor value: donor cells on day +14 that are gone by day +35
    # are a lost graft, not "donor cells present" (S1: no donor-derived myeloid cells at day +30).
    # A value counts as "at day +30" from the EBMT day +28 on (weekly chimerism rarely falls on day +30 itself).
    judged_from = int(p["ebmt_by_day"])
    if values and below(kb, values[-1][1], cut):
        established = [(d, x) for d, x in values if d >= judged_from and at_least(kb, x, cut)]
        if neutrophil.day is not None and established:
            return GraftFailure("secondary", values[-1][0], f"late neutrophil engraftment on day +{neutrophil.day}, "
                                f"then donor chimerism fell below {cut:g}% ({_chimerism_text(values)}): loss of the "
                                "graft", "TX-GRAFT-FAILURE-SECONDARY")
        if neutrophil.day is None and (last is None or last < by_day) and values[-1][0] < judged_from:
            # too early to call: S1 judges at day +30 and the counts stop before it; the low value is a warning
            # sign that needs the day +28-30 test, not a graft-failure call on a future day
            order = str(param(kb, "TX-CHIMERISM-ORDER")["order"])
            return GraftFailure(
                "not_assessable", None,
                f"donor chimerism below {cut:g}% ({_chimerism_text(values)}) before day +{judged_from}, no neutrophil "
                f"engraftment yet (observed to day {last:+d}): graft failure threatened but not assessable before "
                f"day +{by_day}; repeat chimerism from day +{judged_from}. {order}", "TX-GRAFT-FAILURE-PRIMARY",
                chimerism_needed=True)
        what = (f"neutrophil recovery on day +{neutrophil.day} (after day +{by_day}) without donor cells: "
                "autologous reconstitution" if neutrophil.day is not None else
                f"no neutrophil engraftment by day +{by_day} (autologous reconstitution or aplasia)")
        return GraftFailure("primary", by_day, f"no donor-derived myeloid cells: latest donor chimerism below "
                            f"{cut:g}% ({_chimerism_text(values)}); {what}", "TX-GRAFT-FAILURE-PRIMARY")
    if values:
        donor = [(d, x) for d, x in values if at_least(kb, x, cut)]
        if values[-1][0] < judged_from:
            # donor cells were seen, but before the day S1 judges graft failure on: the answer needs a new test
            order = str(param(kb, "TX-CHIMERISM-ORDER")["order"])
            when = (f"late neutrophil engraftment on day +{neutrophil.day} (after day +{by_day})"
                    if neutrophil.day is not None else
                    f"no neutrophil engraftment by day +{by_day} (observed to day {last:+d})" if last is not None
                    and last >= by_day else None)
            if when is not None:
                return GraftFailure(
                    "not_assessable", neutrophil.day,
                    f"{when}; the latest donor chimerism ({_chimerism_text(values[-1:])}) predates day +{judged_from}, "
                    "so whether the graft is still donor is not known: not assessable, chimerism needed. "
                    f"{order}", "TX-LATE-ENGRAFTMENT", chimerism_needed=True, anc_definition_met=True)
        if neutrophil.day is not None:
            return GraftFailure(
                "late_engraftment", neutrophil.day,
                f"late neutrophil engraftment on day +{neutrophil.day} (after day +{by_day}) with donor chimerism "
                f"{_chimerism_text(donor)}: late engraftment, not graft failure. {late.statement}",
                "TX-LATE-ENGRAFTMENT", anc_definition_met=True)
        if last is not None and last >= by_day:
            return GraftFailure(
                "delayed_engraftment", None,
                f"no neutrophil engraftment by day +{by_day} (observed to day {last:+d}) but donor cells present "
                f"({_chimerism_text(donor)}): not primary graft failure by the S1 definition (no donor-derived "
                "myeloid cells). Delayed engraftment; repeat counts and chimerism. "
                f"{kb.get('TX-POOR-GRAFT-FUNCTION').statement} {late.statement}",
                "TX-LATE-ENGRAFTMENT", anc_definition_met=True)
    if neutrophil.possible_day is not None and neutrophil.possible_day <= by_day:
        # ANC qualified on every observed day of a run that only unobserved days interrupt: not assessable
        gaps = tuple(d for d in range(neutrophil.possible_day, by_day + 1) if d not in set(neutrophil.observed_days))
        shown = ", ".join(f"{d:+d}" for d in gaps)
        return GraftFailure("not_assessable", None, f"not assessable: gaps on days {shown}; neutrophil "
                            f"engraftment could have started on day +{neutrophil.possible_day} but is never "
                            "claimed across a gap. Daily counts are needed to assess primary graft failure",
                            None, gaps)
    if neutrophil.day is not None:
        return GraftFailure(
            "not_assessable", neutrophil.day,
            f"late neutrophil engraftment on day +{neutrophil.day} (after day +{by_day}); graft failure or "
            f"autologous recovery not assessable: chimerism needed. {order}", "TX-LATE-ENGRAFTMENT",
            chimerism_needed=True, anc_definition_met=True)
    if last is not None and last >= by_day:
        return GraftFailure(
            "not_assessable", None,
            f"no neutrophil engraftment by day +{by_day} (observed to day {last:+d}); the ANC-only definitions "
            f"(ASTCT day +{by_day}, EBMT day +{int(p['ebmt_by_day'])}) are met, but S1 defines primary graft failure by the absence of "
            f"donor-derived myeloid cells: not assessable, chimerism needed. {order}", "TX-GRAFT-FAILURE-PRIMARY",
            chimerism_needed=True, anc_definition_met=True)
    return GraftFailure("not_assessable", None, f"not engrafted yet; observations end before day +{by_day}", None)


def graft_failure(kb: KnowledgeBase, neutrophil: Engraftment, anc: Series, platelets: Series, hemoglobin: Series,
                  donor_pct: Series) -> GraftFailure:
    """Primary (TX-GRAFT-FAILURE-PRIMARY) or secondary (TX-GRAFT-FAILURE-SECONDARY) graft failure, late or
    delayed engraftment with donor chimerism (TX-LATE-ENGRAFTMENT), or not assessable (chimerism needed)."""
    p = param(kb, "TX-GRAFT-FAILURE-PRIMARY")
    by_day = int(p["by_day"])
    early_chimerism = [(d, x) for d, x in sorted(donor_pct.items()) if d <= by_day]
    if neutrophil.day is None or neutrophil.day > by_day:
        return _primary_without_engraftment(kb, neutrophil, donor_pct)
    if early_chimerism and all(below(kb, x, p["autologous_below_pct"]) for _, x in early_chimerism):
        return GraftFailure("primary", by_day, "neutrophil recovery with donor chimerism below "
                            f"{p['autologous_below_pct']:g}% (autologous reconstitution)", "TX-GRAFT-FAILURE-PRIMARY")
    late = [(d, x) for d, x in sorted(donor_pct.items()) if d > neutrophil.day]
    if late and any(at_least(kb, x, p["autologous_below_pct"]) for d, x in donor_pct.items() if d <= late[-1][0]) \
            and below(kb, late[-1][1], p["autologous_below_pct"]):
        return GraftFailure("secondary", late[-1][0], f"donor chimerism fell below {p['autologous_below_pct']:g}% "
                            f"on day +{late[-1][0]} after engraftment (loss of the graft)", "TX-GRAFT-FAILURE-SECONDARY")
    s = param(kb, "TX-GRAFT-FAILURE-SECONDARY")
    days = sorted(set(anc) | set(platelets) | set(hemoglobin))
    cyto: dict[int, float] = {}
    for d in days:
        if d <= neutrophil.day:
            continue
        low = [anc.get(d) is not None and below(kb, anc[d], s["anc_below"]),
               platelets.get(d) is not None and below(kb, platelets[d], s["platelets_below"]),
               hemoglobin.get(d) is not None and below(kb, hemoglobin[d], s["hemoglobin_below_g_l"])]
        cyto[d] = float(sum(low))
    run = first_run(cyto, lambda d, n: n >= s["lineages"], int(s["consecutive_days"]))
    if run.day is not None:
        return GraftFailure("secondary", run.day, f"cytopenia in >= {int(s['lineages'])} lineages on "
                            f"{int(s['consecutive_days'])} consecutive days from day +{run.day} after engraftment "
                            "(exclude relapse, infection and drugs; confirm by chimerism)", "TX-GRAFT-FAILURE-SECONDARY")
    return GraftFailure("none", None, "no graft failure by the cited definitions in the observed days", None)
