"""The assessment's citation list is gathered by a walk over its parts (workflows/assess.py ``_cited_ids``); it must
name exactly the ids of the ``"citations":[...]`` lists of the serialised Assessment, the plain definition the
walk replaced (written out here), on every example and real case and a slice of the store sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rarebone.intake.phenopacket import read_phenopacket_dict

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "examples" / "phenopackets").glob("*.json")) + sorted(
    (ROOT / "tests" / "data" / "real-cases").glob("*/*.json")) + sorted(
    (ROOT / "tests" / "data" / "phenopacket-store-sample").glob("*.json"))[:100]


def _plain_ids(assessment) -> set[str]:
    """Every quoted string inside any "citations":[...] list of the JSON (the regular expressions used before)."""
    text = assessment.model_copy(update={"citations": {}}).model_dump_json()
    return set(re.findall(r'"([^"]*)"', ",".join(re.findall(r'"citations":\[([^\]]*)\]', text))))


def test_walk_finds_the_same_ids_as_the_serialised_assessment():
    from rarebone.knowledge import load
    from rarebone.workflows.assess import assess_patient

    kb = load()
    # source ids are plain tokens, so a quoted id in the JSON is the id itself (no escapes to undo)
    assert all(re.fullmatch(r"[A-Za-z0-9_.:\-]+", sid) for sid in kb.sources)
    checked = 0
    for path in FILES:
        patient = read_phenopacket_dict(json.loads(path.read_text(encoding="utf-8")), str(path)).patient
        assessment = assess_patient(patient)
        plain = {sid for sid in _plain_ids(assessment) if sid in kb.sources}
        assert sorted(assessment.citations) == sorted(plain), path.name
        checked += bool(plain)
    assert checked > len(FILES) // 2  # most assessments cite something: the comparison is not empty


def test_an_unknown_part_falls_back_to_the_json_reading():
    """A part the walk has no plan for (here a dict with its own "citations" list) is read from the JSON instead
    of being skipped."""
    from rarebone.knowledge import load
    from rarebone.workflows import assess as module

    kb = load()
    sid = next(iter(kb.sources))
    with pytest.raises(module._Unplanned):
        module._cited_ids({"x": {"citations": [sid]}}, set())
    assert module._cited_ids_from_json(json.dumps({"a": {"citations": [sid]}}, separators=(",", ":"))) == {sid}
