"""The typed models of rareboneExtensions (rarebone.intake.extension_models): every example validates, bad
blocks fail at intake with one line naming the JSON path, the models list exactly the fields the readers read,
and `rarebone schema extension-*` prints their JSON Schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from rarebone.errors import InputError
from rarebone.intake import read_phenopacket_dict
from rarebone.intake.extension_models import (AcuteGvhdDay, CnoBlockInput, CnoImagingStudy, CnoLesion, CnoVisit,
                                              CnoWorkup, DonorEntry, RareboneExtensions, validate_extensions)

ROOT = Path(__file__).resolve().parents[2]
WITH_EXTENSIONS = sorted(p for p in (ROOT / "examples").rglob("*.json")
                         if "rareboneExtensions" in json.loads(p.read_text()))


def aliases(model) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}


def test_the_examples_carry_every_block():
    blocks = {k for p in WITH_EXTENSIONS for k in json.loads(p.read_text())["rareboneExtensions"]}
    assert {"donors", "transplant", "cno", "registry"} <= blocks


@pytest.mark.parametrize("path", WITH_EXTENSIONS, ids=lambda p: p.name)
def test_every_example_extension_block_validates(path):
    block = json.loads(path.read_text())["rareboneExtensions"]
    model = validate_extensions(block)
    assert isinstance(model, RareboneExtensions)
    # nothing was dropped: the model round-trips the block's keys
    assert set(model.model_dump(by_alias=True, exclude_unset=True)) == set(block)


def test_models_list_exactly_the_fields_the_readers_read():
    from rarebone.cno import record
    from rarebone.intake.extension import _DONOR_FIELDS

    assert aliases(DonorEntry) == _DONOR_FIELDS
    assert aliases(CnoBlockInput) == record._TOP
    assert aliases(CnoVisit) == record._VISIT
    assert aliases(CnoImagingStudy) == record._STUDY
    assert aliases(CnoLesion) == record._LESION
    assert aliases(CnoWorkup) == record._WORKUP
    assert aliases(AcuteGvhdDay) == {"date", "skinRashBsaPct", "bullaeDesquamationBsaPct", "upperGiPersistent",
                                     "lowerGiSevere", "stoolEpisodesPerDay", "liverAttributedToGvhd"}


def example(name: str) -> dict:
    return json.loads(next((ROOT / "examples").rglob(name)).read_text())


@pytest.mark.parametrize("file, edit, path, words", [
    ("tcirg1-infant.json", lambda e: e["donors"][0].update(carrier="yes"),
     "$.rareboneExtensions.donors[0].carrier", "must be true or false"),
    ("tcirg1-post-hsct-series.json", lambda e: e["transplant"]["gvhd"][0].update(skinRashBsaPct="12"),
     "$.rareboneExtensions.transplant.gvhd[0].skinRashBsaPct", "must be a number"),
    ("tcirg1-post-hsct-series.json", lambda e: e["transplant"]["gvhd"][0].update(skinRashBsaPct=101),
     "$.rareboneExtensions.transplant.gvhd[0].skinRashBsaPct", "less than or equal to 100"),
    # the liver and cGVHD readers ignored unknown keys; a typo there now fails instead of vanishing
    ("tcirg1-post-hsct-series.json", lambda e: e["transplant"]["liver"][0].update(ascitis="none"),
     "$.rareboneExtensions.transplant.liver[0].ascitis", "unknown field"),
    ("tcirg1-post-hsct-series.json", lambda e: e["transplant"]["cgvhd"][0]["scores"].update(skin=True),
     "$.rareboneExtensions.transplant.cgvhd[0].scores.skin", "whole number"),
    ("cno-multivisit.json", lambda e: e["cno"]["imaging"][0].update(modality="ultrasound"),
     "$.rareboneExtensions.cno.imaging[0].modality", "modality must be one of"),
    ("cno-multivisit.json", lambda e: e["cno"]["imaging"][0]["lesions"][0].update(sizeMm="12"),
     "$.rareboneExtensions.cno.imaging[0].lesions[0].sizeMm", "must be a number"),
    ("cno-multivisit.json", lambda e: e["cno"]["visits"][0].pop("date"),
     "$.rareboneExtensions.cno.visits[0].date", "required"),
    ("cno-multivisit.json", lambda e: e.update(donor=[]), "$.rareboneExtensions.donor", "unknown field"),
])
def test_bad_extension_fails_at_intake_naming_the_json_path(file, edit, path, words):
    doc = copy.deepcopy(example(file))
    edit(doc["rareboneExtensions"])
    with pytest.raises(InputError) as info:
        read_phenopacket_dict(doc, source=file)
    text = str(info.value)
    assert path in text and words in text and "\n" not in text


def test_bad_extension_at_the_cli_is_one_line_exit_2(tmp_path, capsys):
    from rarebone.cli import main

    doc = example("cno-multivisit.json")
    doc["rareboneExtensions"]["cno"]["visits"][0]["pga"] = True
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(SystemExit) as exit_:
        main(["cno", "course", str(bad)])
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 2 and len(err.splitlines()) == 1
    assert "$.rareboneExtensions.cno.visits[0].pga" in err


@pytest.mark.parametrize("name, must_have", [
    ("extension", "transplant"), ("extension-donors", "hlaMatch"), ("extension-transplant", "baselineWeightKg"),
    ("extension-cno", "pgaScale")])
def test_schema_command_prints_extension_schemas(name, must_have, capsys):
    import jsonschema

    from rarebone.cli import main

    main(["schema", name])
    schema = json.loads(capsys.readouterr().out)
    assert must_have in json.dumps(schema)
    jsonschema.Draft202012Validator.check_schema(schema)


def test_published_schema_accepts_the_examples():
    import jsonschema

    from rarebone.cli.commands.schema import schema_for

    validator = jsonschema.Draft202012Validator(schema_for("extension"))
    for path in WITH_EXTENSIONS:
        assert not list(validator.iter_errors(json.loads(path.read_text())["rareboneExtensions"])), path.name
