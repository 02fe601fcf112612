import json
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
