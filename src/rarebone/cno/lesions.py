"""Lesion bookkeeping across imaging studies: each lesion (site/part/side) gets a status per study: baseline,
resolved, improved, stable, progressed, new, reappeared, absent, not_imaged (docs/cno-extension.md).
A lesion missing from a whole-body study (WB-MRI, scintigraphy, PET-CT) is absent; from a local study, not imaged.
Improved/stable/progressed compare with the lesion's reference observation: the baseline study for a baseline
lesion, its first appearance for a new lesion, and its reappearance once it has resolved and come back."""

from __future__ import annotations

import datetime as dt

from rarebone.core.evidence import Contract
from rarebone.errors import InputError
from rarebone.cno.record import INTENSITIES, CnoRecord, LesionObservation

PRESENT_STATUSES = ("baseline", "new", "reappeared", "improved", "stable", "progressed")


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
    reappeared_on: list[dt.date] = []
    symptomatic_when_reappeared: bool | None = None

    @property
    def recurred(self) -> bool:
        return bool(self.reappeared_on)


class LesionSummary(Contract):
    """In the anakinra cohort's form (S4): baseline lesions and what became of them; new lesions.

    Baseline lesions are split by their status at the last study that imaged them: resolved, improved, stable,
    progressed, recurred (resolved at a follow-up and present again at the last study) or not_reimaged.
    new_lesions = new_sites (sites not involved at baseline) + recurrent_lesions (baseline lesions that resolved
    and reappeared at the same site at any follow-up: reported as new/recurrent lesions)."""

    patients: int = 1
    baseline_lesions: int
    resolved: int
    improved: int
    stable: int
    progressed: int
    recurred: int = 0
    not_reimaged: int = 0
    new_lesions: int
    new_sites: int = 0
    recurrent_lesions: int = 0
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
        reference = base
        seen_present = base is not None
        gone = False
        first_seen = baseline.date if base else None
        symptomatic_new = symptomatic_back = None
        reappeared_on: list[dt.date] = []
        for index, study in enumerate(record.studies):
            now = next((les for les in study.lesions if les.key == key), None)
            present = now is not None and now.present
            if now is None and not study.whole_body:
                status = "not_imaged"
            elif index == 0:
                status = "baseline" if present else "absent"
            elif present:
                if not seen_present:
                    status, first_seen, symptomatic_new, reference = "new", study.date, now.symptomatic, now
                elif gone:
                    status, reference = "reappeared", now
                    reappeared_on.append(study.date)
                    if symptomatic_back is None or now.symptomatic:
                        symptomatic_back = now.symptomatic
                else:
                    status = _compare(reference, now)
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
                                  symptomatic_when_new=symptomatic_new, reappeared_on=reappeared_on,
                                  symptomatic_when_reappeared=symptomatic_back))
    return tracks


def baseline_outcome(track: LesionTrack) -> str:
    """What became of a baseline lesion at the last study that imaged it (one of the summary's partition)."""
    last = [s.status for s in track.statuses[1:] if s.status != "not_imaged"]
    if not last:
        return "not_reimaged"
    if track.recurred and last[-1] in PRESENT_STATUSES:
        return "recurred"
    return last[-1]


def summarise_lesions(tracks: list[LesionTrack], follow_up: dt.date | None) -> LesionSummary:
    """Baseline lesions by their outcome at the last study; new sites and recurrences after baseline."""
    base = [t for t in tracks if t.at_baseline]
    outcomes = [baseline_outcome(t) for t in base]
    count = {s: outcomes.count(s) for s in ("resolved", "improved", "stable", "progressed", "recurred", "not_reimaged")}
    new_sites = [t for t in tracks if not t.at_baseline and t.first_seen is not None]
    recurrent = [t for t in base if t.recurred]
    symptomatic = [t for t in new_sites if t.symptomatic_when_new] + [t for t in recurrent if t.symptomatic_when_reappeared]
    new = len(new_sites) + len(recurrent)
    return LesionSummary(baseline_lesions=len(base), new_lesions=new, new_sites=len(new_sites),
                         recurrent_lesions=len(recurrent), patients_with_new_lesions=int(bool(new)),
                         symptomatic_new_lesions=len(symptomatic),
                         patients_with_symptomatic_new_lesions=int(bool(symptomatic)), follow_up_date=follow_up, **count)


BASELINE_OUTCOMES = ("resolved", "improved", "stable", "progressed", "recurred", "not_reimaged")


def summarise_latest_statuses(statuses: list[str]) -> LesionSummary:
    """One patient's summary when only each lesion's latest status is kept (a registry row, not a scan series):
    ``new`` is a lesion first seen after baseline, any of BASELINE_OUTCOMES is a baseline lesion's outcome.
    A recurrence counts as a new (recurrent) lesion, as in ``summarise_lesions``; whether a new lesion was
    symptomatic is not known from a status, so those counts stay 0."""
    unknown = sorted({s for s in statuses if s != "new" and s not in BASELINE_OUTCOMES})
    if unknown:
        raise InputError("not a lesion outcome (expected new or one of " + ", ".join(BASELINE_OUTCOMES) + ")",
                         path="lesion.status", value=unknown[0])
    base = [s for s in statuses if s != "new"]
    count = {s: base.count(s) for s in BASELINE_OUTCOMES}
    new_sites = statuses.count("new")
    new = new_sites + count["recurred"]
    return LesionSummary(baseline_lesions=len(base), new_lesions=new, new_sites=new_sites,
                         recurrent_lesions=count["recurred"], patients_with_new_lesions=int(bool(new)),
                         symptomatic_new_lesions=0, patients_with_symptomatic_new_lesions=0, **count)


def combine_summaries(summaries: list[LesionSummary]) -> LesionSummary:
    fields = ("baseline_lesions", "resolved", "improved", "stable", "progressed", "recurred", "not_reimaged",
              "new_lesions", "new_sites", "recurrent_lesions", "patients_with_new_lesions", "symptomatic_new_lesions",
              "patients_with_symptomatic_new_lesions", "patients")
    return LesionSummary(**{f: sum(getattr(s, f) for s in summaries) for f in fields})
