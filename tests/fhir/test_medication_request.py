"""MedicationRequest read by the FHIR intake itself (docs/ehr-integration.md, "What is read from which resource").

EHR exports (Synthea, US Core, Epic) carry a child's medicines as orders only. ``rarebone assess`` listed every
MedicationRequest as "not read", so such a record had no CNO treatment history; the CDS Hooks path turned orders
into MedicationStatements first (cdshooks/record.py), so the command line and the service read one record
differently. Now the intake reads the order: status and intent decide whether it is treatment history, authoredOn is
the start, dosageInstruction[0] the dosage, statusReason (one CodeableConcept) why it was stopped; errors and
warnings name the order's own elements. Both validation settings read it alike.

Also here: a medicine with dates and no dose keeps its dates (they were kept only inside a dose's interval).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from rarebone.cdshooks.record import build_bundle  # noqa: E402
from rarebone.errors import InputError  # noqa: E402
from rarebone.intake.fhir import read_bundle_dict  # noqa: E402
from tests.conftest import run_cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CNO = ROOT / "examples" / "fhir" / "cno-clavicle-tibia-bundle.json"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
MODES = ["light", "full"]


def _bundle(*resources: dict) -> dict:
    patient = {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "2015-01-01"}
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in (patient, *resources)]}


def _order(**fields) -> dict:
    order = {"resourceType": "MedicationRequest", "id": "o", "status": "stopped", "intent": "order",
             "subject": {"reference": "Patient/p"}, "authoredOn": "2020-03-01",
             "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "7258", "display": "naproxen"}]},
             "dosageInstruction": [{"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                                    "doseAndRate": [{"doseQuantity": {"value": 250, "unit": "mg", "code": "mg",
                                                                      "system": "http://unitsofmeasure.org"}}]}],
             "statusReason": {"text": "no response"}}
    order.update(fields)
    return {k: v for k, v in order.items() if v is not None}


def _read_alike(bundle: dict):
    """Read by both settings, which must agree; the light reading is returned."""
    light = read_bundle_dict(copy.deepcopy(bundle), validation="light")
    full = read_bundle_dict(copy.deepcopy(bundle), validation="full")
    assert light.patient == full.patient
    assert light.warnings == full.warnings
    return light


def _orders_only_cno_bundle() -> dict:
    """The CNO example child with her naproxen (stopped for "no response") sent as an order, as an EHR export has
    it, instead of a MedicationStatement."""
    document = json.loads(CNO.read_text())
    for entry in document["entry"]:
        s = entry["resource"]
        if s["resourceType"] == "MedicationStatement":
            entry["resource"] = {"resourceType": "MedicationRequest", "id": s["id"], "status": "stopped",
                                 "intent": "order", "subject": s["subject"], "statusReason": s["statusReason"][0],
                                 "medicationCodeableConcept": s["medicationCodeableConcept"],
                                 "authoredOn": s["effectivePeriod"]["start"], "dosageInstruction": s["dosage"]}
    return document


# --- the command line ------------------------------------------------------------------------------------------

def test_an_orders_only_bundle_puts_the_treatment_on_the_cno_ladder(tmp_path):
    orders = tmp_path / "orders.json"
    orders.write_text(json.dumps(_orders_only_cno_bundle()))
    args = ("--ladder-only", "--as-of", "2026-06-01")
    r = run_cli("cno", "plan", str(orders), *args)
    assert r.returncode == 0, r.stderr
    # the order is on the ladder, dated by authoredOn, with its dose, frequency and reason (before: no treatment,
    # "no CNO treatment recorded: start at step 1")
    assert ("treated: naproxen [NSAID] 2026-03-05 to end not recorded, 250 mg twice daily; response: no response"
            in r.stdout)
    assert "current step 1 (NSAID); response recorded as failure: no response" in r.stdout
    # an order has no end date: stopped on a day the record does not give, so the NSAID trial cannot be measured
    # (it is not measured to the plan date as if the naproxen were still given)
    assert "naproxen stopped (no response) on a day the record does not give" in r.stdout
    # ... exactly as the same medicine sent as a MedicationStatement without its end date
    document = json.loads(CNO.read_text())
    for entry in document["entry"]:
        if entry["resource"]["resourceType"] == "MedicationStatement":
            entry["resource"]["effectivePeriod"].pop("end")
    no_end = tmp_path / "statement-without-end.json"
    no_end.write_text(json.dumps(document))
    statement = run_cli("cno", "plan", str(no_end), *args)
    ladder = lambda out: [line for line in out.splitlines() if not line.startswith(("CNO treatment plan", "Sources"))]  # noqa: E731
    assert ladder(r.stdout) == ladder(statement.stdout)
    assessed = run_cli("assess", str(orders), "--format", "json")
    assert assessed.returncode == 0, assessed.stderr
    warnings = json.loads(assessed.stdout)["warnings"]
    assert not any("not read by rarebone" in w for w in warnings), warnings


def test_the_cds_path_reads_an_order_as_the_command_line_does():
    # record.py passes the order through (no MedicationStatement made of it): the Bundle the service reads holds the
    # order itself, and gives the same treatment as the Bundle file
    order = _order()
    bundle, _ = build_bundle({"patient": _bundle()["entry"][0]["resource"],
                              "medications": {"resourceType": "Bundle", "type": "searchset",
                                              "entry": [{"resource": copy.deepcopy(order)}]}}, "patient", None)
    assert bundle["entry"][1]["resource"] == order
    assert _read_alike(bundle).patient.treatments == _read_alike(_bundle(order)).patient.treatments


# --- what is read ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("validation", MODES)
def test_an_order_is_read_with_its_start_dose_frequency_route_and_reason(validation):
    order = _order()
    order["dosageInstruction"][0]["route"] = {"coding": [{"system": "http://snomed.info/sct", "code": "26643006",
                                                          "display": "Oral route"}]}
    result = read_bundle_dict(_bundle(order), validation=validation)
    (t,) = result.patient.treatments
    (dose,) = t.doses
    assert (t.agent_id, t.agent_label, t.route) == ("RxNorm:7258", "naproxen", "Oral route")
    assert (dose.value, dose.unit, dose.frequency) == (250.0, "UCUM:mg", "2 per 1 d")
    assert dose.start.date == dt.date(2020, 3, 1) and dose.end is None  # the order date: an order has no end
    assert t.termination_reason == "no response"  # one CodeableConcept on an order, not an array
    assert t.json_path == "$.entry[1].resource"


@pytest.mark.parametrize("status", ["active", "completed", "stopped", "on-hold", "unknown"])
def test_each_status_of_an_order_that_was_given_is_read(status):
    assert len(_read_alike(_bundle(_order(status=status))).patient.treatments) == 1


@pytest.mark.parametrize("intent", ["order", "plan", "original-order", "instance-order"])
def test_orders_and_us_core_patient_reported_plans_are_read(intent):
    # US Core records a self-prescribed or patient-reported medicine (an NSAID bought over the counter) as an
    # active MedicationRequest with intent plan and reported true
    assert len(_read_alike(_bundle(_order(status="active", intent=intent, reportedBoolean=True))).patient.treatments) == 1


@pytest.mark.parametrize("field,value,said", [
    ("status", "draft", "status is draft"), ("status", "cancelled", "status is cancelled"),
    ("status", "entered-in-error", "status is entered-in-error"),
    # a status outside the value set (the full check accepts any code string) is not quoted
    ("status", "Mrs Example's naproxen", "status is not a MedicationRequest status"),
    ("intent", "proposal", "intent is proposal, not an order"), ("intent", "option", "intent is option, not an order"),
])
def test_an_order_that_was_not_given_is_not_treatment_history(field, value, said):
    result = _read_alike(_bundle(_order(**{field: value}), _order(id="o2", status="completed")))
    assert [t.json_path for t in result.patient.treatments] == ["$.entry[2].resource"]
    (warning,) = [w for w in result.warnings if "MedicationRequest" in w]
    assert warning == f"FHIR: MedicationRequest at $.entry[1].resource.{said}: not treatment history; not used"
    assert "Mrs Example" not in " ".join(result.warnings) and "naproxen" not in warning


def test_rarebones_own_plan_never_becomes_treatment_history():
    # `plan --format fhir` writes each planned administration as a draft proposal MedicationRequest
    from rarebone.knowledge import load
    from rarebone.intake.phenopacket import read_phenopacket
    from rarebone.report.fhir_out import plan_bundle
    from rarebone.workflows.plan import make_plan

    child = read_phenopacket(ROOT / "examples/transplant/tcirg1-infant-plan.json").patient
    plan = plan_bundle(make_plan(load(), child, protocol_key="beijing-haplo", day0=dt.date(2027, 1, 1)))
    requests = [e["resource"] for e in plan["entry"] if e["resource"]["resourceType"] == "MedicationRequest"]
    assert requests
    result = _read_alike(_bundle(*[dict(r, subject={"reference": "Patient/p"}) for r in requests]))
    assert result.patient.treatments == ()
    assert sum("status is draft: not treatment history" in w for w in result.warnings) == len(requests)


@pytest.mark.parametrize("validation", MODES)
def test_a_bad_order_date_is_refused_naming_authored_on(validation):
    # the light check accepts any YYYY-MM-DD shape; the date is refused when read, naming the order's element
    with pytest.raises(InputError) as err:
        read_bundle_dict(_bundle(_order(authoredOn="2020-02-30")), validation=validation)
    assert err.value.path == "$.entry[1].resource.authoredOn"


def test_an_order_date_without_the_day_is_named_and_the_order_read_without_it():
    result = _read_alike(_bundle(_order(authoredOn="2020-03")))
    (t,) = result.patient.treatments
    assert t.doses[0].start is None
    assert any(w.startswith("FHIR: $.entry[1].resource.authoredOn is '2020-03', without the day") for w in result.warnings)


def test_a_dose_without_a_unit_names_the_orders_dosage_instruction():
    order = _order()
    order["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = {"value": 1}
    result = _read_alike(_bundle(order))
    assert result.patient.treatments[0].doses[0].value is None
    assert ("FHIR: dose at $.entry[1].resource.dosageInstruction[0].doseAndRate[0].doseQuantity has no unit: the "
            "amount is not read (a dose unit is never guessed)") in result.warnings


def test_a_dose_code_that_is_not_a_string_is_refused_naming_the_orders_dose():
    order = _order()
    order["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = {"value": 1, "code": 7}
    for validation in MODES:
        with pytest.raises(InputError) as err:
            read_bundle_dict(_bundle(copy.deepcopy(order)), validation=validation)
        assert err.value.path == "$.entry[1].resource.dosageInstruction[0].doseAndRate[0].doseQuantity.code"


def test_a_status_reason_array_on_an_order_is_refused_by_both_settings():
    # statusReason is ONE CodeableConcept on MedicationRequest (an array on MedicationStatement, FHIR R4)
    for validation in MODES:
        with pytest.raises(InputError) as err:
            read_bundle_dict(_bundle(_order(statusReason=[{"text": "no response"}])), validation=validation)
        assert err.value.path.startswith("$.entry[1].resource.statusReason"), validation


@pytest.mark.parametrize("how", ["contained", "fullUrl", "Medication/id"])
def test_an_orders_medication_reference_is_followed(how):
    medication = {"resourceType": "Medication", "id": "med",
                  "code": {"coding": [{"system": RXNORM, "code": "7258", "display": "naproxen"}]}}
    order = _order(medicationCodeableConcept=None)
    extra = []
    if how == "contained":
        order.update(contained=[medication], medicationReference={"reference": "#med"})
    elif how == "fullUrl":
        order["medicationReference"] = {"reference": "urn:uuid:7f1c0b2e-0000-4000-8000-000000000002"}
        extra = [{"fullUrl": "urn:uuid:7f1c0b2e-0000-4000-8000-000000000002", "resource": medication}]
    else:
        order["medicationReference"] = {"reference": "Medication/med"}
        extra = [{"resource": medication}]
    bundle = _bundle(order)
    bundle["entry"] += extra
    result = _read_alike(bundle)
    assert [t.agent_label for t in result.patient.treatments] == ["naproxen"]


# --- a medicine with dates and no dose -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["MedicationStatement", "MedicationRequest"])
def test_a_medicine_without_a_dose_keeps_its_dates_and_frequency(kind):
    # Synthea sends most orders with dosageInstruction [{"asNeededBoolean": true}] and no dose: the start (and end,
    # frequency) were kept only inside a dose's interval and lost; no dose is invented for them
    timing = {"timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}}}
    if kind == "MedicationRequest":
        medicine = _order(dosageInstruction=[timing])
    else:
        medicine = {"resourceType": "MedicationStatement", "id": "m", "status": "completed",
                    "subject": {"reference": "Patient/p"}, "effectivePeriod": {"start": "2020-03-01", "end": "2020-04-15"},
                    "medicationCodeableConcept": {"text": "naproxen"}, "dosage": [timing]}
    (dose,) = _read_alike(_bundle(medicine)).patient.treatments[0].doses
    assert (dose.value, dose.unit, dose.frequency) == (None, None, "3 per 1 d")
    assert dose.start.date == dt.date(2020, 3, 1)
    assert (dose.end.date if dose.end else None) == (dt.date(2020, 4, 15) if kind == "MedicationStatement" else None)


@pytest.mark.parametrize("days, offered", [(27, False), (28, True)])
def test_an_nsaid_without_a_dose_is_dated_on_the_ladder_against_ZHAO2018_four_weeks(days, offered):
    # CARRA entry (ZHAO2018, Table 1): active disease after >= 4 weeks of NSAID opens the second line. A failed
    # naproxen recorded with its dates and no dose could not be measured ("start date is not recorded").
    from rarebone.cno.ladder import ladder_position
    from rarebone.knowledge import load

    start = dt.date(2026, 1, 1)
    statement = {"resourceType": "MedicationStatement", "id": "m", "status": "stopped",
                 "subject": {"reference": "Patient/p"}, "statusReason": [{"text": "no response"}],
                 "effectivePeriod": {"start": start.isoformat(), "end": (start + dt.timedelta(days=days)).isoformat()},
                 "medicationCodeableConcept": {"text": "naproxen"}}
    kb = load()
    position = ladder_position(_read_alike(_bundle(statement)).patient, kb, None, False, as_of=dt.date(2026, 6, 1))
    assert position.second_line_open is offered
    assert position.treatments[0].dose is None  # no dose shown or invented
    assert position.treatments[0].start == start


def test_a_phenopacket_dose_interval_without_a_quantity_is_read_as_the_fhir_one():
    # the FHIR medicine without a dose becomes this Phenopacket shape; the Phenopacket reader and the ladder
    # already read it (value None, dates kept): the two formats give the same treatment
    from rarebone.intake.phenopacket import read_phenopacket_dict

    packet = json.loads((ROOT / "examples/cno/cno-clavicle-tibia.json").read_text())
    packet["medicalActions"] = [{"treatment": {"agent": {"id": "text:naproxen", "label": "naproxen"},
                                               "doseIntervals": [{"scheduleFrequency": {"id": "text", "label": "3 per 1 d"},
                                                                  "interval": {"start": "2020-03-01T00:00:00Z"}}]}}]
    (t,) = read_phenopacket_dict(packet).patient.treatments
    order = _order(medicationCodeableConcept={"text": "naproxen"}, statusReason=None,
                   dosageInstruction=[{"timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}}}])
    assert t.doses == _read_alike(_bundle(order)).patient.treatments[0].doses


# --- the status of a MedicationStatement or MedicationAdministration ------------------------------------------

def _statement(kind: str = "MedicationStatement", **fields) -> dict:
    medicine = {"resourceType": kind, "id": "m", "status": "active", "subject": {"reference": "Patient/p"},
                "effectivePeriod": {"start": "2020-03-01"}, "medicationCodeableConcept": {"text": "naproxen"}}
    medicine.update(fields)
    return {k: v for k, v in medicine.items() if v is not None}


@pytest.mark.parametrize("kind,status", [
    ("MedicationStatement", "not-taken"), ("MedicationStatement", "entered-in-error"),
    ("MedicationStatement", "intended"), ("MedicationAdministration", "not-done"),
    ("MedicationAdministration", "entered-in-error")])
def test_a_medicine_that_was_not_taken_is_not_treatment_history(kind, status):
    # R4 medication-statement-status / medication-admin-status: a "not-taken" naproxen read as given counted as an
    # NSAID tried on the CNO ladder
    result = _read_alike(_bundle(_statement(kind, status=status), _statement(kind, id="m2", status="completed")))
    assert [t.json_path for t in result.patient.treatments] == ["$.entry[2].resource"]
    assert f"FHIR: {kind} at $.entry[1].resource.status is {status}: not treatment history; not used" in result.warnings


@pytest.mark.parametrize("kind,status", [
    ("MedicationStatement", "active"), ("MedicationStatement", "on-hold"), ("MedicationStatement", "unknown"),
    ("MedicationAdministration", "in-progress"), ("MedicationAdministration", "stopped")])
def test_each_status_of_a_medicine_that_was_taken_is_read(kind, status):
    assert len(_read_alike(_bundle(_statement(kind, status=status))).patient.treatments) == 1


@pytest.mark.parametrize("status", ["stopped", "completed"])
def test_a_medicine_ended_without_a_reason_is_not_taken_for_one_still_given(status):
    """A stopped or completed naproxen with only a start: the ladder once showed it "to ongoing" and asked to
    "assess the response" of a medicine no longer given. Now it says the status, and the end date is not recorded."""
    from rarebone.cno.ladder import ladder_position
    from rarebone.knowledge import load

    result = _read_alike(_bundle(_statement(status=status)))
    (treatment,) = result.patient.treatments
    assert treatment.termination_reason == f"{status} (no reason recorded)"
    position = ladder_position(result.patient, load(), None, False, as_of=dt.date(2026, 6, 1))
    seen = position.treatments[0]
    assert seen.stopped and not seen.failed and seen.end is None
    assert not any("is ongoing with no response recorded" in r for r in position.reasons)
    assert not position.second_line_open


def test_a_medicine_ending_before_it_starts_names_the_fhir_elements_and_keeps_its_start(tmp_path):
    # `cno plan` refused it naming "$.entry[1].resource.treatment.doseIntervals[0].interval.end", a Phenopacket path
    # under a FHIR resource that the clinician cannot find in the record
    statement = _statement(status="stopped", statusReason=[{"text": "no response"}],
                           effectivePeriod={"start": "2020-03-01", "end": "2020-02-01"})
    result = _read_alike(_bundle(statement))
    assert ("FHIR: $.entry[1].resource.effectivePeriod.end (2020-02-01) is before $.entry[1].resource.effectivePeriod"
            ".start (2020-03-01): the end date is not read") in result.warnings
    (dose,) = result.patient.treatments[0].doses
    assert dose.start.date == dt.date(2020, 3, 1) and dose.end is None
    path = tmp_path / "reversed.json"
    path.write_text(json.dumps(_bundle(statement)))
    r = run_cli("cno", "plan", str(path), "--ladder-only", "--as-of", "2026-06-01")
    assert r.returncode == 0, r.stderr
    assert "naproxen [NSAID] 2020-03-01 to end not recorded" in r.stdout
