"""Published age-specific limits for a bare laboratory value (no reference range, no laboratory flag).

Each limit is tested against its published value on both sides, at both ends of its age band. Sources:
platelets < 150 x 10^9/L at every age (MURPHY1999); haemoglobin mean - 2 SD below 6 months (DALLMAN1977) and the
WHO 2024 cut-offs from 6 months (WHO-HB-2024); total calcium < 1.75 mmol/L in the first 28 days and < 2.0 mmol/L
after (GOMELLA2020-CALCIUM).
"""

from __future__ import annotations

import datetime as dt

import pytest

from rarebone.knowledge import load
from rarebone.knowledge.kinds.base import Analyte
from rarebone.knowledge.kinds.phenotype import LabFallbackLimit
from rarebone.patient import Measurement, Patient, Sex, TimePoint
from rarebone.phenotype.labs import outside_published_limit, uninterpreted_measurements, with_lab_findings

KB = load()
ANEMIA, THROMBOCYTOPENIA, HYPOCALCEMIA = "HP:0001903", "HP:0001873", "HP:0002901"
ANALYTES = {"hemoglobin": ("718-7", "g/L"), "platelets": ("777-3", "10*9/L"), "calcium": ("17861-6", "mmol/L")}


def _patient(analyte: str, value: float, age_days: float | None, *, sex: Sex = Sex.FEMALE,
             last_age: float | None = None, **measure) -> Patient:
    loinc, unit = ANALYTES[analyte]
    time = TimePoint(age_days=age_days) if age_days is not None else None
    m = Measurement(assay_id=f"LOINC:{loinc}", assay_label=analyte, analyte=analyte, value=value, unit=unit,
                    time=time, json_path="$.measurements[0]", **measure)
    return Patient(patient_id="p", source="p.json", sex=sex, age_days=last_age, measurements=(m,))


def _derived(patient: Patient) -> set[str]:
    return {f.hpo_id for f in with_lab_findings(patient, KB)[0].features}


# (analyte, limit in canonical unit, first day of the band, first day after it, sex, HPO term, source)
BANDS = [
    ("platelets", 150, 0, None, Sex.FEMALE, THROMBOCYTOPENIA, "MURPHY1999"),
    ("hemoglobin", 125, 0, 14, Sex.FEMALE, ANEMIA, "DALLMAN1977"),
    ("hemoglobin", 100, 14, 30.4375, Sex.FEMALE, ANEMIA, "DALLMAN1977"),
    ("hemoglobin", 90, 30.4375, 91.3125, Sex.FEMALE, ANEMIA, "DALLMAN1977"),
    ("hemoglobin", 95, 91.3125, 182.625, Sex.FEMALE, ANEMIA, "DALLMAN1977"),
    ("hemoglobin", 105, 182.625, 730.5, Sex.FEMALE, ANEMIA, "WHO-HB-2024"),
    ("hemoglobin", 110, 730.5, 1826.25, Sex.FEMALE, ANEMIA, "WHO-HB-2024"),
    ("hemoglobin", 115, 1826.25, 4383, Sex.FEMALE, ANEMIA, "WHO-HB-2024"),
    ("hemoglobin", 120, 4383, 5478.75, Sex.FEMALE, ANEMIA, "WHO-HB-2024"),
    ("hemoglobin", 120, 5478.75, None, Sex.FEMALE, ANEMIA, "WHO-HB-2024"),
    ("hemoglobin", 130, 5478.75, None, Sex.MALE, ANEMIA, "WHO-HB-2024"),
    ("calcium", 1.75, 0, 28, Sex.FEMALE, HYPOCALCEMIA, "GOMELLA2020-CALCIUM"),
    ("calcium", 2.0, 28, None, Sex.FEMALE, HYPOCALCEMIA, "GOMELLA2020-CALCIUM"),
]


@pytest.mark.parametrize("analyte,limit,start,end,sex,term,source", BANDS)
def test_limit_against_published_value_both_sides_at_both_ends_of_the_band(analyte, limit, start, end, sex, term, source):
    step = 0.01 if analyte == "calcium" else 1
    for age in (start, (end - 0.5) if end is not None else start + 3650):
        assert term in _derived(_patient(analyte, limit - step, age, sex=sex)), (analyte, age)
        assert term not in _derived(_patient(analyte, limit, age, sex=sex)), (analyte, age)
    entry = next(e for e in KB.of_kind(LabFallbackLimit) if e.analyte == analyte and e.limit == limit
                 and e.age_from_days == start)
    assert source in entry.sources


def test_the_age_band_changes_at_its_boundary():
    # 100 g/L is normal just before 6 months (limit 95) and anaemia from 6 months (limit 105).
    assert ANEMIA not in _derived(_patient("hemoglobin", 100, 182.6))  # 3-5 months band: limit 95
    assert ANEMIA in _derived(_patient("hemoglobin", 100, 182.625))  # 6-23 months band: limit 105
    assert HYPOCALCEMIA not in _derived(_patient("calcium", 1.8, 27.9))  # neonatal: limit 1.75
    assert HYPOCALCEMIA in _derived(_patient("calcium", 1.8, 28))  # after 28 days: limit 2.0


def test_every_limit_is_in_the_analytes_canonical_unit_and_cited():
    canonical = {a.key: a.canonical_unit for a in KB.of_kind(Analyte)}
    entries = list(KB.of_kind(LabFallbackLimit))
    assert entries
    for e in entries:
        assert e.unit == canonical[e.analyte], e.id
        assert e.sources and all(s in KB.sources for s in e.sources), e.id


def test_the_laboratory_range_wins_over_the_published_limit():
    # 100 g/L at 3 years is below WHO's 110, but the laboratory's own range starts at 95.
    p = _patient("hemoglobin", 100, 1100, reference_low=95)
    assert ANEMIA not in _derived(p)
    assert not uninterpreted_measurements(p, KB)


def test_the_laboratory_flag_wins_over_the_published_limit():
    assert ANEMIA not in _derived(_patient("hemoglobin", 80, 1100, lab_flag="normal"))
    assert ANEMIA in _derived(_patient("hemoglobin", 130, 1100, lab_flag="below"))


def test_an_undated_value_is_read_at_the_age_at_last_encounter_and_says_so():
    p = _patient("hemoglobin", 100, None, last_age=400)  # 13 months: limit 105
    out, how = outside_published_limit(p.measurements[0], "below", p, KB)
    assert out is True
    assert "read at the age at last encounter" in how and "LABFALLBACK-HB-6-23M" in how


def test_a_value_with_a_date_is_read_at_the_age_on_that_date():
    m = Measurement(assay_id="LOINC:718-7", assay_label="Hb", analyte="hemoglobin", value=100, unit="g/L",
                    time=TimePoint(timestamp=dt.datetime(2026, 3, 1)), json_path="$.measurements[0]")
    born = dt.date(2026, 1, 1)  # 59 days old: limit 90, so 100 is not anaemia
    p = Patient(patient_id="p", source="p.json", sex=Sex.MALE, date_of_birth=born, age_days=3000, measurements=(m,))
    assert ANEMIA not in _derived(p)


def test_without_any_age_only_a_limit_valid_at_every_age_is_used_and_the_most_lenient():
    assert THROMBOCYTOPENIA in _derived(_patient("platelets", 149, None))
    # Calcium: 1.8 is below the 2.0 of older children but not below the neonatal 1.75: not read without an age.
    assert HYPOCALCEMIA not in _derived(_patient("calcium", 1.8, None))
    assert HYPOCALCEMIA in _derived(_patient("calcium", 1.7, None))
    # Haemoglobin bands from 15 years are sex-specific: with the sex unknown no limit covers every age.
    assert ANEMIA not in _derived(_patient("hemoglobin", 60, None, sex=Sex.UNKNOWN))
    assert uninterpreted_measurements(_patient("hemoglobin", 60, None, sex=Sex.UNKNOWN), KB)


def test_an_adolescent_of_unknown_sex_has_no_haemoglobin_limit_and_the_value_is_listed():
    p = _patient("hemoglobin", 110, 6000, sex=Sex.UNKNOWN)
    assert ANEMIA not in _derived(p)
    assert "no published limit" in uninterpreted_measurements(p, KB)[0]


def test_the_uncertain_limits_say_so_in_the_output():
    p = _patient("hemoglobin", 100, 400)
    _, how = outside_published_limit(p.measurements[0], "below", p, KB)
    assert "secondary" in how
    entry = KB.get("LABFALLBACK-HB-6-23M")
    assert entry.disagreement and "110" in entry.disagreement
