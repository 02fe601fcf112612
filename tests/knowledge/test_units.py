"""Unit conversions against the reference's conventions, both ways, and refusals."""

from __future__ import annotations

import pytest

from rarebone.errors import ImplausibleValueError, UnitError
from rarebone.knowledge import unit_converter


def test_calcium_conversion_against_reference_conventions():
    # 1 mmol/L = 4.008 mg/dL (clinical-reference conventions); 11.0 mg/dL = 2.74 mmol/L (Martinez 2010 threshold)
    conv = unit_converter()
    assert conv.to_canonical("calcium", 4.008, "UCUM:mg/dL") == pytest.approx(1.0, abs=1e-4)
    assert conv.to_canonical("calcium", 11.0, "UCUM:mg/dL") == pytest.approx(2.74, abs=0.005)


def test_bilirubin_conversion_against_reference_conventions():
    # 1 mg/dL = 17.1 umol/L; 2 mg/dL ~ 34 umol/L (VOD tables)
    assert unit_converter().to_canonical("bilirubin", 2.0, "UCUM:mg/dL") == pytest.approx(34.2)


def test_cell_counts_per_microlitre_become_10e9_per_litre():
    conv = unit_converter()
    assert conv.to_canonical("anc", 500, "UCUM:/uL") == pytest.approx(0.5)
    assert conv.to_canonical("platelets", 20, None, "10^3/uL") == pytest.approx(20)


def test_unit_that_cannot_be_converted_is_an_error_not_a_guess():
    with pytest.raises(UnitError, match="cannot be converted"):
        unit_converter().to_canonical("calcium", 2.1, "UCUM:g/L")


def test_impossible_value_is_refused():
    with pytest.raises(ImplausibleValueError):
        unit_converter().to_canonical("hemoglobin", -3, "UCUM:g/dL")
    with pytest.raises(ImplausibleValueError):
        unit_converter().to_canonical("hemoglobin", 95, "UCUM:g/dL")  # 950 g/L: a typing error
