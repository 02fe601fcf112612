"""The card and dose-check modules take every clinical number from the knowledge base (rules of the house):
no numeric literal in them except 0/1/2 and the exact time-unit table (days per week/hour/minute/second)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "rarebone" / "cdshooks"
ALLOWED = {0, 1, 2, -1}


@pytest.mark.parametrize("name", ["cards.py", "orders.py"])
def test_no_numeric_literals_in_the_card_and_dose_modules(name):
    tree = ast.parse((SRC / name).read_text())
    unit_table = {id(n) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and any(getattr(t, "id", "") == "_PERIOD_DAYS" for t in node.targets) for n in ast.walk(node)}
    found = [(n.lineno, n.value) for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)
             and n.value not in ALLOWED and id(n) not in unit_table]
    assert found == [], f"{name}: numeric literals {found}"
