"""plausibility.pruned_if_plain (the one walk of a record's own fields) gives exactly prune_empty's result, and only
where check_types and the duplicate-spelling check find nothing; otherwise it declines and the reader runs the three
checks as before (so every error is theirs). Checked on every Phenopacket in the repository, on the FHIR translation
of each (what the CDS Hooks service reads), and on edge cases at and around each limit."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from rarebone.core.limits import MAX_JSON_DEPTH, MAX_NUMBER
from rarebone.errors import InputError
from rarebone.intake.phenopacket import _check_duplicate_spellings
from rarebone.intake.plausibility import check_types, prune_empty, pruned_if_plain
from tests.intake.test_pbjson import ROOT, _packets


def _three_checks(core: dict):
    """The reader's separate walks: the error they raise (type and message), else the pruned record."""
    try:
        check_types(core)
        _check_duplicate_spellings(core)
    except InputError as exc:
        return ("error", type(exc).__name__, str(exc))
    return prune_empty(core)


def _same(core: dict) -> bool:
    """True: the one walk answered, identically; False: it declined. Fails if it answered where a check refuses."""
    got, expected = pruned_if_plain(core), _three_checks(core)
    if got is None:
        return False
    assert not (isinstance(expected, tuple) and expected[0] == "error"), f"one walk accepted what is refused: {expected}"
    assert json.dumps(got) == json.dumps(expected)  # same keys, order, values and types
    return True


def _core(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "rareboneExtensions"}


def test_every_phenopacket_in_the_repository():
    packets = _packets()
    assert len(packets) > 700
    answered = sum(_same(_core(doc)) for _, doc in packets)
    assert answered > 0.9 * len(packets)  # most go the one-walk way, else this would prove little


def test_every_fhir_translation_the_service_reads():
    from rarebone.intake.fhir import read_resources
    from tests.cdshooks.pp2fhir import convert

    charts = [[e["resource"] for e in json.loads(p.read_text())["entry"]] for p in (ROOT / "examples/fhir").glob("*.json")]
    charts += [convert(doc, dt.date(2026, 12, 1)) for _, doc in _packets()]
    answered = 0
    for resources in charts:
        tr = read_resources([(f"$.entry[{i}].resource", r) for i, r in enumerate(resources)])
        answered += _same(_core(tr.packet))
    assert answered == len(charts)  # the translation is always plain


def _nested(levels: int) -> dict:
    node: dict = {"id": "deep"}
    for _ in range(levels):
        node = {"a": node}
    return node


@pytest.mark.parametrize("core", [
    {"id": "x", "subject": {"id": "s", "sex": "FEMALE"}, "phenotypicFeatures": [{"type": {"id": "HP:1"}}]},
    {"id": "x", "subject": {"id": "", "sex": ""}, "diseases": [], "metaData": {}},  # empties pruned
    {"id": "x", "a": [[], {}, None, "", [None, {"b": ""}], 0, 0.0, False, True, "t"]},  # nested empties, falsy kept
    {"id": "x", "a": {"b": {"c": None}}, "d": [{"e": []}]},  # emptied by pruning below
    {"id": "x", "subject": {"sex": 1}},  # enum given as a number: refused by check_types
    {"id": "x", "subject": {"sex": None}},  # null enum: refused by check_types
    {"id": "x", "subject": {"sex": True}},
    {"id": "x", "interpretations": [{"status": 2.0}]},
    {"id": "x", "subject": {"sex": {"id": "weird"}}},  # a message under an enum name: left to protobuf
    {"id": "x", "v": math.nan}, {"id": "x", "v": math.inf}, {"id": "x", "v": [-math.inf]},
    {"id": "x", "v": MAX_NUMBER}, {"id": "x", "v": -MAX_NUMBER},  # at the limit (MAX_NUMBER, core/limits.py): kept
    {"id": "x", "v": MAX_NUMBER * 1.0000001}, {"id": "x", "v": [-MAX_NUMBER * 1.0000001]},  # beyond: refused
    {"id": "x", "v": int(MAX_NUMBER)}, {"id": "x", "v": int(MAX_NUMBER) + 1}, {"id": "x", "v": -(10 ** 400)},
    {"id": "x", "phenotypic_features": [{"type": {"id": "HP:1"}}]},  # snake_case: the long way
    {"id": "x", "phenotypicFeatures": [], "phenotypic_features": []},  # written twice: refused
    {"id": "x", "subject": {"date_of_birth": "2020-01-01", "dateOfBirth": "2020-01-01"}},
    _nested(MAX_JSON_DEPTH - 3), _nested(MAX_JSON_DEPTH - 1), _nested(MAX_JSON_DEPTH), _nested(MAX_JSON_DEPTH + 5),
    {"id": "x", "v": 1 + 2j},  # not a JSON type: declined
])
@pytest.mark.parametrize("in_extension", [False, True])
def test_edge_cases(core, in_extension):
    # in_extension: the reader checks a record's rareboneExtensions block the same way (one walk, check_types
    # only when it declines)
    _same({"rareboneExtensions": core} if in_extension else core)


def test_every_extension_block_in_the_repository():
    """The extension block (donors, CNO visits, transplant, ...) of every Phenopacket that has one: the one walk
    answers only where check_types finds nothing (read_phenopacket_dict then skips check_types on the block)."""
    blocks = [{"rareboneExtensions": doc["rareboneExtensions"]} for _, doc in _packets() if "rareboneExtensions" in doc]
    assert len(blocks) > 20
    answered = sum(_same(block) for block in blocks)
    assert answered > 0.9 * len(blocks)


def test_declines_what_the_checks_refuse():
    for core in ({"v": math.nan}, {"subject": {"sex": 7}}, {"v": MAX_NUMBER * 2}, _nested(MAX_JSON_DEPTH + 1),
                 {"aB": 1, "a_b": 2}):
        assert pruned_if_plain(core) is None
        with pytest.raises(InputError):
            check_types(core)
            _check_duplicate_spellings(core)


def test_reader_names_the_same_error_either_way():
    """Through read_phenopacket_dict: an error in the extension block only (the record's fields plain) is named
    with the path check_types gives on the whole document."""
    from rarebone.intake.phenopacket import read_phenopacket_dict

    doc = {"id": "x", "subject": {"id": "s"}, "rareboneExtensions": {"cno": {"visits": [{"score": math.inf}]}}}
    with pytest.raises(InputError) as got:
        read_phenopacket_dict(doc)
    with pytest.raises(InputError) as expected:
        check_types(doc)
    assert str(got.value) == str(expected.value) and "$.rareboneExtensions.cno.visits[0].score" in str(got.value)


def test_answers_plain_records_at_the_limits():
    """The one walk is not merely declining everything: plain shapes, at the number limit and near the depth limit."""
    for core in ({"id": "x", "a": [[], {}, None, "", [None, {"b": ""}], 0, 0.0, False, True, "t"]},
                 {"id": "x", "v": MAX_NUMBER}, {"id": "x", "v": -int(MAX_NUMBER)}, _nested(MAX_JSON_DEPTH - 3)):
        assert _same(core)

