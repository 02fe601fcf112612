"""order-sign over loopback HTTP: draft MedicationRequests against the knowledge base's weight-based doses.
Every expected amount is computed from the knowledge entry (never typed here), on both sides of the boundary."""

import datetime as dt
import json
import uuid

import pytest

from rarebone.cdshooks import models as M
from rarebone.knowledge import load

from .conftest import SPEC

OS = "rarebone-order-sign"
KB = load()


def _patient(pid: str, weight_kg: float | None = None, height_cm: float | None = None) -> dict:
    ref = {"reference": f"Patient/{pid}"}
    prefetch = {"patient": {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "2018-03-01"},
                "weight": {"resourceType": "Bundle", "type": "searchset", "entry": []},
                "height": {"resourceType": "Bundle", "type": "searchset", "entry": []}}
    today = dt.date.today().isoformat()
    if weight_kg is not None:
        prefetch["weight"]["entry"].append({"resource": {
            "resourceType": "Observation", "id": f"{pid}-w", "status": "final", "subject": ref,
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]}, "effectiveDateTime": today,
            "valueQuantity": {"value": weight_kg, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}})
    if height_cm is not None:
        prefetch["height"]["entry"].append({"resource": {
            "resourceType": "Observation", "id": f"{pid}-h", "status": "final", "subject": ref,
            "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]}, "effectiveDateTime": today,
            "valueQuantity": {"value": height_cm, "unit": "cm", "system": "http://unitsofmeasure.org", "code": "cm"}}})
    return prefetch


def _order(pid: str, drug: str, mg: float, per_day: int | None = 1) -> dict:
    dosage = {"doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg", "system": "http://unitsofmeasure.org",
                                                "code": "mg"}}]}
    if per_day is not None:
        dosage["timing"] = {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}}
    return {"resourceType": "MedicationRequest", "id": f"draft-{uuid.uuid4().hex[:8]}", "status": "draft",
            "intent": "order", "subject": {"reference": f"Patient/{pid}"},
            "medicationCodeableConcept": {"text": drug}, "dosageInstruction": [dosage]}


def _request(pid: str, orders: list[dict], prefetch: dict) -> dict:
    return {"hook": "order-sign", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/example", "patientId": pid,
                        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                        "entry": [{"resource": o} for o in orders]}},
            "prefetch": prefetch}


def _cards(cds, body) -> list[dict]:
    r = cds.call(OS, body)
    assert r.status_code == 200, r.text
    M.CdsResponse.model_validate(r.json())
    return r.json()["cards"]


def _anakinra_limit(weight: float) -> float:
    step = KB.get("CNO-LADDER-ANAKINRA")
    return min(step.dose_mg_per_kg_per_day * weight, step.max_mg_per_day)


def test_anakinra_dose_against_pardeo2015_both_sides_of_the_weight_based_maximum(cds):
    from rarebone.transplant.dosing import round_down

    weight = 20.0
    limit = _anakinra_limit(weight)
    assert _cards(cds, _request("ana-1", [_order("ana-1", "Anakinra 100 MG/0.67 ML", limit)], _patient("ana-1", weight))) == []
    cards = _cards(cds, _request("ana-1", [_order("ana-1", "Anakinra", limit + 1)], _patient("ana-1", weight)))
    assert len(cards) == 1 and cards[0]["indicator"] == "warning"
    card = cards[0]
    assert card["selectionBehavior"] == "at-most-one"
    action = card["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    corrected = action["resource"]["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"]
    assert corrected == round_down(KB, limit)
    from fhir.resources.R4B.medicationrequest import MedicationRequest

    MedicationRequest.model_validate(action["resource"])
    assert "PARDEO2015" in card["detail"] and "Decision support" in card["detail"]


def test_anakinra_daily_cap_against_kineret_label_marked_unverified(cds):
    step = KB.get("CNO-LADDER-ANAKINRA")
    heavy = step.max_mg_per_day / step.dose_mg_per_kg_per_day * 2  # weight-based dose twice the cap
    cards = _cards(cds, _request("ana-2", [_order("ana-2", "anakinra", step.max_mg_per_day + 1)], _patient("ana-2", heavy)))
    assert len(cards) == 1 and "UNVERIFIED" in cards[0]["detail"]
    assert cards[0]["suggestions"][0]["actions"][0]["resource"]["dosageInstruction"][0]["doseAndRate"][0][
        "doseQuantity"]["value"] == step.max_mg_per_day
    assert _cards(cds, _request("ana-2", [_order("ana-2", "anakinra", step.max_mg_per_day)], _patient("ana-2", heavy))) == []


def test_anakinra_twice_daily_counts_the_daily_total(cds):
    weight = 20.0
    half = _anakinra_limit(weight) / 2
    assert _cards(cds, _request("ana-3", [_order("ana-3", "anakinra", half, per_day=2)], _patient("ana-3", weight))) == []
    cards = _cards(cds, _request("ana-3", [_order("ana-3", "anakinra", half + 1, per_day=2)], _patient("ana-3", weight)))
    assert cards and "mg/day" in cards[0]["summary"]


def test_missing_weight_says_so_never_guesses(cds):
    cards = _cards(cds, _request("ana-4", [_order("ana-4", "anakinra", 10)], _patient("ana-4")))
    assert len(cards) == 1 and "no body weight" in cards[0]["summary"] and not cards[0].get("suggestions")


def test_anakinra_below_the_label_weight_against_kineret_eu_smpc(cds):
    step = KB.get("CNO-LADDER-ANAKINRA")
    below = _cards(cds, _request("ana-5", [_order("ana-5", "anakinra", 1)], _patient("ana-5", step.min_weight_kg - 0.5)))
    assert below and "not checked" in below[0]["summary"]
    at = _cards(cds, _request("ana-5", [_order("ana-5", "anakinra", 1)], _patient("ana-5", step.min_weight_kg)))
    assert at == []


def test_pamidronate_per_dose_maximum_against_the_cno_regimens(cds):
    from rarebone.knowledge.kinds.cno import CnoRegimen

    weight = 20.0
    regimens = [r for r in KB.of_kind(CnoRegimen) if r.agent == "pamidronate"]
    top = max(min(r.dose_mg_per_kg * weight, r.max_mg_per_dose or float("inf")) for r in regimens)
    assert _cards(cds, _request("pam-1", [_order("pam-1", "Pamidronate disodium", top, per_day=None)],
                                _patient("pam-1", weight))) == []
    cards = _cards(cds, _request("pam-1", [_order("pam-1", "Pamidronate disodium", top + 1, per_day=None)],
                                 _patient("pam-1", weight)))
    assert len(cards) == 1 and "per dose" in cards[0]["summary"]
    for r in regimens:
        assert r.label in cards[0]["detail"]  # every published regimen listed


def test_cyclophosphamide_against_the_transplant_protocols_largest_daily_maximum(cds):
    from rarebone.knowledge.kinds.transplant import TxProtocol

    weight = 10.0
    top = max(line.max_per_day for p in KB.of_kind(TxProtocol) for line in p.drugs
              if line.role == "conditioning" and line.drug.lower().startswith("cyclophosphamide")) * weight
    assert _cards(cds, _request("cy-1", [_order("cy-1", "cyclophosphamide", top)], _patient("cy-1", weight))) == []
    cards = _cards(cds, _request("cy-1", [_order("cy-1", "cyclophosphamide", top + 1)], _patient("cy-1", weight)))
    assert len(cards) == 1 and "every one below" in cards[0]["detail"]


def test_fludarabine_per_m2_without_height_is_not_checked(cds):
    cards = _cards(cds, _request("flu-1", [_order("flu-1", "fludarabine", 30)], _patient("flu-1", 10.0)))
    assert cards and "no height" in cards[0]["summary"]


def test_fludarabine_per_m2_with_height_uses_mosteller_bsa(cds):
    from rarebone.knowledge.kinds.transplant import TxProtocol
    from rarebone.transplant.dosing import bsa_m2

    bsa = bsa_m2(KB, 10.0, 75.0)
    top = max(line.max_per_day for p in KB.of_kind(TxProtocol) for line in p.drugs
              if line.role == "conditioning" and line.drug.lower().startswith("fludarabine")) * bsa
    assert _cards(cds, _request("flu-2", [_order("flu-2", "fludarabine", round(top, 2) - 0.01)],
                                _patient("flu-2", 10.0, 75.0))) == []
    assert _cards(cds, _request("flu-2", [_order("flu-2", "fludarabine", top + 1)], _patient("flu-2", 10.0, 75.0)))


def test_spec_order_sign_example_drugs_not_in_the_knowledge_base_give_no_card(cds):
    context = json.loads((SPEC / "order-sign-context-1.json").read_text())["context"]
    body = {"hook": "order-sign", "hookInstance": str(uuid.uuid4()), "context": context,
            "prefetch": _patient(context["patientId"], 20.0)}
    assert _cards(cds, body) == []


def test_order_sign_without_draft_orders_is_400(cds):
    body = _request("x-1", [], _patient("x-1", 20.0))
    del body["context"]["draftOrders"]
    r = cds.call(OS, body)
    assert r.status_code == 400 and "draftOrders" in r.json()["error"]


def _plan_requests(pid: str) -> list[dict]:
    """The TCIRG1 infant's real beijing-haplo plan, written by ``plan --format fhir`` (report.fhir_out)."""
    from rarebone.intake import read_phenopacket
    from rarebone.report.fhir_out import plan_bundle
    from rarebone.workflows.plan import make_plan

    from .conftest import ROOT

    patient = read_phenopacket(ROOT / "examples/transplant/tcirg1-infant-plan.json").patient
    plan = make_plan(KB, patient, protocol_key="beijing-haplo", day0=dt.date.today() + dt.timedelta(days=30))
    out = []
    for e in plan_bundle(plan)["entry"]:
        r = e["resource"]
        if r["resourceType"] == "MedicationRequest":
            r = dict(r, id=f"plan-{len(out)}", subject={"reference": f"Patient/{pid}"})
            out.append(r)
    return out


def test_order_checked_against_the_childs_plan_for_that_day(cds):
    pid = "plan-1"
    plan = _plan_requests(pid)
    planned = next(r for r in plan if r["medicationCodeableConcept"]["text"].lower().startswith("cyclophosphamide")
                   and r["dosageInstruction"][0].get("doseAndRate"))
    day = planned["dosageInstruction"][0]["timing"]["event"][0]
    amount = planned["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"]

    def order(mg):
        o = _order(pid, "Cyclophosphamide", mg, per_day=None)
        o["dosageInstruction"][0]["timing"] = {"event": [day]}
        return o

    prefetch = dict(_patient(pid, 6.0), plan={"resourceType": "Bundle", "type": "searchset",
                                              "entry": [{"resource": r} for r in plan]})
    assert _cards(cds, _request(pid, [order(amount)], prefetch)) == []
    lower = amount / 2  # below every published maximum, yet not what the plan says for that day
    cards = _cards(cds, _request(pid, [order(lower)], prefetch))
    assert len(cards) == 1 and "differs from the plan" in cards[0]["summary"]
    # the plan is read by the dose check, not as the child's record: its ~30 draft proposals are not listed in the
    # card's "About the record read" as orders not given (the intake now reads MedicationRequests itself)
    assert "MedicationRequest" not in cards[0]["detail"] and "not treatment history" not in cards[0]["detail"]
    fixed = cards[0]["suggestions"][0]["actions"][0]["resource"]
    assert fixed["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] == amount
    del prefetch["plan"]  # no plan (optional key) and no fhirServer: checked against the published maxima only
    assert _cards(cds, _request(pid, [order(lower)], prefetch)) == []


def test_anakinra_two_orders_same_day_cumulative_against_pardeo2015_both_sides(cds):
    """Two anakinra draft orders for the same day, each under the daily maximum (CNO-LADDER-ANAKINRA, PARDEO2015
    mg/kg/day with the label cap): their sum is checked against it; at the maximum no card, above it one card."""
    weight = 20.0
    half = _anakinra_limit(weight) / 2
    at = [_order("ana-c", "anakinra", half), _order("ana-c", "anakinra", half)]
    assert _cards(cds, _request("ana-c", at, _patient("ana-c", weight))) == []
    above = [_order("ana-c", "anakinra", half), _order("ana-c", "anakinra", half + 1)]
    cards = _cards(cds, _request("ana-c", above, _patient("ana-c", weight)))
    assert len(cards) == 1 and "2 orders add up to" in cards[0]["summary"] and not cards[0].get("suggestions")
    assert all(o["id"] in cards[0]["detail"] for o in above) and "PARDEO2015" in cards[0]["detail"]
    # different days: each day on its own
    for day, order in zip(("2030-01-01", "2030-01-02"), above):
        order["authoredOn"] = day
    assert _cards(cds, _request("ana-c", above, _patient("ana-c", weight))) == []


def test_pamidronate_orders_are_not_summed_a_per_dose_maximum_says_nothing_about_a_day(cds):
    from rarebone.knowledge.kinds.cno import CnoRegimen

    weight = 20.0
    regimens = [r for r in KB.of_kind(CnoRegimen) if r.agent == "pamidronate"]
    top = max(min(r.dose_mg_per_kg * weight, r.max_mg_per_dose or float("inf")) for r in regimens)
    two = [_order("pam-c", "pamidronate", top, per_day=None), _order("pam-c", "pamidronate", top, per_day=None)]
    assert _cards(cds, _request("pam-c", two, _patient("pam-c", weight))) == []
