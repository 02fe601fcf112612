"""Issue 9: a Phenopacket written with snake_case field names (valid protobuf JSON, as some tools write it) must be
read exactly like the camelCase one. Before the fix it passed the schema check and was read as EMPTY (suspicion
none, exit 0): a silent false negative. The converter below is written here, independently of the intake code,
so that the test cannot agree with the reader by construction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rarebone.errors import InputError, PhenopacketError
from rarebone.intake import read_phenopacket_dict
from tests.conftest import EXAMPLES, ROOT, STORE

# Keys whose VALUES are free maps or our own extension (not protobuf field names): left as written.
_KEEP_INSIDE = {"rareboneExtensions"}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def to_snake_case(node, top: bool = True):
    """Every protobuf field name in snake_case (what protobuf's json_format writes with
    preserving_proto_field_name=True); enum values and ids are values, not names, and stay."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if top and key in _KEEP_INSIDE:
                out[key] = value
            else:
                out[_snake(key)] = to_snake_case(value, top=False)
        return out
    if isinstance(node, list):
        return [to_snake_case(item, top=False) for item in node]
    return node


def _assessment_json(document: dict, name: str) -> dict:
    from rarebone.workflows.assess import assess_patient

    result = read_phenopacket_dict(document, source=name)
    return json.loads(assess_patient(result.patient, result.warnings).model_dump_json())


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json")) + sorted((ROOT / "examples" / "cno").glob("*.json"))


def test_converter_really_renames_fields():
    document = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
    snake = to_snake_case(document)
    assert "phenotypic_features" in snake and "phenotypicFeatures" not in snake
    assert "time_at_last_encounter" in snake["subject"]


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_snake_case_example_gives_the_identical_assessment(path):
    document = json.loads(path.read_text())
    camel = _assessment_json(document, path.name)
    snake = _assessment_json(to_snake_case(document), path.name)
    assert snake == camel
    # and the record was really read (not two equally empty assessments)
    assert camel["patient"]["features_present"] + camel["patient"]["features_excluded"] > 0


def test_snake_case_store_files_give_identical_assessments():
    files = sorted(STORE.glob("*.json"))
    if not files:
        pytest.skip(f"phenopacket-store sample not found at {STORE} (set RAREBONE_STORE_SAMPLE); examples cover the rule")
    differing = []
    for path in files:
        document = json.loads(path.read_text())
        if _assessment_json(document, path.name) != _assessment_json(to_snake_case(document), path.name):
            differing.append(path.name)
    assert differing == []


def test_snake_case_error_names_the_path_as_written():
    document = to_snake_case(json.loads((EXAMPLES / "tcirg1-infant.json").read_text()))
    document["phenotypic_features"][0]["type"]["id"] = "HP:9999999"
    with pytest.raises(InputError) as caught:
        read_phenopacket_dict(document)
    assert caught.value.path == "$.phenotypic_features[0].type.id"
    assert caught.value.value == "HP:9999999"


def test_a_field_written_in_both_styles_is_refused():
    document = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
    document["phenotypic_features"] = []
    with pytest.raises(PhenopacketError, match="written twice"):
        read_phenopacket_dict(document)
