"""Range-less laboratory rows in the population screen: read against the same published age (and sex) specific
limits as the per-child assessment (phenotype/lab_fallback_limits.yaml). Real CDMs often leave range_low and
range_high empty: the vendored Synthea27Nj CDM has no range on any of its 10,040 measurement rows.

Limits, both sides: haemoglobin 90 g/L at 1-3 months (DALLMAN1977), 130 g/L for males from 15 years and 120 for
females (WHO-HB-2024); platelets 150 x 10^9/L (MURPHY1999).
"""

from __future__ import annotations

import datetime as dt

import pytest
from cdm_builder import GENDERS, Cdm, to_duckdb

pytest.importorskip("ibis")

from rarebone.screening import concepts, engine, run_screen  # noqa: E402
from rarebone.screening.cdm import connect  # noqa: E402
from rarebone.screening.rules import load_rules  # noqa: E402

HB, PLT, CRP = "718-7", "777-3", "1988-5"
HYPOCALCEMIA = "5291005"
D = dt.date


def _days(birth, n):
    return birth + dt.timedelta(days=n)


def _build():
    c = Cdm()
    male, female = GENDERS["M"], GENDERS["F"]
    # 1: infant, no ranges anywhere: Hb 8.9 g/dL at 60 days (< 90 g/L), platelets 60, hypocalcaemia coded: flagged
    b = D(2023, 1, 10)
    c.add_person(1, b, gender=female)
    c.visit(1, _days(b, 60))
    c.lab(1, _days(b, 60), HB, 8.9, None, None, "g/dL")
    c.lab(1, _days(b, 70), PLT, 60, None, None, "10*9/L")
    c.condition(1, _days(b, 80), HYPOCALCEMIA)
    # 2: the same infant at the limits (Hb 9.0 g/dL = 90 g/L, platelets 150): not below, not flagged
    c.add_person(2, b, gender=female)
    c.lab(2, _days(b, 60), HB, 9.0, None, None, "g/dL")
    c.lab(2, _days(b, 70), PLT, 150, None, None, "10*9/L")
    c.condition(2, _days(b, 80), HYPOCALCEMIA)
    # 3: below the published limits but inside the row's own range: the laboratory's range wins
    c.add_person(3, b, gender=female)
    c.lab(3, _days(b, 60), HB, 8.0, 7.5, 12.0, "g/dL")
    c.lab(3, _days(b, 70), PLT, 60, 50, 450, "10*9/L")
    c.condition(3, _days(b, 80), HYPOCALCEMIA)
    # 4: no unit on the rows: not convertible, so not read (and counted as skipped)
    c.add_person(4, b, gender=female)
    c.lab(4, _days(b, 60), HB, 8.0, None, None)
    c.lab(4, _days(b, 70), PLT, 60, None, None)
    c.condition(4, _days(b, 80), HYPOCALCEMIA)
    # 5-7: haemoglobin 12.5 g/dL at 16 years: anaemia for a male (< 130), not for a female (>= 120); unknown sex: no band
    t = D(2008, 1, 1)
    for pid, gender in ((5, male), (6, female), (7, 0)):
        c.add_person(pid, t, gender=gender)
        c.lab(pid, _days(t, 16 * 365 + 30), HB, 12.5, None, None, "g/dL")
    # 8: CRP without a range: no published limit, counted as skipped
    c.add_person(8, D(2012, 5, 5), gender=male)
    c.lab(8, D(2021, 1, 1), CRP, 40, None, None, "mg/L")
    return c


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    c = _build()
    url = to_duckdb(c.frames(), tmp_path_factory.mktemp("cdm") / "cdm.duckdb")
    return run_screen(url, progress=False), url, c


def _anaemia_events(url) -> set[int]:
    rules = load_rules()
    cdm = connect(url)
    resolution = concepts.resolve(cdm, rules)
    ev = engine.events(cdm, rules, resolution).to_pandas()
    anemia_sets = {r.set_id for r in rules.labs if r.id == "SCREEN-LAB-ANEMIA"}
    return set(ev[ev.set_id.isin(anemia_sets) & (ev.source == "measurement")].person_id.astype(int))


def test_rangeless_infant_labs_are_read_against_the_published_limits(screened):
    result, _, _ = screened
    flagged = {int(p): f for p, f in zip(result.flagged.person_id, result.flagged.family)}
    assert flagged.get(1) == "osteopetrosis"
    assert 2 not in flagged  # at the limit is not below it
    assert 3 not in flagged  # the row's own range wins
    assert 4 not in flagged  # no unit: not converted, not read


def test_sex_specific_haemoglobin_limit_for_adolescents(screened):
    _, url, _ = screened
    got = _anaemia_events(url)
    assert 5 in got and 6 not in got and 7 not in got
    assert 1 in got and 2 not in got and 3 not in got


def test_skipped_rows_are_those_no_published_limit_reads(screened):
    result, _, _ = screened
    # person 4's two unit-less rows and person 8's CRP; person 7's haemoglobin has a convertible unit
    assert result.skipped_lab_rows == 3


def test_the_pandas_reference_reads_the_same_rows(screened):
    from rarebone.screening.pandas_reference import screen_person

    result, _, c = screened
    tables = c.frames()
    loop = {}
    for pid in range(1, 9):
        own = {k: (v[v.person_id == pid] if "person_id" in v.columns else v) for k, v in tables.items()}
        for family in screen_person(own, pid):
            loop[pid] = family
    assert loop == {int(p): f for p, f in zip(result.flagged.person_id, result.flagged.family)}


def test_fallback_bands_are_the_per_child_entries():
    from rarebone.knowledge import load
    from rarebone.knowledge.kinds.phenotype import LabFallbackLimit

    rules = load_rules()
    kb = load()
    anemia = next(r for r in rules.labs if r.id == "SCREEN-LAB-ANEMIA")
    assert {b.id for b in anemia.fallback} == {e.id for e in kb.of_kind(LabFallbackLimit) if e.analyte == "hemoglobin"}
    crp = next(r for r in rules.labs if r.id == "SCREEN-LAB-CRP-HIGH")
    assert crp.fallback == ()
