"""The light FHIR check (intake/fhir/light.py) names the exact JSON path of a bad value.

Its paths are built lazily (formatted only for a refused value), so this checks the formatting everywhere: in each
FHIR Bundle of the repository and in the FHIR translation of a sample of its Phenopackets, every value in turn is
replaced by values of the wrong JSON type. The untouched Bundle passes; whenever a changed one is refused, the
error names the changed value itself or a part of it (nothing else in the Bundle is wrong, and the check stops at
the first problem in document order).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from rarebone.errors import InputError
from rarebone.intake.fhir.light import check_bundle

ROOT = Path(__file__).resolve().parents[2]
BAD = (1, "x", True, None, [], {}, 2.5, "2020-13-01", [1], {"coding": 1}, {"coding": [{"code": 1}]}, [{"text": 3}])


def _bundles() -> list[dict]:
    out = []
    stored = sorted(ROOT.glob("tests/data/real-cases-fhir/*/*.json"))[::8]  # every 8th published case's Bundle
    for path in sorted(ROOT.glob("examples/**/*.json")) + sorted(ROOT.glob("tests/fhir/data/*.json")) + stored:
        doc = json.loads(path.read_text())
        if isinstance(doc, dict) and doc.get("resourceType") == "Bundle":
            out.append(doc)
    from tests.cdshooks.pp2fhir import convert

    for path in sorted(ROOT.glob("tests/data/real-cases/*/*.json"))[::10]:  # every 10th published Phenopacket
        packet = json.loads(path.read_text())
        if isinstance(packet, dict) and "subject" in packet and "id" in packet:
            out.append({"resourceType": "Bundle", "entry": [{"resource": r}
                                                            for r in convert(packet, dt.date(2026, 12, 1))]})
    return [json.loads(json.dumps(b)) for b in out]  # no shared objects: each change below touches one value


def _locations(node, here: str = "$"):
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{here}.{key}", node, key
            yield from _locations(value, f"{here}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield f"{here}[{i}]", node, i
            yield from _locations(value, f"{here}[{i}]")


def test_a_refused_value_is_named_by_its_own_path():
    bundles = _bundles()
    assert len(bundles) > 20
    refused = 0
    for bundle in bundles:
        check_bundle(bundle)  # every Bundle of the repository passes as it is
        for where, parent, key in list(_locations(bundle)):
            original = parent[key]
            for bad in BAD:
                parent[key] = copy.deepcopy(bad)
                try:
                    check_bundle(bundle)
                except InputError as exc:
                    refused += 1
                    assert exc.path == where or exc.path.startswith((where + ".", where + "[")), (where, bad, exc.path)
                finally:
                    parent[key] = original
    assert refused > 10_000  # the check does refuse: this is not a test of a check that accepts everything
