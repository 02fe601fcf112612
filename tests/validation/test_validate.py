"""rarebone validate (issue 9): statistics, key reading, report plumbing and exit codes on a fixture set.

The fixture set (tests/validation/fixtures/, key in keys/fixture.csv) is transcribed from the examples plus one
thin record written for the tests; it exercises the arithmetic and the report, it measures nothing clinical.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rarebone.errors import InputError
from rarebone.intake import expand_inputs
from rarebone.validation import read_keys, run_validation
from rarebone.validation.stats import wilson_interval
from tests.conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
KEY = FIXTURES / "keys"
NEGATIVES = FIXTURES / "negatives"
HEADER = "file,category,subgroup,disease_id,disease_label,gene,allelic_state,expected_hsct,citation,unfilled\n"


# --- the Wilson score interval -------------------------------------------------------------------------------

# Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven methods.
# Stat Med 1998;17:857-872, Table I, method 3 (Wilson score, no continuity correction), 95%.
NEWCOMBE_1998_TABLE_I = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize("k,n,low,high", NEWCOMBE_1998_TABLE_I)
def test_wilson_interval_against_newcombe_1998_table_1(k, n, low, high):
    got_low, got_high = wilson_interval(k, n)
    # Within half a unit of the published 4th decimal, on either side of each bound.
    assert got_low == pytest.approx(low, abs=5e-5) and got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_is_symmetric_for_complements_against_newcombe_1998():
    # k/n and (n-k)/n mirror each other (Newcombe 1998: Wilson respects the symmetry): 20/20 is 0.8389-1.
    low, high = wilson_interval(20, 20)
    assert high == 1.0 and low == pytest.approx(1 - 0.1611, abs=5e-5)


def test_wilson_interval_refuses_impossible_counts():
    for k, n in ((1, 0), (-1, 3), (4, 3)):
        with pytest.raises(ValueError):
            wilson_interval(k, n)


# --- the arithmetic on the fixture set -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def report():
    rows = read_keys([KEY])
    cases = [p for p in expand_inputs([FIXTURES]) if NEGATIVES not in p.parents]
    return run_validation(cases, rows, negatives=expand_inputs([NEGATIVES]))


def _kn(p):
    return (p.numerator, p.denominator)


def test_sensitivity_and_specificity_computed_by_hand(report):
    # By hand, from the assessments of the fixture files (levels checked in test_levels_per_category):
    # OSTEOPETROSIS positives: op-tcirg1 high, op-ostm1 high, op-clcn7-het high, op-thin none  -> >=moderate 3/4, high 3/4
    #   negatives: 2 cno + 2 look-alikes + 1 healthy = 5, none called >= moderate             -> specificity 5/5
    # CNO positives: cno-clavicle-tibia high, cno-majeed-like moderate                          -> >=moderate 2/2, high 1/2
    #   negatives: 4 osteopetrosis + 2 look-alikes + 1 healthy = 7; lk-leukaemia-pointer moderate -> specificity 6/7,
    #   not-called-high 7/7; look-alikes called >= moderate 1/2, called high 0/2
    op, cno = report.conditions["osteopetrosis"], report.conditions["cno"]
    assert (op.positives, op.negatives, cno.positives, cno.negatives) == (4, 5, 2, 7)
    assert _kn(op.sensitivity_moderate) == (3, 4) and _kn(op.sensitivity_high) == (3, 4)
    assert _kn(op.specificity) == (5, 5) and _kn(op.lookalike_called_moderate) == (0, 2)
    assert _kn(cno.sensitivity_moderate) == (2, 2) and _kn(cno.sensitivity_high) == (1, 2)
    assert _kn(cno.specificity) == (6, 7) and _kn(cno.specificity_high) == (7, 7)
    assert _kn(cno.lookalike_called_moderate) == (1, 2) and _kn(cno.lookalike_called_high) == (0, 2)
    assert cno.specificity.value == pytest.approx(6 / 7)
    assert (cno.specificity.low, cno.specificity.high) == pytest.approx(wilson_interval(6, 7))


def test_levels_per_category(report):
    assert report.conditions["osteopetrosis"].levels["osteopetrosis"] == {"none": 1, "low": 0, "moderate": 0, "high": 3}
    assert report.conditions["cno"].levels["cno"] == {"none": 0, "low": 0, "moderate": 1, "high": 1}
    assert report.conditions["cno"].levels["negative"] == {"none": 1, "low": 0, "moderate": 0, "high": 0}
    # subgroups of the fixture key: MIOP op-tcirg1 (high) + op-thin (none); OP-neuro op-ostm1 (high); ADO op-clcn7-het (high)
    assert report.conditions["osteopetrosis"].subgroup_levels == {
        "ADO": {"none": 0, "low": 0, "moderate": 0, "high": 1}, "MIOP": {"none": 1, "low": 0, "moderate": 0, "high": 1},
        "OP-neuro": {"none": 0, "low": 0, "moderate": 0, "high": 1}}


def test_every_miss_and_false_alarm_is_listed_with_its_evidence(report):
    assert [(m.condition, m.file) for m in report.misses] == [("osteopetrosis", "osteopetrosis/op-thin.json")]
    assert any("HP:0001903" in line for line in report.misses[0].evidence)
    assert [(f.condition, f.file) for f in report.false_alarms] == [("cno", "lookalike/lk-leukaemia-pointer.json")]
    assert report.false_alarms[0].evidence and report.false_alarms[0].level == "moderate"


def test_hsct_agreement_table(report):
    table = report.hsct.table
    assert table["indicated"]["indicated"] == table["not_indicated"]["not_indicated"] == 1
    assert table["case_by_case"]["case_by_case"] == table["undetermined"]["undetermined"] == 1
    assert sum(sum(row.values()) for row in table.values()) == 4 and _kn(report.hsct.agreement) == (4, 4)


def test_hsct_disagreement_is_counted_off_the_diagonal(tmp_path):
    key = tmp_path / "key.csv"
    # The CLCN7 heterozygous row claimed "indicated" here only to put one case off the diagonal.
    text = (KEY / "fixture.csv").read_text().replace("CLCN7,heterozygous,case_by_case", "CLCN7,heterozygous,indicated")
    key.write_text(text)
    rows = read_keys([key])
    result = run_validation([p for p in expand_inputs([FIXTURES / "osteopetrosis"])], rows)
    assert result.hsct.table["indicated"]["case_by_case"] == 1 and _kn(result.hsct.agreement) == (3, 4)
    assert result.hsct.disagreements == ["osteopetrosis/op-clcn7-het.json (CLCN7 heterozygous): expected indicated, "
                                         "given case_by_case"]


def test_phenotype_only_removes_the_answer_and_the_hsct_question():
    rows = read_keys([KEY])
    result = run_validation(expand_inputs([FIXTURES / "osteopetrosis"]), rows, phenotype_only=True)
    by_file = {r.file: r for r in result.results}
    assert by_file["osteopetrosis/op-tcirg1.json"].given_hsct == "undetermined"  # genotype gone
    assert result.hsct.agreement.denominator == 0 and "phenotype-only" in result.hsct.note


# --- keys ----------------------------------------------------------------------------------------------------

def test_json_key_equals_csv_key(tmp_path):
    rows = read_keys([KEY])
    key = tmp_path / "key.json"
    key.write_text(json.dumps([{k: getattr(r, k) for k in ("file", "category", "subgroup", "expected_hsct")} for r in rows]))
    assert [(r.file, r.category, r.expected_hsct) for r in read_keys([key])] == [(r.file, r.category, r.expected_hsct) for r in rows]


@pytest.mark.parametrize("text,message", [
    ("file,category\nx.json,cno\n", "header must be exactly"),
    (HEADER + "cno/a.json,osteomyelitis,,,,,,,,\n", "category must be one of"),
    (HEADER + "cno/a.json,cno,,,,,,maybe,,\n", "expected_hsct must be one of"),
    (HEADER + "cno/a.json,cno,,,\n", "columns"),
    (HEADER + "cno/a.json,cno,,,,,,,,\ncno/a.json,cno,,,,,,,,\n", "listed twice"),
])
def test_bad_key_is_one_line_naming_file_row_and_value(tmp_path, text, message):
    key = tmp_path / "key.csv"
    key.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        read_keys([key])
    assert str(key) in str(caught.value) and "\n" not in str(caught.value)


# --- the command: exit codes, formats ------------------------------------------------------------------------

def _cli(*args):
    return run_cli("validate", str(FIXTURES), "--key", str(KEY), "--negatives", str(NEGATIVES), *args)


def test_exit_0_and_the_report(tmp_path):
    done = _cli("--format", "json", "-o", str(tmp_path / "v.json"))
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "v.json").read_text())
    assert data["conditions"]["osteopetrosis"]["sensitivity_moderate"]["numerator"] == 3
    assert "responsible clinician" in data["notice"]


def test_exit_2_for_a_missing_key_file():
    done = run_cli("validate", str(FIXTURES), "--key", "no/such/key.csv")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no/such/key.csv" in done.stderr
    assert "Traceback" not in done.stderr


def test_exit_2_for_an_unknown_category(tmp_path):
    key = tmp_path / "key.csv"
    key.write_text(HEADER + "cno/cno-clavicle-tibia.json,cnoo,,,,,,,,\n")
    done = run_cli("validate", str(FIXTURES / "cno"), "--key", str(key))
    assert done.returncode == 2 and "category must be one of" in done.stderr and "'cnoo'" in done.stderr


def test_a_broken_case_file_is_a_row_error_and_the_others_go_on(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURES, cases)
    (cases / "cno" / "cno-majeed-like.json").write_text('{"id": "x", "phenotypicFeatures": [{"type": {"id": "HP:99X"}}]}')
    done = run_cli("validate", str(cases), "--key", str(cases / "keys"), "--negatives", str(cases / "negatives"),
                   "--format", "json", "-o", str(tmp_path / "v.json"))
    assert done.returncode == 2 and "HP:99X" in done.stderr
    data = json.loads((tmp_path / "v.json").read_text())
    assert data["assessed"] == 8 and len(data["errors"]) == 1
    assert data["conditions"]["cno"]["positives"] == 1


def test_exit_3_below_the_floor_one_line_per_figure(tmp_path):
    floor = tmp_path / "floor.yaml"
    # measured: osteopetrosis sensitivity_moderate 0.75 (3/4), cno specificity 0.857 (6/7)
    floor.write_text("osteopetrosis: {sensitivity_moderate: 0.76}\ncno: {specificity: 0.86, sensitivity_moderate: 1.0}\n")
    done = _cli("--floor", str(floor))
    assert done.returncode == 3
    lines = [l for l in done.stderr.splitlines() if "floor check failed" in l]
    assert len(lines) == 2 and "osteopetrosis sensitivity_moderate 0.750 (3/4)" in lines[0]
    floor.write_text("osteopetrosis: {sensitivity_moderate: 0.75}\ncno: {specificity: 0.857}\n")  # just at the floor
    assert _cli("--floor", str(floor)).returncode == 0


def test_a_malformed_floor_is_exit_2(tmp_path):
    floor = tmp_path / "floor.yaml"
    floor.write_text("osteopetrosis: {sensitivity: 0.8}\n")
    done = _cli("--floor", str(floor))
    assert done.returncode == 2 and "unknown figure" in done.stderr


def test_html_escapes_hostile_ids(tmp_path):
    from rarebone.validation.render import render_html

    key = tmp_path / "key.csv"
    hostile = "<script>alert(1)</script>"
    key.write_text((KEY / "fixture.csv").read_text().replace("op-thin.json,osteopetrosis,MIOP", f"op-thin.json,osteopetrosis,{hostile}"))
    html = render_html(run_validation(expand_inputs([FIXTURES / "osteopetrosis"]), read_keys([key])))
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "responsible clinician" in html


def test_text_report_lists_misses_with_evidence():
    done = _cli()
    assert done.returncode == 0
    assert "MISSES" in done.stdout and "op-thin.json" in done.stdout and "evidence: Anaemia" in done.stdout
    assert "responsible clinician" in done.stdout


def test_schema_command_knows_the_validation_report():
    done = run_cli("schema", "validation")
    assert done.returncode == 0 and "ConditionFigures" in done.stdout


def test_wilson_interval_agrees_with_scipy_binomtest():
    # An independent implementation (scipy.stats.binomtest(...).proportion_ci(method="wilson")) over a grid.
    stats = pytest.importorskip("scipy.stats")
    for n in (1, 2, 7, 28, 33, 72):
        for k in range(n + 1):
            ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
            assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-9), (k, n)
