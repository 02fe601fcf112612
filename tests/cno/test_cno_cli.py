import json

import pytest
import subprocess
import sys

from tests.cno.conftest import EXAMPLES


def run(*args):
    return subprocess.run([sys.executable, "-m", "rarebone", *args], capture_output=True, text=True)


def test_course_json_and_html(tmp_path):
    out = run("cno", "course", str(EXAMPLES / "cno-multivisit.json"), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"visits", "responses", "lesions", "summary"} <= set(data["patients"][0])
    html = tmp_path / "c.html"
    assert run("cno", "course", str(EXAMPLES), "--format", "html", "-o", str(html)).returncode == 0
    assert "data:image/png;base64" in html.read_text() and "Decision support" in html.read_text()


def test_plan_text_has_notice_and_calendar():
    out = run("cno", "plan", str(EXAMPLES / "cno-clavicle-tibia.json"), "--start", "2026-04-01")
    assert out.returncode == 0 and "Decision support" in out.stdout and "Pamidronate" in out.stdout


def test_bad_input_exits_2(tmp_path):
    doc = json.loads((EXAMPLES / "cno-multivisit.json").read_text())
    doc["rareboneExtensions"]["cno"]["visits"][0]["pga"] = 12
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    out = run("cno", "course", str(bad), "-o", str(tmp_path / "o.txt"))
    assert out.returncode == 2 and "visits[0].pga" in out.stderr and not (tmp_path / "o.txt").exists()


def _bad(tmp_path, edit, name="cno-multivisit.json"):
    doc = json.loads((EXAMPLES / name).read_text())
    edit(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    return bad


def _cno(doc):
    return doc["rareboneExtensions"]["cno"]


BAD_INPUTS = {
    "lesion without a site": (lambda d: _cno(d)["imaging"][1]["lesions"][0].pop("site"), "imaging[1].lesions[0].site"),
    "study without a date": (lambda d: _cno(d)["imaging"][2].pop("date"), "imaging[2].date"),
    "visit without a date": (lambda d: _cno(d)["visits"][1].pop("date"), "visits[1].date"),
    "PGA above its scale": (lambda d: _cno(d)["visits"][0].update(pga=10.5), "visits[0].pga"),
    "PGA below its scale": (lambda d: _cno(d)["visits"][0].update(pga=-1), "visits[0].pga"),
    "pain above 10": (lambda d: _cno(d)["visits"][2].update(patientPain=11), "visits[2].patientPain"),
    "visits out of order": (lambda d: _cno(d)["visits"][2].update(date="2025-03-01"), "visits[2].date"),
    "studies out of order": (lambda d: _cno(d)["imaging"][1].update(date="2024-12-01"), "imaging[1].date"),
    "dose without unit": (lambda d: d["medicalActions"][0]["treatment"]["doseIntervals"][0]["quantity"].pop("unit"),
                          "doseIntervals[0].quantity.unit"),
    "dose ends before it starts": (lambda d: d["medicalActions"][0]["treatment"]["doseIntervals"][0]["interval"].update(
        end="2024-01-01T00:00:00Z"), "doseIntervals[0].interval.end"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
@pytest.mark.parametrize("command", ["course", "plan", "assess"])
def test_bad_input_one_line_error_naming_the_field_and_nothing_written(tmp_path, case, command):
    """Every bad input is refused by all three commands (reversed dose dates were accepted by assess and course):
    exit 2, one line naming the file, the field and the value, nothing written."""
    edit, field = BAD_INPUTS[case]
    out_file = tmp_path / "out.html"
    bad = _bad(tmp_path, edit)
    args = ("assess",) if command == "assess" else ("cno", command)
    r = run(*args, str(bad), "--format", "html", "-o", str(out_file))
    assert r.returncode == 2, r.stdout + r.stderr
    assert field in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert str(bad) in r.stderr or bad.name in r.stderr, r.stderr
    assert "(value:" in r.stderr or "missing" in r.stderr or "required" in r.stderr, r.stderr
    assert not out_file.exists() and list(tmp_path.iterdir()) == [tmp_path / "bad.json"]
