"""scripts/measure_rank_fusion.py (round ddx-fuse, offline measurement): its rank arithmetic counts ties against
the answer as the evaluation does, and it refuses a report before its data are collected."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "measure_rank_fusion.py"


def _module():
    spec = importlib.util.spec_from_file_location("measure_rank_fusion", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ties_count_against_the_answer_in_both_rank_forms():
    m = _module()
    scores = np.array([[3.0, 5.0, 5.0, 1.0]])
    # line 1 ties with line 2 for first place: both take place 2, as rank_among does in the evaluation
    assert m._rank_matrix(scores).tolist() == [[3.0, 2.0, 2.0, 4.0]]
    assert m._ranks(scores, [[1], [], ]) == [2]
    assert m._ranks(np.vstack([scores, scores]), [[0, 3], []]) == [3, None]


def test_report_before_collect_is_a_one_line_error(tmp_path, capsys):
    assert _module().main(["report", str(tmp_path), "dev"]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
