"""The CNO room keeps clinical numbers in data: no numeric literal other than 0, 1, -1 in its code."""

import ast
from pathlib import Path

import rarebone.cno


def test_no_numeric_literals_in_cno_room():
    found = []
    for path in Path(rarebone.cno.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value not in (0, 1, -1):
                found.append(f"{path.name}:{node.lineno}: {node.value}")
    assert not found, found


def test_every_recommendation_has_a_knowledge_id(kb, onto):
    from rarebone.cno import assess_cno
    from tests.cno.conftest import EXAMPLES, patient_from
    import json

    for f in EXAMPLES.glob("*.json"):
        _, block = assess_cno(patient_from(json.loads(f.read_text())), kb, onto)
        for r in block.recommendations:
            kb.get(r.id)
