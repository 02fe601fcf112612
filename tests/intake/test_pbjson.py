"""pbjson.canonical gives exactly protobuf's MessageToDict(ParseDict(...)) (same keys, values, types and key order)
or declines (Unsupported), in which case the reader runs protobuf itself. Checked on every Phenopacket in the
repository, on the FHIR translations the CDS Hooks service reads, and on hand-made edge cases; and wherever
protobuf refuses a document, canonical must decline it (so every error stays protobuf's own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rarebone.intake.plausibility import prune_empty

ROOT = Path(__file__).resolve().parents[2]


def _protobuf(document: dict):
    from google.protobuf import json_format
    from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket

    try:
        return json_format.MessageToDict(json_format.ParseDict(document, Phenopacket()))
    except json_format.ParseError:
        return "refused"


def _canonical(document: dict):
    from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket

    from rarebone.intake.pbjson import Unsupported, canonical

    try:
        return canonical(document, Phenopacket.DESCRIPTOR)
    except Unsupported:
        return "declined"


def _same(document: dict) -> bool:
    """True: canonical answered, identically to protobuf; False: canonical declined. Fails on any difference."""
    expected, got = _protobuf(document), _canonical(document)
    if got == "declined":
        return False
    assert expected != "refused", "canonical accepted a document protobuf refuses"
    # json.dumps without sort_keys: the key order and the int/float/str types must match too
    assert json.dumps(got) == json.dumps(expected)
    return True


def _packets() -> list[tuple[str, dict]]:
    out = []
    for folder in ("examples", "tests/data", "tests/cno", "tests/validation", "tests/transplant"):
        for path in sorted((ROOT / folder).rglob("*.json")):
            doc = json.loads(path.read_text())
            if isinstance(doc, dict) and "subject" in doc and "resourceType" not in doc:
                out.append((str(path.relative_to(ROOT)), doc))
    return out


def test_every_phenopacket_in_the_repository():
    packets = _packets()
    assert len(packets) > 700
    answered = sum(_same(prune_empty({k: v for k, v in doc.items() if k != "rareboneExtensions"}))
                   for _, doc in packets)
    # most go the fast way (else this test would prove little); the rest are declined, not misread
    assert answered > 0.9 * len(packets)


def test_every_fhir_translation_the_service_reads():
    import datetime as dt

    from rarebone.intake.fhir import read_resources
    from tests.cdshooks.pp2fhir import convert

    charts = [[e["resource"] for e in json.loads(p.read_text())["entry"]] for p in (ROOT / "examples/fhir").glob("*.json")]
    charts += [convert(doc, dt.date(2026, 12, 1)) for _, doc in _packets()]
    answered = 0
    for resources in charts:
        tr = read_resources([(f"$.entry[{i}].resource", r) for i, r in enumerate(resources)])
        answered += _same(prune_empty({k: v for k, v in tr.packet.items() if k != "rareboneExtensions"}))
    assert answered == len(charts)  # the translation is always in the handled shapes


BASE = {"id": "x", "subject": {"id": "s"}, "metaData": {"created": "2024-01-02T03:04:05Z"}}


@pytest.mark.parametrize("extra", [
    {"subject": {"id": "s", "sex": "UNKNOWN_SEX"}},  # enum at 0: not printed
    {"subject": {"id": "s", "sex": "FEMALE", "dateOfBirth": "2020-01-01T00:00:00+02:00"}},  # offset normalised
    {"metaData": {"created": "2024-01-02T03:04:05.120Z"}},  # fractional seconds printed as protobuf does
    {"metaData": {"created": "1970-01-01T00:00:00Z"}},  # a timestamp at zero is still a set message
    {"phenotypicFeatures": [{"type": {"id": "HP:1"}, "excluded": False}]},  # false not printed
    {"phenotypicFeatures": [{"type": {"id": "HP:1"}, "excluded": True}, {}]},  # an empty item stays {}
    {"measurements": [{"assay": {"id": "LOINC:1"}, "value": {"quantity": {"value": 0, "unit": {"id": "u"}}}}]},
    {"measurements": [{"assay": {"id": "LOINC:1"}, "value": {"quantity": {"value": 7, "unit": {"id": "u"}}}}]},
    {"measurements": [{"assay": {"id": "LOINC:1"}, "value": {"quantity": {"value": -0.0}}}]},
    {"measurements": [{"assay": {"id": "LOINC:1"}, "value": {"quantity": {"value": "7.5"}}}]},  # string number
    {"subject": {"id": "s", "vitalStatus": {"survivalTimeInDays": 12}}},  # uint32
    {"subject": {"id": "s", "vitalStatus": {"survivalTimeInDays": -1}}},  # refused by protobuf
    {"subject": {"id": "s", "timeAtLastEncounter": {"gestationalAge": {"weeks": 30, "days": 0}}}},
    {"subject": {"id": "s", "sex": 2}},  # enum as a number
    {"subject": {"id": "s", "sex": "WOMAN"}},  # unknown enum name
    {"subject": {"id": "s", "date_of_birth": "2020-01-01T00:00:00Z"}},  # snake_case
    {"subject": {"id": "s", "dateOfBirth": "2020-01-01"}},  # not a timestamp
    {"subject": {"id": "s", "dateOfBirth": None}},
    {"subject": {"id": "s", "timeAtLastEncounter": {"age": {"iso8601duration": "P1Y"}, "timestamp": "2020-01-01T00:00:00Z"}}},
    {"subject": {"id": 5}},  # a number where a string belongs
    {"subject": {"id": "\ud800"}},  # unpaired surrogate
    {"unknownField": 1},
    {"phenotypicFeatures": {"type": {"id": "HP:1"}}},  # an object where an array belongs
    {"files": [{"uri": "x", "individualToFileIdentifiers": {"a": "b"}}]},  # a map
    {"interpretations": [{"id": "i", "progressStatus": "SOLVED", "diagnosis": {"disease": {"id": "OMIM:1"},
                          "genomicInterpretations": [{"subjectOrBiosampleId": "s", "interpretationStatus": "CAUSATIVE",
                          "variantInterpretation": {"acmgPathogenicityClassification": "PATHOGENIC",
                          "variationDescriptor": {"id": "v", "allelicState": {"id": "GENO:0000136"},
                          "vcfRecord": {"genomeAssembly": "GRCh38", "chrom": "1", "pos": 12345, "ref": "A",
                          "alt": "G"}}}}]}}]},  # uint64 pos printed as a string
])
def test_edge_cases_answer_like_protobuf_or_are_declined(extra):
    _same({**BASE, **extra})


def test_documents_protobuf_refuses_are_all_declined():
    refused = [{**BASE, **e} for e in ({"subject": {"id": 5}}, {"unknownField": 1}, {"subject": {"id": "s", "sex": "WOMAN"}},
                                      {"subject": {"id": "s", "dateOfBirth": "2020-01-01"}},
                                      {"subject": {"id": "s", "vitalStatus": {"survivalTimeInDays": -1}}})]
    for doc in refused:
        assert _protobuf(doc) == "refused" and _canonical(doc) == "declined"


def test_the_reader_gives_protobufs_error_for_a_declined_document():
    from rarebone.errors import PhenopacketError
    from rarebone.intake.phenopacket import read_phenopacket_dict

    with pytest.raises(PhenopacketError) as err:
        read_phenopacket_dict({**BASE, "subject": {"id": "s", "dateOfBirth": "2020-13-01T00:00:00Z"}})
    assert err.value.path == "$.subject.dateOfBirth" and "Phenopacket v2 schema" in str(err.value)
