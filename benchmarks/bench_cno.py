"""CNO assessment speed on the phenopacket-store sample and course on the examples (run on demand)."""

import time
from pathlib import Path

from rarebone.cno import assess_cno
from rarebone.intake import read_phenopacket
from rarebone.knowledge import load
from rarebone.phenotype import ontology
from rarebone.workflows.cno_course import build_course

kb, onto = load(), ontology()
patients = [read_phenopacket(p).patient for p in sorted(Path(__file__).resolve().parents[1] / "tests" / "data" / "phenopacket-store-sample".glob("*.json"))]
t = time.perf_counter()
levels = {}
for p in patients:
    level = assess_cno(p, kb, onto)[0].level.value
    levels[level] = levels.get(level, 0) + 1
elapsed = time.perf_counter() - t
print(f"assess_cno: {len(patients)} phenopackets in {elapsed:.2f} s ({1000 * elapsed / len(patients):.2f} ms each); levels {levels}")
t = time.perf_counter()
build_course([Path(__file__).resolve().parents[1] / "examples" / "cno"], kb)
print(f"cno course on examples/cno: {time.perf_counter() - t:.3f} s")

from rarebone.report.cno_render import course_html, plan_html  # noqa: E402
from rarebone.workflows.cno_plan import build_plan  # noqa: E402

examples = Path(__file__).resolve().parents[1] / "examples" / "cno"
t = time.perf_counter()
plan = build_plan(examples / "cno-multivisit.json", kb)
plan_html(plan, kb)
print(f"cno plan (4 calendars) + HTML on cno-multivisit: {time.perf_counter() - t:.3f} s")
t = time.perf_counter()
course_html(build_course([examples], kb), kb)
print(f"cno course HTML with charts on examples/cno (4 patients): {time.perf_counter() - t:.3f} s")
