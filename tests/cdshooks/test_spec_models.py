"""The pydantic models against the CDS Hooks 2.0.1 specification's own examples (spec-examples/SOURCES.md) and
against the rules the specification states in words (each test names the rule)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from rarebone.cdshooks import models as M

SPEC = Path(__file__).parent / "spec-examples"


def ex(name: str) -> dict:
    return json.loads((SPEC / f"{name}.json").read_text())


@pytest.mark.parametrize("name,model", [
    ("discovery-response", M.DiscoveryResponse), ("discovery-extension", M.DiscoveryResponse),
    ("request-patient-view", M.HookRequest), ("request-extension", M.HookRequest),
    ("response-empty", M.CdsResponse), ("response-cards", M.CdsResponse),
    ("response-system-actions", M.CdsResponse),
    ("feedback-accepted", M.FeedbackRequest), ("feedback-overridden", M.FeedbackRequest),
    ("feedback-override-reason", M.FeedbackRequest),
    ("action-create", M.Action), ("action-update", M.Action), ("action-delete", M.Action),
])
def test_spec_example_validates_against_the_models(name, model):
    model.model_validate(ex(name))


def test_spec_autolaunchable_example_lacks_the_required_indicator():
    """The 2.0.1 autolaunchable example omits ``indicator``, which the Card table marks REQUIRED: an erratum in
    the example, not in the models. Everything else in it validates once an indicator is given."""
    body = ex("response-autolaunchable")
    with pytest.raises(ValidationError, match="indicator"):
        M.CdsResponse.model_validate(body)
    body["cards"][0]["indicator"] = "info"
    M.CdsResponse.model_validate(body)


def test_spec_source_fhir_authorization_and_override_reasons():
    M.Source.model_validate(ex("card-source")["source"])
    M.FhirAuthorization.model_validate(ex("fhir-authorization")["fhirAuthorization"])
    for coding in ex("override-reasons")["overrideReasons"]:
        M.Coding.model_validate(coding)


@pytest.mark.parametrize("name", ["patient-view-context-1", "patient-view-context-2"])
def test_spec_patient_view_contexts(name):
    M.PatientViewContext.model_validate(ex(name)["context"])


def test_spec_order_sign_r4_context_has_a_draft_orders_bundle():
    ctx = M.OrderSignContext.model_validate(ex("order-sign-context-1")["context"])
    kinds = [e["resource"]["resourceType"] for e in ctx.draftOrders["entry"]]
    assert "MedicationRequest" in kinds


def test_spec_request_example_prefetch_is_a_resource():
    req = M.HookRequest.model_validate(ex("request-patient-view"))
    assert req.prefetch["patientToGreet"]["resourceType"] == "Patient"
    assert req.fhirAuthorization.token_type == "Bearer"


def test_summary_limit_against_spec_under_140_characters():
    card = {"summary": "x" * 139, "indicator": "info", "source": {"label": "s"}}
    M.Card.model_validate(card)
    with pytest.raises(ValidationError):
        M.Card.model_validate(dict(card, summary="x" * 140))


def test_indicator_values_against_spec_no_hard_stop():
    with pytest.raises(ValidationError):  # 1.0 renamed hard-stop to critical
        M.Card.model_validate({"summary": "s", "indicator": "hard-stop", "source": {"label": "s"}})


def test_suggestions_need_selection_behavior_against_spec_resp6():
    card = {"summary": "s", "indicator": "info", "source": {"label": "s"}, "suggestions": [{"label": "do"}]}
    with pytest.raises(ValidationError, match="resp-6"):
        M.Card.model_validate(card)
    M.Card.model_validate(dict(card, selectionBehavior="any"))


def test_override_reason_needs_display_against_spec_resp4():
    card = {"summary": "s", "indicator": "info", "source": {"label": "s"},
            "overrideReasons": [{"code": "c", "system": "urn:x"}]}
    with pytest.raises(ValidationError, match="resp-4"):
        M.Card.model_validate(card)


def test_app_context_only_on_smart_links_against_spec_resp3():
    with pytest.raises(ValidationError, match="resp-3"):
        M.Link.model_validate({"label": "l", "url": "https://x", "type": "absolute", "appContext": "{}"})
    M.Link.model_validate({"label": "l", "url": "https://x", "type": "smart", "appContext": "{}"})


def test_delete_action_needs_resource_id_against_spec_resp2():
    with pytest.raises(ValidationError, match="resp-2"):
        M.Action.model_validate({"type": "delete", "description": "remove"})
    with pytest.raises(ValidationError, match="resp-2"):
        M.Action.model_validate({"type": "create", "description": "make"})


def test_fhir_authorization_needs_fhir_server_against_spec_r1():
    body = ex("request-patient-view")
    del body["fhirServer"]
    with pytest.raises(ValidationError, match="r-1"):
        M.HookRequest.model_validate(body)


def test_feedback_rules_against_spec_fb1_fb2_fb3():
    base = {"card": "c", "outcomeTimestamp": "2021-12-11T10:05:31Z"}
    with pytest.raises(ValidationError):
        M.Feedback.model_validate(dict(base, outcome="ignored"))  # fb-1: ignored cards are never reported
    with pytest.raises(ValidationError, match="fb-2"):
        M.Feedback.model_validate(dict(base, outcome="accepted"))
    with pytest.raises(ValidationError, match="fb-3"):
        M.Feedback.model_validate(dict(base, outcome="overridden", overrideReason={}))
    with pytest.raises(ValidationError):  # outcomeTimestamp: RFC 3339 date-time
        M.Feedback.model_validate(dict(base, outcome="overridden", outcomeTimestamp="11 Dec 2021"))


def test_token_type_fixed_bearer_against_spec():
    auth = ex("fhir-authorization")["fhirAuthorization"]
    with pytest.raises(ValidationError):
        M.FhirAuthorization.model_validate(dict(auth, token_type="MAC"))
