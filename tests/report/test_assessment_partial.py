"""The printed assessment (``rarebone assess --format html``) and the workbench's assessment page share their
sections through one partial (report/templates/_assessment_sections.html). Factoring it out must not change the
report by one byte: the template as it was before (kept in tests/report/data/, the reference) and the template
now render every example identically."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted([*(ROOT / "examples" / "phenopackets").glob("*.json"), *(ROOT / "examples" / "cno").glob("*.json")])


def _reference_environment():
    """The report's environment, with the pre-partial template answering for assessment.html."""
    import jinja2

    from rarebone.report.html import environment

    env = environment().overlay(loader=jinja2.ChoiceLoader([
        jinja2.DictLoader({"assessment.html": (Path(__file__).parent / "data" / "assessment-before-partial.html")
                           .read_text(encoding="utf-8")}),
        environment().loader]))
    return env


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_printed_assessment_is_byte_identical_to_the_template_before_the_partial(example):
    from rarebone import api
    from rarebone.report.html import render

    a = api.assess(str(example))
    now = render("assessment.html", a=a, results=[a], failures=[])
    before = _reference_environment().get_template("assessment.html").render(a=a, results=[a], failures=[])
    assert now == before
    assert "Suspicion of" in now and "Sources" in now


def test_the_workbench_page_and_the_report_use_the_same_partial():
    web = (ROOT / "src/rarebone/web/templates/assessment/page.html").read_text(encoding="utf-8")
    report = (ROOT / "src/rarebone/report/templates/assessment.html").read_text(encoding="utf-8")
    assert '{% include "report/_assessment_sections.html" %}' in web
    assert '{% include "_assessment_sections.html" %}' in report
    assert "Pre-transplant work-up" not in web and "Pre-transplant work-up" not in report  # only in the partial
