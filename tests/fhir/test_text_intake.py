"""The FHIR intake reads text-only problems, Observation text and final radiology conclusions (ehr-text), marks
every finding so read with the quoted words, the phrase matched and the FHIR path, lists what it does not use,
and never lets the EHR's text drive a terminal or a web page."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from rarebone.intake.fhir import read_bundle_dict  # noqa: E402
from rarebone.workflows.assess import assess_patient  # noqa: E402
from tests.conftest import run_cli  # noqa: E402

VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _condition(rid: str, text: str, status: str = "confirmed", **extra) -> dict:
    return {"resourceType": "Condition", "id": rid, "subject": {"reference": "Patient/p1"}, "recordedDate": "2026-11-01",
            "code": {"text": text}, "verificationStatus": {"coding": [{"system": VER, "code": status}]}, **extra}


def _report(rid: str, conclusion: str, status: str = "final") -> dict:
    return {"resourceType": "DiagnosticReport", "id": rid, "status": status, "subject": {"reference": "Patient/p1"},
            "code": {"text": "Skeletal survey"}, "effectiveDateTime": "2026-11-20", "conclusion": conclusion}


def _observation(rid: str, code_text: str, value: str) -> dict:
    return {"resourceType": "Observation", "id": rid, "status": "final", "subject": {"reference": "Patient/p1"},
            "code": {"text": code_text}, "effectiveDateTime": "2026-11-20", "valueString": value}


def _bundle(*resources: dict) -> dict:
    patient = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "2026-06-01"}
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in (patient, *resources)]}


def _chart() -> dict:
    return _bundle(
        _condition("c1", "Generalised osteosclerosis"),                         # $.entry[1]
        _condition("c2", "Sandwich vertebrae", status="refuted"),              # $.entry[2]: recorded absent
        _condition("c3", "Possible hepatosplenomegaly"),                        # uncertain: not used
        _condition("c4", "Mother has osteopetrosis"),                           # a relative's: not used
        _condition("c5", "Bone marrow oedema", status="differential"),          # not asserted
        _condition("c6", "No anemia", status="refuted"),                         # double negation: not read
        _observation("o1", "Bone pain", "absent"),                              # $.entry[7]: absent
        _observation("o2", "Skeletal survey", "Erlenmeyer flask deformity"),    # $.entry[8]: the value is the finding
        _report("r1", "Sclerosis of the skull base. No hydrocephalus. ? osteomyelitis. Otherwise unremarkable."),
        _report("r2", "Periostosis of the femur.", status="preliminary"),       # not released: not read
        _condition("c7", "Reviewed in clinic"),                                 # no known phrase
        {**_condition("c8", "Thrombocytopenia"), "code": {"coding": [{"system": "http://local.example", "code": "X1"}],
                                                          "text": "Thrombocytopenia"}},  # local code + text
    )


def test_text_findings_are_read_with_their_status_and_source():
    result = read_bundle_dict(_chart())
    got = {(f.hpo_id, f.excluded): f for f in result.patient.features}
    assert set(got) == {("HP:0005789", False), ("HP:0004618", True), ("HP:0002653", True), ("HP:0004975", False),
                        ("HP:0002694", False), ("HP:0000238", True), ("HP:0001873", False)}
    osteosclerosis = got[("HP:0005789", False)]
    assert osteosclerosis.json_path == "$.entry[1].resource"
    assert ('(from text "Generalised osteosclerosis" at $.entry[1].resource.code.text: matched "Generalised '
            'osteosclerosis" = HPO hp/releases/2025-01-16 phrase "Generalized osteosclerosis"') in osteosclerosis.label
    assert "read as absent" in got[("HP:0004618", True)].label
    assert "$.entry[7].resource.code.text" in got[("HP:0002653", True)].label
    assert "$.entry[8].resource.valueString" in got[("HP:0004975", False)].label
    assert "UNVERIFIED" in got[("HP:0004975", False)].label  # the cited-but-unverified site choice shows
    assert "$.entry[9].resource.conclusion" in got[("HP:0002694", False)].label
    assert str(got[("HP:0002694", False)].onset.date) == "2026-11-20"  # the report's date


def test_what_is_not_used_is_listed():
    warnings = "\n".join(read_bundle_dict(_chart()).warnings)
    assert "HP:0001433 (Hepatosplenomegaly), uncertain (\"possible\")" in warnings
    assert "HP:0011002 (Osteopetrosis), about a relative (\"mother\")" in warnings
    assert "HP:6000917 (Bone marrow edema), uncertain" in warnings and "verificationStatus unconfirmed" in warnings
    assert "HP:0001903 (Anemia), uncertain" in warnings and "double negation" in warnings
    assert "HP:0002754 (Osteomyelitis), uncertain (\"?\")" in warnings
    assert 'not used: "Otherwise unremarkable"' in warnings
    assert "DiagnosticReport at $.entry[10].resource is preliminary" in warnings
    assert 'text-only code "Reviewed in clinic" not understood at $.entry[11].resource.code.text' in warnings
    assert "http://local.example|X1 not understood" in warnings  # the local code is still listed


def test_text_raises_the_suspicion_and_the_evidence_quotes_the_text():
    assessment = assess_patient(read_bundle_dict(_chart()).patient)
    op = assessment.suspicion["osteopetrosis"]
    assert op.level.value in ("moderate", "high")
    line = next(e for e in op.evidence_for if "HP:0005789" in (e.patient_fact or ""))
    assert 'from text "Generalised osteosclerosis"' in line.patient_fact


def test_an_uncertain_or_relative_mention_alone_raises_nothing():
    chart = _bundle(_condition("c1", "? generalized osteosclerosis"), _condition("c2", "Father has osteopetrosis"),
                    _report("r1", "Osteopetrosis cannot be excluded. Possible sandwich vertebrae."))
    result = read_bundle_dict(chart)
    assert result.patient.features == ()
    assert assess_patient(result.patient).suspicion["osteopetrosis"].level.value == "none"


HOSTILE = 'Generalized osteosclerosis <script>alert(1)</script> \x1b[2J\x1b]0;owned\x07 [bold red]x[/] "q"'


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_hostile_text_is_quoted_and_escaped_in_every_output(tmp_path, fmt):
    chart = _bundle(_condition("c1", HOSTILE), _condition("c2", "<img src=x onerror=alert(2)> \x1b[31m"),
                    _report("r1", "Dense bones. <script>alert(3)</script>\x1b[5m"))
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(chart), encoding="utf-8")
    done = run_cli("assess", str(path), "--format", fmt, "--output", str(tmp_path / f"out.{fmt}"))
    assert done.returncode == 0, done.stderr
    out = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8") + done.stdout + done.stderr
    assert "\x1b" not in out and "\x07" not in out
    assert "<script>" not in out and "<img" not in out
    assert "[bold red]" not in out  # shown escaped, never as console markup
    assert "osteosclerosis" in out.lower()  # the finding itself is read and shown


def test_a_text_only_condition_keeps_its_body_site_laterality():
    # the CNO room counts a bilateral clavicle as two sites; before, a text-only Condition lost its bodySite
    # (cno-jeejeshkumar2018-p1 CNO high -> moderate on the FHIR path). 51440002 Bilateral: hp.obo xref of HP:0012832.
    site = {"coding": [{"system": "http://snomed.info/sct", "code": "51440002"}]}
    result = read_bundle_dict(_bundle(_condition("c1", "Abnormal clavicle morphology", bodySite=[site])))
    (feature,) = result.patient.features
    assert feature.hpo_id == "HP:0000889" and feature.modifiers == ("HP:0012832",)


@pytest.mark.parametrize("validation", ["full", "light"])
def test_a_conclusion_that_is_not_a_string_is_refused_with_its_path(validation):
    # the CDS Hooks light check (intake/fhir/light.py) now covers the text fields the reader reads
    from rarebone.errors import InputError

    report = {**_report("r1", "x"), "conclusion": {"div": "<b>dense bones</b>"}}
    with pytest.raises(InputError) as err:
        read_bundle_dict(_bundle(report), validation=validation)
    assert err.value.path.startswith("$.entry[1].resource.conclusion")


def test_a_relative_s_text_problem_is_listed_never_read():
    family = {"resourceType": "FamilyMemberHistory", "id": "f1", "status": "completed", "patient": {"reference": "Patient/p1"},
              "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "MTH",
                                           "display": "mother"}]},
              "condition": [{"code": {"text": "Generalized osteosclerosis"}}]}
    result = read_bundle_dict(_bundle(family))
    assert result.patient.features == ()
    assert any('family history (mother) text "Generalized osteosclerosis"' in w and "not read" in w for w in result.warnings)
