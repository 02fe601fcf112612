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


@pytest.mark.parametrize("expression, field, hint", [
    ("diagnosis == miop", "diagnosis", "did you mean 'MIOP'?"),
    ("donor_relation == Father", "transplant.donor_relation", "did you mean 'father'?"),
    ("sex == maybe", "sex", None),
    ("diagnosis in (MIOP, iop)", "diagnosis", "did you mean 'IOP'?"),
    ("transplant.hla_total == 7", "transplant.hla_total", None),
])
def test_unknown_choice_value_is_an_error_naming_field_and_allowed_values(expression, field, hint):
    frame = pd.DataFrame({"diagnosis": ["MIOP"], "sex": ["male"], "transplant.donor_relation": ["father"],
                          "transplant.hla_total": [10]})
    with pytest.raises(InputError) as info:
        apply(frame, expression)
    text = str(info.value)
    assert "\n" not in text and text.startswith("--cohort") and f"unknown value for {field}" in text
    assert "allowed:" in text
    assert (hint in text) if hint else "did you mean" not in text


def test_known_choice_values_pass():
    frame = pd.DataFrame({"diagnosis": ["MIOP", "IOP"], "transplant.hla_total": [10, 6]})
    assert len(apply(frame, "diagnosis == MIOP and hla_total == 10")) == 1
