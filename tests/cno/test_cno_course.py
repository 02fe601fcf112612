import pytest

from rarebone.cno.activity import pedcno_response
from rarebone.cno.activity import VisitActivity
from rarebone.cno.lesions import track_lesions
from rarebone.cno.pamidronate import pamidronate_calendar
from rarebone.cno.record import read_cno_record
from rarebone.errors import InputError
from rarebone.workflows.cno_course import build_course
from tests.cno.conftest import EXAMPLES, example, patient_from
import datetime as dt
from hypothesis import given, strategies as st


def test_lesions_resolve_persist_appear_and_reappear(kb):
    record = read_cno_record(example("cno-multivisit.json")["rareboneExtensions"]["cno"], kb)
    tracks = {t.key: [s.status for s in t.statuses] for t in track_lesions(record)}
    assert tracks["clavicle/medial/left"] == ["baseline", "improved", "resolved", "resolved"]
    assert tracks["vertebra_thoracic/T8"] == ["baseline", "stable", "stable", "improved"]  # 12 mm moderate -> 10 mm mild
    # resolved at 6 months, back at 12 months, then compared with its reappearance (9 mm mild -> 9 mm mild)
    assert tracks["tibia/proximal_metaphysis/left"] == ["baseline", "resolved", "reappeared", "stable"]
    assert tracks["calcaneus/right"] == ["absent", "new", "resolved", "reappeared"]
    assert tracks["ilium/left"] == ["absent", "absent", "new", "stable"]


def test_course_summary_in_s4_form(kb):
    """4 baseline lesions: clavicle and femur resolved, T8 improved, tibia resolved then came back (recurred, not
    'stable'). New lesions = 2 new sites (calcaneus, ilium) + 1 recurrent baseline lesion (tibia) = 3; symptomatic:
    ilium (at first sight) and tibia (at reappearance) = 2; calcaneus was silent."""
    course = build_course([EXAMPLES / "cno-multivisit.json"], kb)
    s = course.summary
    assert (s.baseline_lesions, s.resolved, s.improved, s.stable, s.progressed, s.recurred, s.not_reimaged) == (4, 2, 1, 0, 0, 1, 0)
    assert (s.new_lesions, s.new_sites, s.recurrent_lesions, s.symptomatic_new_lesions) == (3, 2, 1, 2)
    assert s.patients_with_new_lesions == 1 and s.patients_with_symptomatic_new_lesions == 1
    assert course.patients[0].visits[0].esr_mm_per_h == 40


def test_folder_course_reports_all_patients(kb):
    course = build_course([EXAMPLES], kb)
    assert course.summary.patients == 4 and not course.errors


@pytest.mark.parametrize("cno,field", [
    ({"pgaScale": "nrs_0_10", "visits": [{"date": "2026-01-01", "pga": 11}]}, "visits[0].pga"),
    ({"pgaScale": "nrs_0_10", "visits": [{"date": "2026-02-01"}, {"date": "2026-01-01"}]}, "visits[1].date"),
    ({"imaging": [{"modality": "mri", "lesions": []}]}, "imaging[0].date"),
    ({"imaging": [{"date": "2026-01-01", "modality": "mri", "lesions": [{"site": "tibia"}]}]}, "lesions[0].side"),
    ({"visits": [{"date": "2026-01-01", "pga": 3}]}, "pgaScale"),
])
def test_bad_extension_names_the_field(kb, cno, field):
    with pytest.raises(InputError, match=field.replace("[", r"\[").replace("]", r"\]")):
        read_cno_record(cno, kb)


def _visit(label, **core):
    return VisitActivity(date=dt.date(2026, 1, 1), label=label, pedcno_core=core)


def test_pedcno30_boundary_against_pedacr(kb):
    """PEDACR-2013: >= 30% improvement in >= 3 of 5. 10 -> 7 is exactly 30%: improved; 10 -> 7.1 is 29%: not."""
    rule = kb.get("CNO-PEDCNO-30")
    base = _visit("b", esr=10.0, mri_lesions=10.0, pga=10.0, patient_global=10.0, chaq=1.0)
    assert pedcno_response(base, _visit("n", esr=7.0, mri_lesions=7.0, pga=7.0, patient_global=10.0, chaq=1.0), rule).result == "met"
    assert pedcno_response(base, _visit("n", esr=7.1, mri_lesions=7.0, pga=7.0, patient_global=10.0, chaq=1.0), rule).result == "not_met"


def test_pedcno_worsening_readings_disagree_at_exactly_30_percent(kb):
    """Worsening by exactly 30% in two variables: '> 30%' (PEDACR-2013) allows it; '>= 30%' (PEDACR-2015) does not."""
    base = _visit("b", esr=10.0, mri_lesions=10.0, pga=10.0, patient_global=10.0, chaq=1.0)
    now = _visit("n", esr=5.0, mri_lesions=5.0, pga=5.0, patient_global=13.0, chaq=1.3)
    assert pedcno_response(base, now, kb.get("CNO-PEDCNO-30")).result == "met"
    assert pedcno_response(base, now, kb.get("CNO-PEDCNO-30-ALT")).result == "not_met"


def test_pamidronate_dose_against_simm2008(kb):
    """S3: 1 mg/kg/dose: 32 kg -> 32 mg per infusion."""
    cal = pamidronate_calendar(kb, "simm2008", 32.0, dt.date(2026, 4, 1))
    assert cal.infusions[0].dose_mg == 32.0 and cal.infusions[1].date == dt.date(2026, 8, 1)


def test_pamidronate_cap_against_kerrison2004(kb):
    """Kerrison: 1 mg/kg, max 30 mg: 30 kg -> 30 mg uncapped; 31 kg -> capped at 30 mg."""
    assert not pamidronate_calendar(kb, "kerrison2004", 30.0).infusions[0].capped
    assert pamidronate_calendar(kb, "kerrison2004", 31.0).infusions[0].dose_mg == 30.0


def test_pamidronate_carra_max_marked_unverified(kb):
    cal = pamidronate_calendar(kb, "carra_ctp", 70.0)
    assert cal.max_mg_per_dose_certainty == "unverified" and "UNVERIFIED" in cal.infusions[1].note
    assert cal.infusions[0].dose_mg == 35.0  # first dose 0.5 mg/kg x 70 kg


@given(st.floats(min_value=5, max_value=120))
def test_miettunen_yearly_total_never_passes_11_5_mg_per_kg(weight_kg):
    from rarebone.knowledge import load
    cal = pamidronate_calendar(load(), "miettunen2009", weight_kg)
    assert cal.total_mg_first_year <= 11.5 * weight_kg + 1e-6


def test_dose_without_unit_is_an_input_error():
    doc = example("cno-clavicle-tibia.json")
    del doc["medicalActions"][0]["treatment"]["doseIntervals"][0]["quantity"]["unit"]
    with pytest.raises(InputError, match="unit"):
        patient_from(doc)
