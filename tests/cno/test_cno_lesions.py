"""Lesion bookkeeping on synthetic series: local studies, lesions never re-imaged, recurrences that resolve again,
and the invariants of the S4-form summary."""

import datetime as dt

from hypothesis import given, settings, strategies as st

from rarebone.cno.lesions import baseline_outcome, summarise_lesions, track_lesions
from rarebone.cno.record import read_cno_record

TIBIA = {"site": "tibia", "side": "left", "part": "proximal_metaphysis"}
T8 = {"site": "vertebra_thoracic", "part": "T8"}


def study(date, modality, *lesions):
    return {"date": date, "modality": modality, "lesions": list(lesions)}


def tracks_of(kb, *studies):
    return track_lesions(read_cno_record({"imaging": list(studies)}, kb))


def test_local_study_leaves_other_sites_not_imaged(kb):
    tracks = tracks_of(kb, study("2026-01-01", "wbmri", TIBIA, T8), study("2026-03-01", "mri", {**TIBIA, "present": False}))
    by = {t.key: t for t in tracks}
    assert [s.status for s in by["vertebra_thoracic/T8"].statuses] == ["baseline", "not_imaged"]
    assert baseline_outcome(by["vertebra_thoracic/T8"]) == "not_reimaged"
    summary = summarise_lesions(tracks, dt.date(2026, 3, 1))
    assert (summary.resolved, summary.not_reimaged, summary.stable) == (1, 1, 0)


def test_recurrence_that_resolves_again_is_resolved_but_still_a_recurrent_lesion(kb):
    tracks = tracks_of(kb, study("2026-01-01", "wbmri", TIBIA), study("2026-04-01", "wbmri"),
                       study("2026-07-01", "wbmri", {**TIBIA, "symptomatic": True}), study("2026-10-01", "wbmri"))
    (t,) = tracks
    assert [s.status for s in t.statuses] == ["baseline", "resolved", "reappeared", "resolved"]
    assert t.reappeared_on == [dt.date(2026, 7, 1)] and t.symptomatic_when_reappeared is True
    s = summarise_lesions(tracks, None)
    assert (s.resolved, s.recurred, s.recurrent_lesions, s.new_lesions, s.new_sites, s.symptomatic_new_lesions) == (1, 0, 1, 1, 0, 1)


def test_reappearance_is_not_counted_stable(kb):
    """The old bookkeeping counted a resolved-then-reappeared baseline lesion as stable."""
    tracks = tracks_of(kb, study("2026-01-01", "wbmri", TIBIA), study("2026-04-01", "wbmri"), study("2026-07-01", "wbmri", TIBIA))
    s = summarise_lesions(tracks, None)
    assert (s.stable, s.recurred, s.new_lesions) == (0, 1, 1)


def test_lesion_growing_after_reappearance_is_progressed_against_its_reappearance(kb):
    tracks = tracks_of(kb, study("2026-01-01", "wbmri", {**TIBIA, "sizeMm": 20}), study("2026-04-01", "wbmri"),
                       study("2026-07-01", "wbmri", {**TIBIA, "sizeMm": 5}), study("2026-10-01", "wbmri", {**TIBIA, "sizeMm": 8}))
    assert [s.status for s in tracks[0].statuses] == ["baseline", "resolved", "reappeared", "progressed"]
    assert baseline_outcome(tracks[0]) == "recurred"


SITES = [{"site": "tibia", "side": "left"}, {"site": "femur", "side": "right"}, {"site": "clavicle", "side": "left"},
         {"site": "sternum"}, {"site": "sacrum"}]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=len(SITES), max_size=len(SITES)), min_size=1, max_size=6))
def test_summary_partitions_baseline_and_counts_new_as_sites_plus_recurrences(presence):
    from rarebone.knowledge import load

    kb = load()
    studies = [study((dt.date(2026, 1, 1) + dt.timedelta(days=90 * i)).isoformat(), "wbmri",
                     *[site for site, on in zip(SITES, row) if on]) for i, row in enumerate(presence)]
    s = summarise_lesions(tracks_of(kb, *studies), None)
    assert s.baseline_lesions == sum(presence[0])
    assert s.baseline_lesions == s.resolved + s.improved + s.stable + s.progressed + s.recurred + s.not_reimaged
    assert s.new_lesions == s.new_sites + s.recurrent_lesions
    assert s.symptomatic_new_lesions <= s.new_lesions


def test_latest_statuses_summary_counts_a_recurrence_as_a_new_lesion():
    """A registry keeps only each lesion's latest status: 3 baseline lesions (resolved, stable, recurred) and one
    new site give baseline 3 and new 1 + 1 recurrence = 2, as summarise_lesions counts a scan series."""
    from rarebone.cno.lesions import summarise_latest_statuses

    s = summarise_latest_statuses(["resolved", "stable", "recurred", "new"])
    assert (s.baseline_lesions, s.resolved, s.stable, s.recurred) == (3, 1, 1, 1)
    assert (s.new_sites, s.recurrent_lesions, s.new_lesions, s.patients_with_new_lesions) == (1, 1, 2, 1)
    quiet = summarise_latest_statuses(["resolved", "improved"])
    assert (quiet.new_lesions, quiet.patients_with_new_lesions) == (0, 0)


def test_latest_statuses_summary_rejects_a_status_it_cannot_place():
    import pytest

    from rarebone.cno.lesions import summarise_latest_statuses
    from rarebone.errors import InputError

    with pytest.raises(InputError) as e:
        summarise_latest_statuses(["resolved", "active"])
    assert e.value.value == "active"
