"""IEWP regimen B (Lankester 2021 Table 1 gives totals only): no drug is placed on days rarebone chose."""

from __future__ import annotations

import datetime as dt
import json

from rarebone.report.calendar import plan_csv, plan_ics
from rarebone.report.transplant import plan_html, plan_text
from rarebone.workflows.plan import TransplantPlan, make_plan
from tests.transplant.test_protocol import child

DAY0 = dt.date(2027, 1, 15)


def _plan(kb, protocol="iewp-treo-flu-thiotepa"):
    # 25 kg, 120 cm: BSA sqrt(120 x 25 / 3600) = 0.912871 m2
    return make_plan(kb, child(7 * 365.25), protocol_key=protocol, day0=DAY0, weight_kg=25, height_cm=120)


def test_iewp_schedules_no_drug_on_days_of_rarebones_choice_against_lankester2021(kb):
    data = json.loads(_plan(kb).model_dump_json())
    for a in data["administrations"]:  # every scheduled day must name a published source of its days
        assert a["assumed_from"] is None or any(s in a["assumed_from"] for s in kb.sources if s != "RAREBONE-CHOICE")
    assert data["administrations"] == []
    centre = {d["drug"]: d for d in data["drugs"] if d["days_set_by_centre"]}
    assert set(centre) == {"Treosulfan", "Fludarabine", "Thiotepa"}
    for d in centre.values():
        assert d["days"] == [] and d["first_day"] is None
    # fludarabine 150 mg/m2 x 0.912871 = 136.93 mg; thiotepa 8 mg/kg x 25 = 200 mg;
    # treosulfan 12 g/m2/day (BSA band > 0.5-1.0) x 3 x 0.912871 = 32.86 g
    assert centre["Fludarabine"]["total_amount"] == {"value": 136.93, "unit": "mg"}
    assert centre["Thiotepa"]["total_amount"] == {"value": 200.0, "unit": "mg"}
    assert centre["Treosulfan"]["total_amount"] == {"value": 32.86, "unit": "g"}


def test_centre_days_shown_in_text_html_json_and_absent_from_csv_ics(kb):
    plan = _plan(kb)
    text, html = plan_text(plan), plan_html(plan)
    for out in (text, html):
        assert "days set by the centre" in out
        assert "200 mg" in out and "136.93 mg" in out
    assert sum("DAYS SET BY THE CENTRE" in w for w in plan.warnings) == 3
    assert "Thiotepa" not in plan_csv(plan) and "BEGIN:VEVENT" not in plan_ics(plan, dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc))
    TransplantPlan.model_validate_json(plan.model_dump_json())  # the contract (schema) still holds


def test_beijing_plan_keeps_its_calendar(kb):
    plan = _plan(kb, "beijing-haplo")
    assert plan.administrations and not any(d.days_set_by_centre for d in plan.drugs)
