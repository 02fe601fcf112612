"""Printed documents (PDF through headless Chromium): every page names the document and patient, carries the
decision-support notice and 'page N of M'; a SYNTHETIC registry report says so on every page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli

pypdf = pytest.importorskip("pypdf")


def _pages(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(str(path)).pages]


def _needs_chromium():
    from rarebone.report.pdf import find_chromium

    if find_chromium() is None:
        pytest.fail("Chromium is required for PDF output (.ci/run installs it)")


def _assert_every_page(pages: list[str], *needles: str) -> None:
    assert pages, "empty PDF"
    for number, text in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in text, (number, text[-200:])
        assert "to be checked by the responsible clinician" in text, number
        for needle in needles:
            assert needle in text, (number, needle)


@pytest.mark.parametrize("args, header", [
    (["plan", str(ROOT / "examples/transplant/tcirg1-infant-plan.json"), "--protocol", "beijing-haplo",
      "--day0", "2027-01-15"], "Transplant plan TX-P1 · day 0 = 2027-01-15"),
    (["monitor", str(ROOT / "examples/transplant/tcirg1-post-hsct-series.json")], "Post-transplant monitoring"),
    (["cno", "plan", str(ROOT / "examples/cno/cno-multivisit.json")], "CNO treatment plan"),
    (["cno", "course", str(ROOT / "examples/cno/cno-multivisit.json")], "CNO course"),
    (["assess", str(EXAMPLES / "tcirg1-infant.json")], "rarebone assessment"),
])
def test_every_printed_page_is_identified_numbered_and_marked_decision_support(tmp_path, args, header):
    _needs_chromium()
    out = tmp_path / "doc.pdf"
    r = run_cli(*args, "--format", "pdf", "-o", str(out))
    assert r.returncode == 0, r.stderr
    _assert_every_page(_pages(out), header)


def test_a_multi_page_plan_names_the_patient_on_every_page(tmp_path):
    _needs_chromium()
    out = tmp_path / "plan.pdf"
    r = run_cli("plan", str(ROOT / "examples/transplant/tcirg1-infant-plan.json"), "--protocol", "beijing-haplo",
                "--day0", "2027-01-15", "--format", "pdf", "-o", str(out))
    assert r.returncode == 0, r.stderr
    pages = _pages(out)
    assert len(pages) > 2  # the calendar runs over several pages: the test means something
    assert all("TX-P1" in p for p in pages)


def test_synthetic_registry_report_is_marked_on_every_page(tmp_path):
    _needs_chromium()
    db, out = tmp_path / "demo.sqlite", tmp_path / "report.pdf"
    assert run_cli("registry", "demo", "--patients", "80", "--seed", "3", "--db", str(db)).returncode == 0
    r = run_cli("report", "--db", str(db), "--by", "donor_relation", "-o", str(out))
    assert r.returncode == 0, r.stderr
    pages = _pages(out)
    _assert_every_page(pages, "SYNTHETIC DATA")


def test_pdf_without_an_output_file_is_refused_before_any_work():
    r = run_cli("assess", str(EXAMPLES / "tcirg1-infant.json"), "--format", "pdf")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--output" in r.stderr


def test_css_string_cannot_break_out_of_the_print_style():
    from rarebone.report.html import css_string

    # every delimiter as a 6-digit hex escape ended by one space (issue 11 item 2: form feed and braces too)
    assert css_string('P"1</style>\\x') == '"P\\000022 1\\00003c \\00002f style\\00003e \\00005c x"'
    assert not re.search(r"</style", str(css_string("</style><script>")))
