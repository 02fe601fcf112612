"""Where a child stands on the CNO ladder and what comes next (CNO-LADDER-*; ZHAO2018 CARRA plans, S4)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from rarebone.cno.ladder import ladder_position
from rarebone.workflows.cno_plan import build_plan
from tests.cno.conftest import patient_from

REFRACTORY = Path(__file__).parent / "fixtures" / "review4" / "p2-refractory-72kg.json"


def _doc(drugs: int) -> dict:
    """The refractory child with only the first ``drugs`` medical actions (naproxen, pamidronate, anakinra)."""
    doc = json.loads(REFRACTORY.read_text())
    doc["medicalActions"] = copy.deepcopy(doc["medicalActions"][:drugs])
    return doc


def _options(kb, drugs: int) -> list[str]:
    return [o.knowledge_id for o in ladder_position(patient_from(_doc(drugs)), kb, 72.0, spinal=False).next_options]


def test_no_treatment_starts_at_nsaid(kb):
    assert _options(kb, 0)[0] == "CNO-LADDER-NSAID"


def test_after_nsaid_failure_every_second_line_option_is_offered_and_anakinra_is_withheld(kb):
    options = _options(kb, 1)
    assert "CNO-LADDER-NSAID" not in options
    assert {"CNO-LADDER-CTP", "CNO-LADDER-BISPHOSPHONATE", "CNO-LADDER-TNFI"} <= set(options)
    assert "CNO-LADDER-ANAKINRA" not in options  # S4: refractory means NSAID and bisphosphonate/glucocorticoid failed


def test_after_pamidronate_the_untried_second_line_alternatives_stay_on_offer(kb):
    options = _options(kb, 2)
    assert "CNO-LADDER-BISPHOSPHONATE" not in options  # tried and failed
    assert {"CNO-LADDER-CTP", "CNO-LADDER-TNFI", "CNO-LADDER-ANAKINRA"} <= set(options)


def test_at_the_top_rung_a_tnf_inhibitor_never_tried_is_still_an_option(kb):
    options = _options(kb, 3)
    assert "CNO-LADDER-ANAKINRA" not in options and "CNO-LADDER-BISPHOSPHONATE" not in options
    assert "CNO-LADDER-TNFI" in options and "CNO-LADDER-NSAID" not in options


def test_ongoing_drug_without_a_recorded_response_asks_for_an_assessment_first(kb):
    reasons = ladder_position(patient_from(_doc(3)), kb, 72.0, spinal=False).reasons
    assert any("anakinra is ongoing with no response recorded" in r for r in reasons)
    assert not any("ongoing" in r for r in ladder_position(patient_from(_doc(2)), kb, 72.0, spinal=False).reasons)


def test_no_pamidronate_calendar_is_proposed_after_pamidronate_failed_unless_asked(kb, tmp_path):
    plan = build_plan(REFRACTORY, kb)
    assert plan.pamidronate == []
    assert any("no pamidronate calendar" in m and "no response" in m for m in plan.missing_data)
    asked = build_plan(REFRACTORY, kb, regimen=plan_regimen(kb), reason="parents prefer infusions; TNFi refused")
    assert len(asked.pamidronate) == 1
    assert "parents prefer infusions" in asked.requested_outside_ladder and "no response" in asked.requested_outside_ladder


def plan_regimen(kb) -> str:
    from rarebone.knowledge.kinds.cno import CnoRegimen

    return next(r.key for r in kb.of_kind(CnoRegimen))


@pytest.mark.parametrize("drugs", [0, 1])
def test_calendars_are_offered_when_pamidronate_has_not_failed(kb, tmp_path, drugs):
    path = tmp_path / "child.json"
    path.write_text(json.dumps(_doc(drugs)))
    assert build_plan(path, kb).pamidronate  # every regimen's calendar, as before
