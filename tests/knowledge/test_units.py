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


# --- issue 9: spellings real case reports use, and the analytes they report -----------------------------------

def test_no_two_unit_spellings_collide_after_normalisation(kb):
    # Spellings are matched case-insensitively: "G/L" (giga per litre, French usage) would collide with "g/L"
    # (gram per litre) and turn a haemoglobin into a cell count. Every normalised spelling names one UCUM unit.
    from rarebone.core.units import _norm
    from rarebone.knowledge.kinds.base import UnitAlias

    seen: dict[str, str] = {}
    for entry in kb.of_kind(UnitAlias):
        for alias in [entry.ucum, *entry.aliases]:
            key = _norm(alias)
            assert seen.setdefault(key, entry.ucum) == entry.ucum, (alias, seen[key], entry.ucum)


@pytest.mark.parametrize("analyte,value,unit,expected", [
    ("hemoglobin", 8.5, "g/dl", 85.0),          # UCUM: 1 g/dL = 10 g/L
    ("calcium", 8.016, "mg/dl", 2.0),           # 1 mmol/L = 4.008 mg/dL (reference conventions)
    ("platelets", 45, "10^9/L", 45.0),
    ("platelets", 45000, "/mm3", 45.0),         # 1 mm3 = 1 uL; /uL divided by 1000
    ("wbc", 12.3, "x10^3/mm3", 12.3),
    ("anc", 800, "cells/mm³", 0.8),
    ("esr", 40, "mm/h", 40.0),
    ("esr", 40, "mm/1h", 40.0),
    ("crp", 3.2, "mg/dl", 32.0),                # 1 mg/dL = 10 mg/L
    ("trap", 25, "IU/L", 25.0),
    ("acid_phosphatase", 12, "U/l", 12.0),
    ("ck_bb", 60, "U/L", 60.0),
])
def test_common_spellings_against_ucum(analyte, value, unit, expected):
    assert unit_converter().to_canonical(analyte, value, None, unit) == pytest.approx(expected)


@pytest.mark.parametrize("analyte,unit", [("platelets", "g/dl"), ("hemoglobin", "10^9/L"), ("esr", "mm"),
                                          ("trap", "ng/mL"), ("calcium", "mg")])
def test_unknown_or_wrong_unit_is_an_error_never_a_guess(analyte, unit):
    with pytest.raises(UnitError):
        unit_converter().to_canonical(analyte, 1.0, None, unit)


def test_case_report_analytes_are_read_by_loinc():
    conv = unit_converter()
    wanted = {"718-7": "hemoglobin", "777-3": "platelets", "6690-2": "wbc", "751-8": "anc", "17861-6": "calcium",
              "1994-3": "calcium_ionized", "2777-1": "phosphate", "6768-6": "alkaline_phosphatase", "2731-8": "pth",
              "1988-5": "crp", "4537-7": "esr", "2532-0": "ldh", "2276-4": "ferritin", "16316-2": "trap",
              "12173-1": "acid_phosphatase"}
    assert {code: conv.analyte_for_loinc("LOINC:" + code).key for code in wanted} == wanted
