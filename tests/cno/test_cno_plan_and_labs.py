"""ESR/CRP visit window, weight plausibility before any dose, human dose units, the Miettunen schedule, PDF output."""

import datetime as dt
import json
import subprocess
import sys

import pytest

from rarebone.cno.activity import lab_near
from rarebone.cno.ladder import read_treatments, unit_text
from rarebone.cno.pamidronate import pamidronate_calendar
from rarebone.errors import InputError, SafetyRefusal
from rarebone.patient.growth import check_weight, weight_range
from rarebone.workflows.cno_course import build_course
from rarebone.workflows.cno_plan import build_plan
from tests.cno.conftest import EXAMPLES, example, minimal, patient_from

VISIT = dt.date(2026, 3, 10)


def esr(value, day: dt.date) -> dict:
    return {"assay": {"id": "LOINC:4537-7", "label": "ESR"},
            "value": {"quantity": {"unit": {"id": "UCUM:mm/h", "label": "mm/h"}, "value": value,
                                   "referenceRange": {"unit": {"id": "UCUM:mm/h", "label": "mm/h"}, "low": 0, "high": 20}}},
            "timeObserved": {"timestamp": f"{day.isoformat()}T08:00:00Z"}}


def _near(kb, *measurements):
    window = kb.get("CNO-LAB-VISIT-WINDOW").value
    return lab_near(patient_from(minimal(measurements=measurements)), "esr", VISIT, window)


def test_lab_window_boundary_against_rarebone_choice(kb):
    """CNO-LAB-VISIT-WINDOW = 7 days, inclusive: 7 days before or after counts, 8 days does not."""
    assert kb.get("CNO-LAB-VISIT-WINDOW").value == 7
    assert _near(kb, esr(30, VISIT - dt.timedelta(days=7)))[0] == 30
    assert _near(kb, esr(30, VISIT + dt.timedelta(days=7)))[0] == 30
    assert _near(kb, esr(30, VISIT - dt.timedelta(days=8))) == (None, None, None)
    assert _near(kb, esr(30, VISIT + dt.timedelta(days=8))) == (None, None, None)


def test_lab_window_nearest_wins_and_ties_go_to_the_earlier(kb):
    assert _near(kb, esr(30, VISIT - dt.timedelta(days=5)), esr(12, VISIT + dt.timedelta(days=2)))[0] == 12
    value, normal, measured = _near(kb, esr(30, VISIT + dt.timedelta(days=3)), esr(25, VISIT - dt.timedelta(days=3)))
    assert (value, normal, measured) == (25, False, VISIT - dt.timedelta(days=3))


def test_course_shows_the_measurement_date_when_it_differs(kb):
    """The 18-month visit of the example (2026-07-20) takes the ESR of 2026-07-17 (3 days earlier)."""
    course = build_course([EXAMPLES / "cno-multivisit.json"], kb)
    v = course.patients[0].visits[-1]
    assert (v.esr_mm_per_h, v.esr_date, v.date) == (9, dt.date(2026, 7, 17), dt.date(2026, 7, 20))
    from rarebone.report.cno_render import course_html, course_text

    assert "9 mm/h (normal, measured 2026-07-17)" in course_text(course, kb)
    assert "measured 2026-07-17" in course_html(course, kb)
    assert "40 mm/h (raised)" in course_text(course, kb)  # same day: no date repeated


# ---- weight plausibility (the same WHO-based reference as the transplant planner) ----

def test_weight_plausibility_boundary_against_who_growth_reference(kb):
    """TX-GROWTH-PLAUSIBILITY at 10 years (120 months, WHO 2007 tables): -3 SD 20.29 kg x 0.75 = 15.2175 kg;
    +3 SD 59.18 kg x 1.5 = 88.77 kg (TX-GROWTH-MARGINS)."""
    ten_years = 120 * 365.25 / 12
    r = weight_range(kb, ten_years)
    assert r.low_kg == pytest.approx(15.2175) and r.high_kg == pytest.approx(88.77) and r.certainty == "verified"
    check_weight(kb, 15.22, ten_years)
    check_weight(kb, 88.77, ten_years)
    with pytest.raises(SafetyRefusal, match="implausible"):
        check_weight(kb, 15.2, ten_years)
    with pytest.raises(SafetyRefusal, match="implausible"):
        check_weight(kb, 88.8, ten_years)


def test_weight_bounds_above_10_years_are_marked_unverified(kb):
    """The 180- and 216-month weight rows are rarebone estimates (weight_certainty: unverified): a 12-year-old's
    range says so."""
    r = weight_range(kb, 144 * 365.25 / 12)
    assert r.certainty == "unverified" and "UNVERIFIED" in r.describe()


def _with_weight(value_kg, tmp_path):
    doc = example("cno-clavicle-tibia.json")
    for m in doc["measurements"]:
        if m["assay"]["id"] == "LOINC:29463-7":
            m["value"]["quantity"]["value"] = value_kg
    path = tmp_path / "child.json"
    path.write_text(json.dumps(doc))
    return path


def test_implausible_weight_refuses_the_calendar(kb, tmp_path):
    """A 10-year-old recorded at 120 kg (above 1.5 x the +3 SD weight, 88.77 kg): refused, field and value named."""
    with pytest.raises(SafetyRefusal) as err:
        build_plan(_with_weight(120, tmp_path), kb)
    assert "measurements[" in str(err.value) and "120" in str(err.value)


def test_missing_weight_refuses_unless_ladder_only(kb, tmp_path):
    doc = example("cno-clavicle-tibia.json")
    doc["measurements"] = [m for m in doc["measurements"] if m["assay"]["id"] != "LOINC:29463-7"]
    path = tmp_path / "child.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="29463-7"):
        build_plan(path, kb)
    plan = build_plan(path, kb, ladder_only=True)
    assert plan.pamidronate == [] and all(o.computed_dose is None for o in plan.ladder.next_options)


def test_plausible_weight_is_reported(kb):
    plan = build_plan(EXAMPLES / "cno-clavicle-tibia.json", kb)
    assert plan.weight_check and "accepted" in plan.weight_check and "TX-GROWTH-PLAUSIBILITY" in plan.weight_check


# ---- units ----

def test_dose_units_are_printed_for_people_and_kept_as_codes_in_json(kb):
    assert unit_text(kb, "UCUM:mg") == "mg"
    assert unit_text(kb, "UCUM:mg/kg") == "mg/kg"
    assert unit_text(kb, "UCUM:mg/(kg.d)") == "mg/kg/day"
    assert unit_text(kb, "UCUM:mg/kg/d") == "mg/kg/day"
    seen = read_treatments(patient_from(example("cno-multivisit.json")), kb)
    assert seen[0].dose == "400 mg twice daily" and seen[0].doses[0].unit == "UCUM:mg"
    assert "UCUM:" not in " ".join(t.dose or "" for t in seen)


# ---- Miettunen ----

def test_miettunen_doses_against_miettunen2019(kb):
    """MIETTUNEN2019: first dose 0.5 mg/kg, then 1 mg/kg, max 60 mg. 40 kg: 20 mg then 40 mg.
    60 kg: 60 mg (at the maximum, not capped); 61 kg: 61 mg capped to 60 mg."""
    cal = pamidronate_calendar(kb, "miettunen2009", 40.0)
    assert [i.dose_mg for i in cal.infusions[:3]] == [20.0, 40.0, 40.0]
    assert cal.certainty == "secondary" and cal.disagreement and "dose varied" in cal.disagreement
    assert not pamidronate_calendar(kb, "miettunen2009", 60.0).infusions[1].capped
    assert pamidronate_calendar(kb, "miettunen2009", 61.0).infusions[1].dose_mg == 60.0


def test_miettunen_three_monthly_year_fills_the_cap_exactly_against_miettunen2009(kb):
    """4 cycles at 91 days: 0.5 + 1 + 1 + 3 x (1 + 1 + 1) = 11.5 mg/kg = the MIETTUNEN2009 yearly cap; nothing held."""
    cal = pamidronate_calendar(kb, "miettunen2009", 40.0)
    assert len(cal.infusions) == 12 and not any(i.held for i in cal.infusions)
    assert cal.total_mg_first_year == pytest.approx(11.5 * 40)


def test_a_three_monthly_year_has_four_cycles_against_kerrison2004(kb):
    """365.25 / 91 = 4.01 -> 4 cycles of 3 days; a fifth cycle on day 364 belongs to the second year."""
    cal = pamidronate_calendar(kb, "kerrison2004", 30.0)
    assert max(i.cycle for i in cal.infusions) == 4 and cal.total_mg_first_year == 12 * 30.0


def test_plan_text_shows_the_miettunen_uncertainty(kb):
    from rarebone.report.cno_render import plan_html, plan_text

    plan = build_plan(EXAMPLES / "cno-multivisit.json", kb, regimen="miettunen2009")
    text = plan_text(plan, kb)
    assert "SOURCES DISAGREE" in text and "[secondary source]" in text and "UCUM" not in text
    html = plan_html(plan, kb)
    assert "SOURCES DISAGREE" in html and "MIETTUNEN2019" in html and "UCUM" not in html


# ---- PDF (real headless Chromium) ----

def _run(*args):
    return subprocess.run([sys.executable, "-m", "rarebone", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", [["cno", "plan", str(EXAMPLES / "cno-multivisit.json"), "--start", "2026-08-01"],
                                     ["cno", "course", str(EXAMPLES)]])
def test_pdf_output(tmp_path, command):
    from rarebone.report.pdf import find_chromium

    if find_chromium() is None:
        pytest.skip("Chromium not installed (PDF output needs it; .ci/run installs it)")
    out = tmp_path / "out.pdf"
    r = _run(*command, "--format", "pdf", "-o", str(out))
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000  # charts and tables, not an empty page


def test_pdf_needs_an_output_file():
    r = _run("cno", "plan", str(EXAMPLES / "cno-multivisit.json"), "--format", "pdf")
    assert r.returncode == 2 and "--output" in r.stderr and r.stdout == ""


def test_old_weight_warning_boundary_against_rarebone_choice(kb):
    """CNO-WEIGHT-RECENT-DAYS = 90: weighed 2025-07-12; first infusion 2025-10-10 is 90 days later (no warning),
    2025-10-11 is 91 days (warning: re-weigh)."""
    quiet = build_plan(EXAMPLES / "cno-multivisit.json", kb, dt.date(2025, 10, 10), "simm2008")
    loud = build_plan(EXAMPLES / "cno-multivisit.json", kb, dt.date(2025, 10, 11), "simm2008")
    assert not any("re-weigh" in w for w in quiet.warnings)
    assert any("91 days" in w and "re-weigh" in w for w in loud.warnings)


@pytest.mark.parametrize("weight_kg, warned", [(72.0, True), (30.0, False), (30.5, True)])
def test_uncapped_schedule_warns_when_a_dose_passes_the_lowest_published_maximum(kb, weight_kg, warned):
    """S3 (Simm 2008) gives 1 mg/kg with no per-dose maximum; the lowest maximum of the other schedules is
    Kerrison's 30 mg: 72 kg -> 72 mg and 30.5 kg -> 30.5 mg pass it, 30 kg -> 30 mg does not."""
    from rarebone.cno.pamidronate import pamidronate_calendar

    cal = pamidronate_calendar(kb, "simm2008", weight_kg, None)
    assert (cal.uncapped_above_other_maxima is not None) is warned
    capped = pamidronate_calendar(kb, "kerrison2004", weight_kg, None)
    assert capped.uncapped_above_other_maxima is None  # a schedule with its own maximum never gets the warning
