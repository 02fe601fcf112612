"""--cohort expressions: a grammar, never eval."""

from __future__ import annotations

import pandas as pd
import pytest

from rarebone.analytics.cohort_filter import apply
from rarebone.errors import InputError


@pytest.fixture
def frame():
    return pd.DataFrame({
        "diagnosis": ["MIOP", "IOP", "CNO", "MIOP"],
        "transplant.donor_type": ["haploidentical", "matched_sibling", None, "haploidentical"],
        "transplant.age_at_transplant_days": [300.0, 1200.0, None, 90.0],
        "transplant.abo_matched": [True, False, None, False],
    })


@pytest.mark.parametrize("expression, rows", [
    ("diagnosis in (MIOP, IOP) and transplant.donor_type == 'haploidentical'", [0, 3]),
    ("diagnosis not in (MIOP)", [1, 2]),
    ("donor_type == haploidentical or diagnosis == \"CNO\"", [0, 2, 3]),
    ("not (diagnosis == MIOP)", [1, 2]),
    ("age_at_transplant_days >= 300", [0, 1]),
    ("age_at_transplant_days < 300 and abo_matched == false", [3]),
    ("donor_type is null", [2]),
    ("donor_type is not null and diagnosis != IOP", [0, 3]),
    ("", [0, 1, 2, 3]),
])
def test_expressions_select_rows(frame, expression, rows):
    assert list(apply(frame, expression).index) == rows


@pytest.mark.parametrize("expression, message", [
    ("__import__('os').system('true')", "unknown field"),
    ("diagnosis == MIOP; drop", "cannot read"),
    ("nonsense == 1", "unknown field"),
    ("diagnosis in (MIOP", "expected"),
    ("age_at_transplant_days > young", "needs a number"),
    ("diagnosis == MIOP extra", "unexpected text"),
])
def test_bad_expressions_are_input_errors(frame, expression, message):
    with pytest.raises(InputError, match=message):
        apply(frame, expression)
