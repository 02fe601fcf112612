"""Settings from TOML/environment, the python -m entry's one-line errors, and the assessment cache."""

import subprocess
import sys
import uuid

import pytest

from rarebone.cdshooks.settings import load_settings
from rarebone.errors import InputError

from .conftest import ROOT, bundle_resources, patient_view_request

TCIRG1 = ROOT / "examples" / "fhir" / "tcirg1-infant-bundle.json"


def test_settings_from_toml_with_environment_overrides(tmp_path):
    toml = tmp_path / "cds.toml"
    toml.write_text('[cds]\nbase_url = "https://cds.example/"\nworkbench_url = "https://wb.example"\n'
                    '[[cds.issuers]]\niss = "https://ehr.example"\njwks_url = "https://ehr.example/jwks"\n')
    s = load_settings(toml, {"RAREBONE_CDS_REGISTRY_DB": "sqlite:///x.sqlite"})
    assert s.base_url == "https://cds.example" and s.audience("/cds-services") == "https://cds.example/cds-services"
    assert s.issuer("https://ehr.example").jwks_url == "https://ehr.example/jwks" and s.registry_db == "sqlite:///x.sqlite"
    s = load_settings(None, {"RAREBONE_CDS_BASE_URL": "https://c", "RAREBONE_CDS_ISSUERS": "https://a=https://a/j"})
    assert [i.iss for i in s.issuers] == ["https://a"]


def test_settings_refuse_symmetric_algorithms_and_missing_base_url(tmp_path):
    toml = tmp_path / "cds.toml"
    toml.write_text('[cds]\nbase_url = "https://cds.example"\nalgorithms = ["HS256"]\n')
    with pytest.raises(InputError, match="asymmetric"):
        load_settings(toml, {})
    with pytest.raises(InputError, match="base_url"):
        load_settings(None, {})


def test_module_entry_bad_config_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "cds.toml"
    bad.write_text("[cds\n")
    r = subprocess.run([sys.executable, "-m", "rarebone.cdshooks", "--config", str(bad)], capture_output=True,
                       text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "rarebone.cdshooks"], capture_output=True, text=True,
                       env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 2 and "no trusted issuer" in r.stderr


def test_same_chart_again_reuses_the_assessment_with_fresh_card_uuids(cds):
    service = cds.app.state.cds
    body = patient_view_request(bundle_resources(TCIRG1))
    body["context"]["patientId"] = "cache-" + uuid.uuid4().hex
    size = len(service.assessments.items)
    first = cds.call("rarebone-patient-view", body).json()["cards"]
    assert len(service.assessments.items) == size  # seen once: not kept (most charts are opened once)
    second = cds.call("rarebone-patient-view", dict(body, hookInstance=str(uuid.uuid4()))).json()["cards"]
    assert len(service.assessments.items) == size + 1  # seen again: kept
    third = cds.call("rarebone-patient-view", dict(body, hookInstance=str(uuid.uuid4()))).json()["cards"]
    assert len(service.assessments.items) == size + 1  # answered from the cache
    assert [c["summary"] for c in first] == [c["summary"] for c in second] == [c["summary"] for c in third]
    assert not {c["uuid"] for c in first} & {c["uuid"] for c in second}
    assert not {c["uuid"] for c in second} & {c["uuid"] for c in third}


def test_changed_or_incomplete_prefetch_is_not_served_from_the_cache(cds):
    service = cds.app.state.cds
    body = patient_view_request(bundle_resources(TCIRG1))
    body["context"]["patientId"] = "cache-" + uuid.uuid4().hex
    cds.call("rarebone-patient-view", body)
    cds.call("rarebone-patient-view", body)
    size = len(service.assessments.items)
    body["prefetch"]["conditions"] = {"resourceType": "Bundle", "type": "searchset", "entry": []}
    cards = cds.call("rarebone-patient-view", body).json()["cards"]
    cards = cds.call("rarebone-patient-view", body).json()["cards"]
    assert len(service.assessments.items) == size + 1  # new data, new assessment
    assert cards != []
    del body["prefetch"]["medications"]
    body["fhirServer"] = cds.ehr.url + "/fhir"
    cds.call("rarebone-patient-view", body)
    cds.call("rarebone-patient-view", body)
    assert len(service.assessments.items) == size + 1  # fetched data is never cached


def test_the_cache_keeps_a_chart_from_its_second_sight_and_remembers_a_bounded_number_of_first_sights():
    from rarebone.cdshooks.service import _Lru

    lru = _Lru(2)
    lru.put("a", 1)
    assert lru.get("a") is None and list(lru.seen_once) == ["a"]
    lru.put("a", 1)
    assert lru.get("a") == 1 and list(lru.seen_once) == []
    for key in "bcdefghijk":  # ten first sights; four times the size are remembered
        lru.put(key, 0)
    assert list(lru.seen_once) == list("defghijk")
    lru.put("b", 2)  # forgotten first sight: a first sight again
    assert lru.get("b") is None
    lru.put("k", 3), lru.put("j", 4)
    assert list(lru.items) == ["k", "j"]  # "a" evicted: the LRU holds two
    assert all(isinstance(k, str) for k in lru.seen_once)
    off = _Lru(0)
    off.put("a", 1), off.put("a", 1)
    assert off.get("a") is None and not off.seen_once
