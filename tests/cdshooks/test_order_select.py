"""order-select (CDS Hooks 2.0 hook page): the order-sign dose check on the newly selected orders only
(``context.selections``); the other draft orders are context and get no card. Amounts computed from the knowledge
entries (never typed here), both sides of the boundary."""

import pytest

from rarebone.cdshooks import models as M

from .test_order_sign import _anakinra_limit, _order, _patient, _request

OSEL = "rarebone-order-select"


def _select(pid: str, orders: list[dict], selected: list[dict], weight: float | None = 20.0) -> dict:
    body = _request(pid, orders, _patient(pid, weight))
    body["hook"] = "order-select"
    body["context"]["selections"] = [f"MedicationRequest/{o['id']}" for o in selected]
    return body


def _cards(cds, body) -> list[dict]:
    r = cds.call(OSEL, body)
    assert r.status_code == 200, r.text
    M.CdsResponse.model_validate(r.json())
    return r.json()["cards"]


def test_discovery_lists_order_select_with_the_order_sign_prefetch(cds):
    services = {s["id"]: s for s in cds.discovery().json()["services"]}
    assert services[OSEL]["hook"] == "order-select"
    assert services[OSEL]["prefetch"] == services["rarebone-order-sign"]["prefetch"]


def test_order_select_checks_the_selected_anakinra_against_pardeo2015_both_sides(cds):
    weight = 20.0
    limit = _anakinra_limit(weight)
    at = _order("sel-1", "anakinra", limit)
    assert _cards(cds, _select("sel-1", [at], [at], weight)) == []
    above = _order("sel-1", "anakinra", limit + 1)
    cards = _cards(cds, _select("sel-1", [above], [above], weight))
    assert len(cards) == 1 and cards[0]["indicator"] == "warning" and cards[0]["selectionBehavior"] == "at-most-one"
    assert cards[0]["suggestions"][0]["actions"][0]["resource"]["id"] == above["id"]


def test_order_select_leaves_unselected_draft_orders_alone(cds):
    weight = 20.0
    over = _order("sel-2", "anakinra", _anakinra_limit(weight) + 1)  # above the maximum, but not selected
    other = _order("sel-2", "paracetamol", 100)  # the newly selected order: no knowledge-base drug
    assert _cards(cds, _select("sel-2", [over, other], [other], weight)) == []
    assert len(_cards(cds, _select("sel-2", [over, other], [other, over], weight))) == 1
    # order-sign on the same Bundle checks every draft order
    sign = _request("sel-2", [over, other], _patient("sel-2", weight))
    assert len(cds.call("rarebone-order-sign", sign).json()["cards"]) == 1


def test_order_select_without_weight_says_the_dose_cannot_be_checked(cds):
    order = _order("sel-3", "anakinra", 10)
    cards = _cards(cds, _select("sel-3", [order], [order], weight=None))
    assert len(cards) == 1 and "no body weight" in cards[0]["summary"]


@pytest.mark.parametrize("change, message", [
    (lambda c: c.pop("selections"), "context.selections"),
    (lambda c: c.update(selections="MedicationRequest/x"), "context.selections"),
    (lambda c: c.update(draftOrders={"resourceType": "MedicationRequest"}), "draftOrders must be a FHIR Bundle"),
])
def test_order_select_context_is_validated_against_the_hook_page(cds, change, message):
    order = _order("sel-4", "anakinra", 10)
    body = _select("sel-4", [order], [order])
    change(body["context"])
    r = cds.call(OSEL, body)
    assert r.status_code == 400 and message in r.json()["error"]


def test_order_select_refuses_another_hook(cds):
    order = _order("sel-5", "anakinra", 10)
    body = _select("sel-5", [order], [order])
    body["hook"] = "order-sign"
    r = cds.call(OSEL, body)
    assert r.status_code == 400 and "order-select" in r.json()["error"]


def test_order_select_sums_the_selected_order_with_the_rest_of_the_basket_both_sides(cds):
    """An anakinra order selected beside one already in the basket for the same day: each under the daily maximum
    (CNO-LADDER-ANAKINRA, PARDEO2015 mg/kg/day with the label cap), together above it - one card, as order-sign would
    give at signing, now when the second is selected. At the maximum, no card."""
    weight = 20.0
    half = _anakinra_limit(weight) / 2
    basket = _order("sel-4", "anakinra", half)
    at = _order("sel-4", "anakinra", half)
    assert _cards(cds, _select("sel-4", [basket, at], [at], weight)) == []
    above = _order("sel-4", "anakinra", half + 1)
    cards = _cards(cds, _select("sel-4", [basket, above], [above], weight))
    assert len(cards) == 1 and "2 orders add up to" in cards[0]["summary"] and not cards[0].get("suggestions")
    assert f"{basket['id']}: " in cards[0]["detail"] and "already in the order basket" in cards[0]["detail"]
    assert f"{above['id']}: " in cards[0]["detail"]
    # order-sign on the same basket gives the same sum
    sign = _request("sel-4", [basket, above], _patient("sel-4", weight))
    assert [c["summary"] for c in cds.call("rarebone-order-sign", sign).json()["cards"]] == [cards[0]["summary"]]


def test_order_select_gives_no_card_for_a_sum_without_a_selected_order(cds):
    weight = 20.0
    half = _anakinra_limit(weight) / 2
    two = [_order("sel-5", "anakinra", half), _order("sel-5", "anakinra", half + 1)]  # together above, not selected
    other = _order("sel-5", "paracetamol", 100)
    assert _cards(cds, _select("sel-5", [*two, other], [other], weight)) == []
