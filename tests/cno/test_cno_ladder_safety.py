"""Issue 10, items 7, 8 and 11: the ladder's conditions decide what is offered (ZHAO2018 CARRA entry rules, S4
refractory definition), anakinra has a daily maximum (KINERET-US-PI, marked UNVERIFIED for CNO) and a lowest
weight (KINERET-EU-SMPC), and the pamidronate course length and review points are shown (S3)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from rarebone.cno.ladder import ladder_position
from rarebone.cno.pamidronate import pamidronate_calendar
from rarebone.errors import InputError
from rarebone.report.cno_render import plan_html, plan_text
from rarebone.workflows.cno_plan import build_plan
from tests.cno.conftest import example, patient_from

SECOND_LINE = {"CNO-LADDER-CTP", "CNO-LADDER-BISPHOSPHONATE", "CNO-LADDER-TNFI", "CNO-LADDER-GLUCOCORTICOID"}
ANAKINRA = "CNO-LADDER-ANAKINRA"


def _drug(label: str, start: str, end: str | None = None, response: str | None = None) -> dict:
    interval = {"start": f"{start}T00:00:00Z", **({"end": f"{end}T00:00:00Z"} if end else {})}
    action = {"treatment": {"agent": {"id": f"DrugCentral:{label}", "label": label},
                            "doseIntervals": [{"quantity": {"value": 1, "unit": {"id": "UCUM:mg", "label": "mg"}},
                                               "interval": interval}]}}
    if response:
        action["responseToTreatment"] = {"id": "NCIT:C123", "label": response}
    return action


def _child(*drugs: dict) -> dict:
    """The clavicle/tibia child (no vertebral lesion, 32 kg) with the given medical actions."""
    doc = example("cno-clavicle-tibia.json")
    doc["medicalActions"] = list(drugs)
    return doc


def _ladder(kb, doc, weight=32.0, spinal=False, as_of=dt.date(2026, 6, 1), caps=None):
    return ladder_position(patient_from(doc), kb, weight, spinal, as_of=as_of, max_mg_per_day=caps)


def _offered(position) -> set[str]:
    return {o.knowledge_id for o in position.next_options}


def _write(tmp_path, doc) -> str:
    path = tmp_path / "child.json"
    path.write_text(json.dumps(doc))
    return path


# --- item 7: what is offered -------------------------------------------------------------------------------

def test_untreated_child_is_offered_first_line_only_against_ZHAO2018(kb):
    position = _ladder(kb, _child())
    assert "CNO-LADDER-NSAID" in _offered(position)
    assert not (SECOND_LINE | {ANAKINRA}) & _offered(position)
    assert {w.knowledge_id for w in position.withheld} >= SECOND_LINE | {ANAKINRA}
    assert not any(o.computed_dose and "anakinra" in o.dose_text for o in position.next_options)


def test_untreated_child_gets_no_pamidronate_calendar_and_no_anakinra_dose_against_ZHAO2018(kb, tmp_path):
    plan = build_plan(_write(tmp_path, _child()), kb, as_of=dt.date(2026, 6, 1))
    assert plan.pamidronate == []
    text = plan_text(plan, kb)
    assert "Not offered now" in text and "64 mg/day" not in text
    assert any("no pamidronate calendar" in m and "4 weeks of NSAID" in m for m in plan.missing_data)


@pytest.mark.parametrize("days, offered", [(27, False), (28, True)])
def test_nsaid_trial_length_against_ZHAO2018_four_weeks(kb, days, offered):
    start = dt.date(2026, 1, 1)
    end = start + dt.timedelta(days=days)
    position = _ladder(kb, _child(_drug("naproxen", start.isoformat(), end.isoformat(), "no response")))
    assert (SECOND_LINE <= _offered(position)) is offered
    if not offered:
        assert any(f"only {days} days" in w.record_shows for w in position.withheld)


@pytest.mark.parametrize("days, offered", [(27, False), (28, True)])
def test_ongoing_nsaid_trial_is_measured_to_the_plan_date_against_ZHAO2018(kb, days, offered):
    start = dt.date(2026, 1, 1)
    position = _ladder(kb, _child(_drug("naproxen", start.isoformat(), None, "no response")),
                       as_of=start + dt.timedelta(days=days))
    assert ("CNO-LADDER-BISPHOSPHONATE" in _offered(position)) is offered


def _stopped(label: str, start: str, end: str | None, reason: str) -> dict:
    action = _drug(label, start, end)
    action["treatmentTerminationReason"] = {"id": "text", "label": reason}
    return action


@pytest.mark.parametrize("days, offered", [(27, False), (28, True)])
def test_stopped_nsaid_with_its_end_date_is_measured_to_that_date_against_ZHAO2018(kb, days, offered):
    start = dt.date(2026, 1, 1)
    end = start + dt.timedelta(days=days)
    position = _ladder(kb, _child(_stopped("naproxen", start.isoformat(), end.isoformat(), "no response")),
                       as_of=dt.date(2026, 12, 1))
    assert (SECOND_LINE <= _offered(position)) is offered


def test_stopped_nsaid_without_an_end_date_is_not_measured_to_the_plan_date_against_ZHAO2018(kb, tmp_path):
    """An NSAID stopped for no response on a day the record does not give (an EHR's stopped MedicationStatement or
    order with only a start): the trial's length is unknown. Measured to the plan date, as an ongoing one is, it
    counted the months since it was stopped as a trial and opened the second line."""
    doc = _child(_stopped("naproxen", "2026-01-01", None, "no response"))
    position = _ladder(kb, doc, as_of=dt.date(2026, 12, 1))
    assert not SECOND_LINE & _offered(position)
    shows = [w.record_shows for w in position.withheld if w.knowledge_id == "CNO-LADDER-BISPHOSPHONATE"]
    assert shows and "stopped (no response) on a day the record does not give" in shows[0]
    assert "trial cannot be checked" in shows[0]
    plan = build_plan(_write(tmp_path, doc), kb, as_of=dt.date(2026, 12, 1))
    text, html = plan_text(plan, kb), plan_html(plan, kb)
    assert "naproxen [NSAID] 2026-01-01 to end not recorded" in text and "to ongoing" not in text
    assert "end not recorded" in html


def test_nsaid_that_works_opens_no_second_line_against_ZHAO2018(kb):
    position = _ladder(kb, _child(_drug("naproxen", "2026-01-01", "2026-04-01", "complete response")))
    assert not SECOND_LINE & _offered(position)


def test_vertebral_lesion_opens_second_line_without_nsaid_trial_but_not_anakinra_against_ZHAO2018(kb):
    position = _ladder(kb, _child(), spinal=True)
    assert SECOND_LINE <= _offered(position)
    assert ANAKINRA not in _offered(position)


@pytest.mark.parametrize("second, offered", [(None, False), ("pamidronate", True), ("prednisolone", True),
                                             ("adalimumab", False)])
def test_anakinra_only_when_refractory_as_S4_defines_it(kb, second, offered):
    drugs = [_drug("naproxen", "2025-01-01", "2025-04-01", "no response")]
    if second:
        drugs.append(_drug(second, "2025-04-10", "2025-10-10", "no response"))
    position = _ladder(kb, _child(*drugs))
    assert (ANAKINRA in _offered(position)) is offered


def test_calendar_outside_the_ladder_needs_a_reason_and_records_it(kb, tmp_path):
    path = _write(tmp_path, _child())
    with pytest.raises(InputError) as err:
        build_plan(path, kb, regimen="simm2008", as_of=dt.date(2026, 6, 1))
    assert err.value.path == "--reason"
    plan = build_plan(path, kb, regimen="simm2008", as_of=dt.date(2026, 6, 1), reason="NSAID not tolerated (GI bleed)")
    assert len(plan.pamidronate) == 1
    assert "NSAID not tolerated (GI bleed)" in plan.requested_outside_ladder
    assert "REQUESTED OUTSIDE THE LADDER" in plan_text(plan, kb) and "NSAID not tolerated" in plan_html(plan, kb)


def test_calendar_within_the_ladder_needs_no_reason_against_ZHAO2018(kb, tmp_path):
    path = _write(tmp_path, _child(_drug("naproxen", "2026-01-01", "2026-03-01", "no response")))
    plan = build_plan(path, kb, as_of=dt.date(2026, 6, 1))
    assert plan.pamidronate and plan.requested_outside_ladder is None


# --- item 8: anakinra maximum -----------------------------------------------------------------------------

REFRACTORY = (_drug("naproxen", "2025-01-01", "2025-04-01", "no response"),
              _drug("pamidronate", "2025-04-10", "2025-10-10", "no response"))


def _anakinra(kb, weight, caps=None):
    return next(o for o in _ladder(kb, _child(*REFRACTORY), weight=weight, caps=caps).next_options if o.knowledge_id == ANAKINRA)


@pytest.mark.parametrize("weight, dose, capped", [(50.0, 100.0, False), (50.5, 100.0, True), (72.0, 100.0, True),
                                                  (32.0, 64.0, False)])
def test_anakinra_daily_maximum_against_KINERET_US_PI_100_mg(kb, weight, dose, capped):
    o = _anakinra(kb, weight)
    assert o.dose_mg_per_day == pytest.approx(dose) and o.capped is capped
    assert o.dose_by_weight_mg_per_day == pytest.approx(2 * weight)  # PARDEO2015: 2 mg/kg/day
    assert o.max_certainty == "unverified" and "not a labelled indication" in o.max_note


def test_72_kg_teenager_gets_100_not_144_mg_with_the_reason_printed_against_KINERET_US_PI(kb, tmp_path):
    o = _anakinra(kb, 72.0)
    assert "144 mg/day" in o.computed_dose and "capped" in o.computed_dose and "UNVERIFIED" in o.computed_dose


@pytest.mark.parametrize("weight, computed", [(9.9, False), (10.0, True)])
def test_anakinra_lowest_weight_against_KINERET_EU_SMPC_10_kg(kb, weight, computed):
    o = _anakinra(kb, weight)
    assert (o.dose_mg_per_day is not None) is computed
    if not computed:
        assert "below 10 kg" in o.dose_refused and o.computed_dose is None


def test_prescriber_sets_the_anakinra_maximum_and_the_output_says_so(kb):
    o = _anakinra(kb, 72.0, caps={ANAKINRA: 150.0})
    assert o.dose_mg_per_day == pytest.approx(144.0) and not o.capped and o.max_set_by_prescriber
    o = _anakinra(kb, 72.0, caps={ANAKINRA: 80.0})
    assert o.dose_mg_per_day == pytest.approx(80.0) and "prescriber's daily maximum" in o.computed_dose


# --- item 11: pamidronate course length and review points --------------------------------------------------

def test_pamidronate_course_length_and_review_points_against_S3(kb):
    cal = pamidronate_calendar(kb, "simm2008", 32.0, dt.date(2026, 1, 1))
    assert cal.course_months == (12, 42)
    assert [p.month for p in cal.review_points] == [12, 42]
    assert cal.review_points[0].date == dt.date(2027, 1, 1)  # 12 x 30.4375 days = 365.25 -> 365
    assert cal.review_certainty == "unverified"


def test_silent_sources_say_so_in_the_calendar(kb):
    assert "silent" in pamidronate_calendar(kb, "kerrison2004", 32.0).course_text
    assert "no MRI interval (silent)" in pamidronate_calendar(kb, "miettunen2009", 32.0).review_text


def test_plan_text_shows_course_and_review(kb, tmp_path):
    plan = build_plan(_write(tmp_path, _child(*REFRACTORY[:1])), kb, regimen="simm2008", start=dt.date(2026, 6, 1),
                      as_of=dt.date(2026, 6, 1))
    text = plan_text(plan, kb)
    assert "course: 12-42 months in total" in text and "only the first 12 months" in text
    assert "month 42 (2029-11-30)" in text and "[UNVERIFIED]" in text  # 42 x 30.4375 = 1278 days
    assert "12-42 months in total" in plan_html(plan, kb)
