"""Phenopacket v2 reading: every real store file goes in; every bad input is one named error."""

from __future__ import annotations

import copy
import json

import pytest

from rarebone.errors import InputError, PhenopacketError, TermError
from rarebone.intake import read_phenopacket, read_phenopacket_dict
from tests.conftest import EXAMPLES


def test_every_phenopacket_store_sample_file_is_read(store_files):
    failures = []
    for path in store_files:
        try:
            read_phenopacket(path)
        except InputError as error:
            failures.append(str(error))
    assert len(store_files) >= 590
    assert failures == []


@pytest.fixture
def base():
    return json.loads((EXAMPLES / "tcirg1-infant.json").read_text())


def _write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_empty_file(tmp_path):
    with pytest.raises(PhenopacketError, match="file is empty"):
        read_phenopacket(_write(tmp_path, "empty.json", b"  \n"))


def test_non_utf8_file(tmp_path):
    with pytest.raises(PhenopacketError, match=r"not UTF-8 .*0xff"):
        read_phenopacket(_write(tmp_path, "latin.json", b'{"id": "\xff"}'))


def test_malformed_json_names_line_and_column(tmp_path):
    with pytest.raises(PhenopacketError, match=r"not valid JSON: .* line 1 column"):
        read_phenopacket(_write(tmp_path, "bad.json", b'{"id": '))


def test_phenopacket_v1_is_refused_with_advice(base):
    v1 = {"id": "x", "subject": {"id": "p"}, "phenotypicFeatures": [], "genes": [],
          "metaData": {"phenopacketSchemaVersion": "1.0.0"}}
    with pytest.raises(PhenopacketError, match="Phenopacket v1") as info:
        read_phenopacket_dict(v1, source="old.json")
    assert "old.json" in str(info.value)


def test_schema_violation_names_the_path(base):
    bad = copy.deepcopy(base)
    bad["subject"]["sex"] = "BOY"
    with pytest.raises(PhenopacketError) as info:
        read_phenopacket_dict(bad, source="x.json")
    assert "$.subject.sex" in str(info.value) and "BOY" in str(info.value)


def test_unknown_hpo_id(base):
    bad = copy.deepcopy(base)
    bad["phenotypicFeatures"][1]["type"] = {"id": "HP:9999999", "label": "Nystagmus"}
    with pytest.raises(TermError, match="unknown HPO id") as info:
        read_phenopacket_dict(bad, source="x.json")
    assert "$.phenotypicFeatures[1].type.id" in str(info.value)


def test_term_of_a_newer_hpo_release_is_left_out_with_a_warning_and_the_child_still_assessed(base):
    # phenopacket-store holds records annotated against a newer release than the one shipped (14 of 10,580 files):
    # refusing the whole record would hide every other finding
    newer = copy.deepcopy(base)
    newer["phenotypicFeatures"].append({"type": {"id": "HP:9999999", "label": "A term from a later release"}})
    result = read_phenopacket_dict(newer, source="x.json")
    assert "HP:9999999" not in {f.hpo_id for f in result.patient.features}
    assert len(result.patient.features) == len(read_phenopacket_dict(base, source="x.json").patient.features)
    warning = next(w for w in result.warnings if "HP:9999999" in w)
    assert "not in HPO release" in warning and "not used" in warning and "A term from a later release" in warning
    unlabelled = copy.deepcopy(base)
    unlabelled["phenotypicFeatures"].append({"type": {"id": "HP:9999999"}})
    assert any("HP:9999999 is not in HPO release" in w for w in read_phenopacket_dict(unlabelled, source="x").warnings)


def test_unknown_id_whose_label_names_a_known_term_is_a_mistyped_id_and_an_error(base):
    bad = copy.deepcopy(base)
    bad["phenotypicFeatures"].append({"type": {"id": "HP:9999999", "label": "nystagmus"}})
    with pytest.raises(TermError, match="HP:0000639") as info:
        read_phenopacket_dict(bad, source="x.json")
    assert str(info.value).count("$.phenotypicFeatures[") == 1 and ".type.id" in str(info.value)


def test_label_naming_another_term_is_an_error(base):
    bad = copy.deepcopy(base)
    bad["phenotypicFeatures"][1]["type"] = {"id": "HP:0000639", "label": "Splenomegaly"}
    with pytest.raises(TermError, match="names HP:0001744") as info:
        read_phenopacket_dict(bad, source="x.json")
    assert "$.phenotypicFeatures[1].type.label" in str(info.value)


def test_label_in_older_wording_is_a_warning_not_an_error(base):
    ok = copy.deepcopy(base)
    ok["phenotypicFeatures"][1]["type"] = {"id": "HP:0000639", "label": "Nystagmus (old wording)"}
    result = read_phenopacket_dict(ok, source="x.json")
    assert any("not the current HPO wording" in w for w in result.warnings)


def test_obsolete_id_is_replaced_with_a_warning(base, onto):
    obsolete = next(t for t in onto._ontology if t.is_obsolete and t.replaced_by and onto._term(t.replaced_by))
    ok = copy.deepcopy(base)
    ok["phenotypicFeatures"].append({"type": {"id": obsolete.id}})
    result = read_phenopacket_dict(ok, source="x.json")
    assert any("obsolete" in w and obsolete.replaced_by in w for w in result.warnings)
    assert obsolete.replaced_by in result.patient.present_terms()


def test_impossible_measurement_value(base):
    bad = copy.deepcopy(base)
    bad["measurements"][0]["value"]["quantity"]["value"] = 79.0  # g/dL: 790 g/L
    with pytest.raises(InputError, match="impossible") as info:
        read_phenopacket_dict(bad, source="x.json")
    assert "$.measurements[0].value.quantity.value" in str(info.value)


def test_unconvertible_unit(base):
    bad = copy.deepcopy(base)
    bad["measurements"][2]["value"]["quantity"]["unit"] = {"id": "UCUM:kg", "label": "kilogram"}
    with pytest.raises(InputError, match="cannot be converted") as info:
        read_phenopacket_dict(bad, source="x.json")
    assert "$.measurements[2].value.quantity.unit" in str(info.value)


def test_units_are_converted_once_at_the_edge(base):
    patient = read_phenopacket_dict(base).patient
    hb = patient.measurements_of("hemoglobin")[0]
    assert (hb.value, hb.unit, hb.reference_low) == (pytest.approx(79.0), "g/L", pytest.approx(95.0))


@pytest.mark.parametrize("field,value,message", [
    ("relation", "uncle", "relation must be one of"),
    ("hlaMatch", "11/10", "hlaMatch"),
    ("hlaMatch", "five", "hlaMatch must look like"),
    ("aboCompatible", "yes", "must be true or false"),
    ("bloodGroup", "A", "unknown donor field"),
])
def test_bad_donor_fields(base, field, value, message):
    bad = copy.deepcopy(base)
    bad["rareboneExtensions"]["donors"][0][field] = value
    with pytest.raises(InputError, match=message) as info:
        read_phenopacket_dict(bad, source="x.json")
    assert f"$.rareboneExtensions.donors[0].{field}" in str(info.value)


def test_compound_heterozygous_variants_are_read(base):
    patient = read_phenopacket_dict(base).patient
    assert [v.gene_symbol for v in patient.variants] == ["TCIRG1", "TCIRG1"]
    assert {v.allelic_state.value for v in patient.variants} == {"heterozygous"}


def _with_features(base, *features):
    document = copy.deepcopy(base)
    document["phenotypicFeatures"] = [
        {"type": {"id": hpo, "label": label}, **({"excluded": True} if excluded else {})} for hpo, label, excluded in features
    ]
    return document


def test_excluded_ancestor_with_observed_descendant_is_dropped_with_a_warning(base):
    # Rule stated in docs/phenopacket-extension.md: the observed descendant wins, the excluded ancestor is dropped.
    result = read_phenopacket_dict(_with_features(
        base, ("HP:0000924", "Abnormality of the skeletal system", True), ("HP:0011002", "Osteopetrosis", False)))
    assert [(f.hpo_id, f.excluded) for f in result.patient.features] == [("HP:0011002", False)]
    warning = next(w for w in result.warnings if "HP:0000924" in w)
    assert "HP:0011002" in warning and "observed descendant wins" in warning


def test_excluded_descendant_with_observed_ancestor_is_not_a_contradiction(base):
    # "abnormal skeleton" observed, "osteopetrosis" excluded: both can be true, both kept, no warning.
    result = read_phenopacket_dict(_with_features(
        base, ("HP:0000924", "Abnormality of the skeletal system", False), ("HP:0011002", "Osteopetrosis", True)))
    assert [(f.hpo_id, f.excluded) for f in result.patient.features] == [("HP:0000924", False), ("HP:0011002", True)]
    assert not [w for w in result.warnings if "contradicts" in w]


def test_same_term_observed_and_excluded_keeps_the_observation(base):
    result = read_phenopacket_dict(_with_features(
        base, ("HP:0011002", "Osteopetrosis", True), ("HP:0011002", "Osteopetrosis", False)))
    assert [(f.hpo_id, f.excluded) for f in result.patient.features] == [("HP:0011002", False)]
    assert any("both as observed and as excluded" in w for w in result.warnings)


def test_age_from_date_of_birth_when_no_age_at_encounter(base, monkeypatch):
    """An EHR-shaped record: a birth date and no timeAtLastEncounter. The living child's age is today's."""
    monkeypatch.setenv("RAREBONE_TODAY", "2026-11-30")
    doc = copy.deepcopy(base)
    doc["subject"].pop("timeAtLastEncounter", None)
    doc["subject"]["dateOfBirth"] = "2026-08-30T00:00:00Z"
    result = read_phenopacket_dict(doc)
    assert result.patient.age_days == 92.0
    assert any("age taken from dateOfBirth" in w for w in result.warnings)
    doc["subject"]["vitalStatus"] = {"status": "DECEASED"}
    assert read_phenopacket_dict(doc).patient.age_days is None  # a dead child's age is not today's
    doc["subject"].pop("vitalStatus")
    doc["subject"]["timeAtLastEncounter"] = {"age": {"iso8601duration": "P1M"}}
    recorded = read_phenopacket_dict(doc)
    assert recorded.patient.age_days < 40 and not any("age taken" in w for w in recorded.warnings)


def test_cno_visit_dates_are_checked_like_lab_dates(monkeypatch):
    """A CNO visit dated before birth is refused with its path; one after today is kept with a warning."""
    monkeypatch.setenv("RAREBONE_TODAY", "2026-11-30")
    doc = json.loads((EXAMPLES.parent / "cno" / "cno-multivisit.json").read_text())
    visits = doc["rareboneExtensions"]["cno"]["visits"]
    assert visits, "the example has visits"
    doc["subject"]["dateOfBirth"] = "2015-01-01T00:00:00Z"
    early = copy.deepcopy(doc)
    early["rareboneExtensions"]["cno"]["visits"][0]["date"] = "2014-12-31"
    with pytest.raises(InputError) as err:
        read_phenopacket_dict(early)
    assert "cno.visits[0].date" in str(err.value) and "2014-12-31" in str(err.value)
    late = copy.deepcopy(doc)
    late["rareboneExtensions"]["cno"]["visits"][-1]["date"] = "2062-01-01"
    assert any("after today" in w and "cno.visits" in w for w in read_phenopacket_dict(late).warnings)
