"""`rarebone screen --export-concept-sets DIR`: the concept sets as OHDSI Circe concept-set expressions, resolved
in the CDM's own vocabulary (the ids of the hand-built test vocabulary, never rarebone's), checked by schema shape."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import scenarios
from cdm_builder import to_duckdb

pytest.importorskip("ibis")

CONCEPT_KEYS = {"CONCEPT_ID": int, "CONCEPT_NAME": str, "STANDARD_CONCEPT": str, "STANDARD_CONCEPT_CAPTION": str,
                "INVALID_REASON": str, "INVALID_REASON_CAPTION": str, "CONCEPT_CODE": str, "DOMAIN_ID": str,
                "VOCABULARY_ID": str, "CONCEPT_CLASS_ID": str}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    cdm, _ = scenarios.build()
    folder = tmp_path_factory.mktemp("circe")
    url = to_duckdb(cdm.frames(), folder / "cdm.duckdb")
    out = folder / "sets"
    r = subprocess.run([sys.executable, "-m", "rarebone", "screen", "--cdm", url, "--export-concept-sets", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "Decision support only" in r.stdout
    return cdm, out


def test_every_file_is_a_circe_concept_set_expression(exported):
    _, out = exported
    files = sorted(p for p in out.glob("*.json") if p.name != "index.json")
    assert len(files) > 30
    for path in files:
        doc = json.loads(path.read_text())
        assert set(doc) == {"items"} and isinstance(doc["items"], list), path.name
        for item in doc["items"]:
            assert set(item) == {"concept", "isExcluded", "includeDescendants", "includeMapped"}
            assert all(isinstance(item[k], bool) for k in ("isExcluded", "includeDescendants", "includeMapped"))
            assert set(item["concept"]) == set(CONCEPT_KEYS)
            for key, kind in CONCEPT_KEYS.items():
                assert isinstance(item["concept"][key], kind), (path.name, key)
            assert item["concept"]["STANDARD_CONCEPT"] in ("S", "C", "N")
            assert item["concept"]["INVALID_REASON"] in ("V", "D", "U")


def test_ids_come_from_the_cdm_vocabulary_with_descendants_as_screened(exported):
    cdm, out = exported
    items = json.loads((out / "SCREEN-SET-MANDIBULAR-OSTEOMYELITIS.json").read_text())["items"]
    assert [i["concept"]["CONCEPT_ID"] for i in items] == [cdm.cid("SNOMED", "109695005")]
    assert items[0]["includeDescendants"] is True
    labs = json.loads((out / "SCREEN-LAB-ANEMIA.json").read_text())["items"]
    assert cdm.cid("LOINC", "718-7") in {i["concept"]["CONCEPT_ID"] for i in labs}
    assert all(i["includeDescendants"] is False for i in labs)


def test_non_standard_codes_are_exported_as_their_maps_to_target(exported):
    # ICD10CM Q78.2 'Maps to' SNOMED 1926006 in the test vocabulary: one standard item, not the ICD10CM concept
    cdm, out = exported
    items = json.loads((out / "SCREEN-SET-DX-OSTEOPETROSIS.json").read_text())["items"]
    ids = [i["concept"]["CONCEPT_ID"] for i in items]
    assert cdm.cid("SNOMED", "1926006") in ids and cdm.cid("ICD10CM", "Q78.2") not in ids
    assert all(i["concept"]["STANDARD_CONCEPT"] == "S" for i in items)


def test_index_lists_rules_missing_codes_and_the_neonatal_limit(exported):
    _, out = exported
    index = {e["id"]: e for e in json.loads((out / "index.json").read_text())["concept_sets"]}
    assert index["SCREEN-SET-NEONATAL-HYPOCALCEMIA"]["age_max_days"] == 28  # SCREEN-NEONATAL-AGE-MAX
    assert "range" in index["SCREEN-LAB-ANEMIA"]["value_rule"]
    assert "30 mg/L" in index["SCREEN-LAB-CRP-BRISTOL"]["value_rule"]  # CNO-BRISTOL-CRP (RODERICK2016)
    assert all(e["missing_codes"] == [] for e in index.values())  # the test vocabulary holds every code


def test_export_into_a_missing_folder_is_one_line(tmp_path):
    cdm, _ = scenarios.build()
    url = to_duckdb(cdm.frames(), tmp_path / "cdm.duckdb")
    r = subprocess.run([sys.executable, "-m", "rarebone", "screen", "--cdm", url, "--export-concept-sets",
                        str(tmp_path / "no" / "such")], capture_output=True, text=True, timeout=600)
    assert r.returncode == 2 and "--export-concept-sets" in r.stderr and r.stderr.count("\n") == 1
