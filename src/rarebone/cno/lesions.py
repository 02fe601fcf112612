"""Lesion bookkeeping across imaging studies: each lesion (site/part/side) gets a status per study relative to
baseline (the first study): baseline, resolved, improved, stable, progressed, new, reappeared, not_imaged.
A lesion missing from a whole-body study (WB-MRI, scintigraphy, PET-CT) is absent; from a local study, not imaged."""

from __future__ import annotations

import datetime as dt

from rarebone.core.evidence import Contract
from rarebone.cno.record import INTENSITIES, CnoRecord, LesionObservation


class LesionStatusAt(Contract):
    date: dt.date
    modality: str
    status: str
    size_mm: float | None = None
    intensity: str | None = None
    symptomatic: bool | None = None


class LesionTrack(Contract):
    key: str
    site: str
    side: str | None = None
    part: str | None = None
    first_seen: dt.date | None
    at_baseline: bool
    statuses: list[LesionStatusAt]
    last_status: str
    symptomatic_when_new: bool | None = None


class LesionSummary(Contract):
    """In the anakinra cohort's form (S4): baseline lesions and what became of them; new lesions."""

    patients: int = 1
    baseline_lesions: int
    resolved: int
    improved: int
    stable: int
    progressed: int
    new_lesions: int
    patients_with_new_lesions: int
    symptomatic_new_lesions: int
    patients_with_symptomatic_new_lesions: int
    follow_up_date: dt.date | None = None


def _compare(base: LesionObservation, now: LesionObservation) -> str:
    checks = []
    if base.size_mm is not None and now.size_mm is not None:
        checks.append((now.size_mm > base.size_mm) - (now.size_mm < base.size_mm))
    if base.intensity and now.intensity:
        checks.append((INTENSITIES.index(now.intensity) > INTENSITIES.index(base.intensity))
                      - (INTENSITIES.index(now.intensity) < INTENSITIES.index(base.intensity)))
    if any(c > 0 for c in checks):
        return "progressed"
    if any(c < 0 for c in checks):
        return "improved"
    return "stable"


def track_lesions(record: CnoRecord) -> list[LesionTrack]:
    """One track per lesion site, in order of first appearance. References: S4 (resolved/stable/new)."""
    if not record.studies:
        return []
    baseline = record.studies[0]
    keys: list[str] = []
    obs: dict[str, LesionObservation] = {}
    for study in record.studies:
        for les in study.lesions:
            if les.key not in keys:
                keys.append(les.key)
                obs[les.key] = les
    tracks = []
    for key in keys:
        base = next((les for les in baseline.lesions if les.key == key and les.present), None)
        statuses: list[LesionStatusAt] = []
        seen_present = base is not None
        gone = False
        first_seen = baseline.date if base else None
        symptomatic_new = None
        for index, study in enumerate(record.studies):
            now = next((les for les in study.lesions if les.key == key), None)
            present = now is not None and now.present
            if now is None and not study.whole_body:
                status = "not_imaged"
            elif index == 0:
                status = "baseline" if present else "absent"
            elif present:
                if not seen_present:
                    status, first_seen, symptomatic_new = "new", study.date, now.symptomatic
                elif gone:
                    status = "reappeared"
                elif base is not None:
                    status = _compare(base, now)
                else:
                    status = "new" if statuses and statuses[-1].status == "new" else "stable"
                seen_present, gone = True, False
            else:
                status = "resolved" if seen_present else "absent"
                gone = gone or seen_present
            statuses.append(LesionStatusAt(
                date=study.date, modality=study.modality, status=status,
                size_mm=now.size_mm if now else None, intensity=now.intensity if now else None,
                symptomatic=now.symptomatic if now else None))
        last = next((s.status for s in reversed(statuses) if s.status != "not_imaged"), "not_imaged")
        ref = obs[key]
        tracks.append(LesionTrack(key=key, site=ref.site, side=ref.side, part=ref.part, first_seen=first_seen,
                                  at_baseline=base is not None, statuses=statuses, last_status=last,
                                  symptomatic_when_new=symptomatic_new))
    return tracks


def summarise_lesions(tracks: list[LesionTrack], follow_up: dt.date | None) -> LesionSummary:
    """Baseline lesions by their status at the last study; new lesions anywhere after baseline."""
    base = [t for t in tracks if t.at_baseline]
    count = {s: sum(1 for t in base if t.last_status == s) for s in ("resolved", "improved", "stable", "progressed")}
    count["stable"] += sum(1 for t in base if t.last_status == "reappeared")
    new = [t for t in tracks if not t.at_baseline and t.first_seen is not None]
    symptomatic = [t for t in new if t.symptomatic_when_new]
    return LesionSummary(baseline_lesions=len(base), new_lesions=len(new), patients_with_new_lesions=int(bool(new)),
                         symptomatic_new_lesions=len(symptomatic),
                         patients_with_symptomatic_new_lesions=int(bool(symptomatic)), follow_up_date=follow_up, **count)


def combine_summaries(summaries: list[LesionSummary]) -> LesionSummary:
    fields = ("baseline_lesions", "resolved", "improved", "stable", "progressed", "new_lesions",
              "patients_with_new_lesions", "symptomatic_new_lesions", "patients_with_symptomatic_new_lesions", "patients")
    return LesionSummary(**{f: sum(getattr(s, f) for s in summaries) for f in fields})
