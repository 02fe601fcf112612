"""The SYNTHETIC demo registry of `make run` (registry/demo.py): every patient has a birth date consistent with
the ages recorded at each encounter, and the workbench states an age — on the patient page and in the
assessment (the registry's Phenopacket now carries the age at last contact as timeAtLastEncounter)."""

from __future__ import annotations

import datetime as dt
import re

from tests.web.conftest import sign_in

DEMO = 12


def demo_records():
    from rarebone.registry import demo

    return list(demo.generate(DEMO, 1))


def test_demo_birth_dates_agree_with_the_ages_at_each_encounter():
    for r in demo_records():
        p = r["patient"]
        birth = p["birth_date"]
        assert isinstance(birth, dt.date), p["patient_key"]
        for t in r.get("transplants", []):
            assert abs((t["transplant_date"] - birth).days - t["age_at_transplant_days"]) <= 1
        for v in r.get("cno_visits", []):
            assert abs((v["visit_date"] - birth).days - v["age_days"]) <= 1
        for m in r.get("measurements", []):
            if m.get("measured_on") and m.get("age_days") is not None:
                assert abs((m["measured_on"] - birth).days - m["age_days"]) <= 1
        assert p["last_contact_date"] >= birth


def test_registry_phenopacket_states_the_age_at_last_contact():
    from rarebone.registry.phenopacket_out import age_at_last_contact, to_phenopacket

    p = {"patient_key": "K", "birth_date": dt.date(2020, 1, 1), "last_contact_date": dt.date(2021, 1, 1)}
    doc, _ = to_phenopacket({"patient": p})
    assert doc["subject"]["timeAtLastEncounter"] == {"age": {"iso8601duration": "P366D"}}
    assert age_at_last_contact({"birth_date": "2020-01-01", "death_date": "2020-01-31"}) == 30
    assert age_at_last_contact({"birth_date": "2020-01-01"}) is None
    assert age_at_last_contact({"birth_date": "2020-02-01", "last_contact_date": "2020-01-01"}) is None  # disorder
    assert "timeAtLastEncounter" not in to_phenopacket({"patient": {"patient_key": "K"}})[0]["subject"]


def test_demo_patient_pages_show_an_age_and_the_assessment_knows_it(client):
    from rarebone.core.time import format_age
    from rarebone.registry.store import import_records

    records = demo_records()
    import_records(client.app.state.workbench.engine, [("demo", r) for r in records], batch_size=100)
    sign_in(client, "clinician")
    for r in records[:6]:
        p = r["patient"]
        key = p["patient_key"]
        page = client.get(f"/patients/{key}").text
        age = re.search(r'<p id="age">Age: ([^<]*)</p>', page).group(1)
        expected = format_age((p["last_contact_date"] - p["birth_date"]).days)
        assert age.startswith(f"{expected} at last contact ({p['last_contact_date']})"), (key, age)
        assert ("today" in age) == (p["vital_status"] != "dead")
        assessment = client.get(f"/patients/{key}/assessment").text
        assert "age unknown" not in assessment and f", {expected} ·" in assessment


def test_patient_page_says_the_age_is_unknown_without_a_birth_date(client):
    from tests.web.clinical_seed import seed

    seed(client.app, {"patient": {"patient_key": "NO-DOB", "synthetic": True, "sex": "male"}})
    sign_in(client, "clinician")
    assert '<p id="age">Age: unknown (no birth date recorded)</p>' in client.get("/patients/NO-DOB").text
